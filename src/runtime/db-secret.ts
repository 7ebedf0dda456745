/**
 * Database connections in Lambda: the RDS secret read through the AWS Parameters and Secrets
 * Lambda Extension's local HTTP API (it caches, and needs no SDK on the cold start), and the
 * connections built from it, with TLS as DB_TLS says (one place for every function: ask, admin,
 * health, eval runner, pre-token and migrate).
 */
import type pg from 'pg';
import type { DbConfig, DbTls } from '../config/config.ts';
import { createAppPool } from '../db/member-db.ts';

/** The database secret as Secrets Manager stores it for RDS. */
export interface DbSecret {
  readonly username: string;
  readonly password: string;
  readonly host?: string;
  readonly port?: number;
  readonly dbname?: string;
}

/** The extension's port and the session token it requires (DbConfig['secretsExtension']). */
export type SecretsExtension = DbConfig['secretsExtension'];

/**
 * DB_TLS, the one TLS setting: as a URL's `sslmode` and as the driver's `ssl` option. RDS Proxy
 * requires TLS and its certificates chain to Amazon's public CAs, so they are verified, host name
 * included; `disable` is for a plain server on a private network or loopback (tests).
 */
export const TLS: Readonly<Record<DbTls, { readonly sslmode: string; readonly ssl: pg.PoolConfig['ssl'] }>> = {
  'verify-full': { sslmode: 'verify-full', ssl: { rejectUnauthorized: true } },
  disable: { sslmode: 'disable', ssl: false },
};

/** How long one read of a secret through the extension may take (it fetches from Secrets Manager on a miss). */
export const SECRET_TIMEOUT_MS = 3000;

/** How long a finished read is shared for building pools (the login and host; a cold start builds two). */
export const SECRET_REUSE_MS = 30_000;

/**
 * Reads a secret through the extension (rotation is picked up within its cache TTL). The request
 * is aborted after `timeoutMs`: an extension (or Secrets Manager behind it) that does not answer
 * fails the read instead of stalling the cold start.
 * @example
 * const { username, password } = await readDbSecret(config.db.secretArn, config.db.secretsExtension);
 */
export async function readDbSecret(
  secretId: string,
  extension: SecretsExtension,
  opts: { timeoutMs?: number } = {},
): Promise<DbSecret> {
  const res = await fetch(
    `http://localhost:${extension.port}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`,
    {
      headers: { 'X-Aws-Parameters-Secrets-Token': extension.token ?? '' },
      signal: AbortSignal.timeout(opts.timeoutMs ?? SECRET_TIMEOUT_MS),
    },
  );
  if (!res.ok) throw new Error(`secret lookup failed with HTTP ${res.status}`);
  const body = (await res.json()) as { SecretString?: string };
  const secret = JSON.parse(body.SecretString ?? '{}') as Partial<DbSecret>;
  if (!secret.username || !secret.password) throw new Error('the database secret has no username/password');
  return secret as DbSecret;
}

const sharedReads = new Map<string, { settledAt?: number; readonly secret: Promise<DbSecret> }>();

/**
 * {@link readDbSecret}, shared: a caller gets the read in flight, if any, or one that finished
 * less than `reuseMs` ago (the writer and reader pools of a cold start: one lookup); else a new
 * read. A read that fails is forgotten at once, so the next caller tries again. `reuseMs: 0`
 * shares only a read in flight (a burst of new connections: one lookup, each later connection
 * asks again, so a rotated password is picked up as soon as the extension serves it).
 * @example
 * const secret = await sharedDbSecret(config.db.secretArn, config.db.secretsExtension);
 */
export function sharedDbSecret(
  secretId: string,
  extension: SecretsExtension,
  opts: { timeoutMs?: number; reuseMs?: number } = {},
): Promise<DbSecret> {
  const key = `${extension.port} ${secretId}`;
  const cached = sharedReads.get(key);
  const reuseMs = opts.reuseMs ?? SECRET_REUSE_MS;
  if (cached && (cached.settledAt === undefined || Date.now() - cached.settledAt < reuseMs)) return cached.secret;
  const secret = readDbSecret(secretId, extension, opts);
  const entry: { settledAt?: number; readonly secret: Promise<DbSecret> } = { secret };
  sharedReads.set(key, entry);
  secret.then(
    () => {
      entry.settledAt = Date.now();
    },
    () => {
      if (sharedReads.get(key) === entry) sharedReads.delete(key);
    },
  );
  return secret;
}

/**
 * `postgres://user[:password]@host:port/db?sslmode=…` for a secret; DB_HOST (the RDS Proxy
 * endpoint), DB_PORT and DB_NAME win over the secret's own host, port and dbname.
 * @example
 * databaseUrl(secret, { host: 'proxy.internal', tls: 'verify-full' }).toString()
 * // postgres://claims_app:…@proxy.internal:5432/claims?sslmode=verify-full
 */
export function databaseUrl(
  secret: DbSecret,
  db: Pick<DbConfig, 'host' | 'port' | 'name' | 'tls'>,
  opts: { password?: boolean } = {},
): URL {
  const host = db.host ?? secret.host;
  if (!host) throw new Error('the database host is unknown (set DB_HOST)');
  const port = db.port ?? secret.port ?? 5432;
  const url = new URL(`postgres://${host}:${port}/${encodeURIComponent(db.name ?? secret.dbname ?? 'claims')}`);
  url.username = encodeURIComponent(secret.username);
  if (opts.password !== false) url.password = encodeURIComponent(secret.password);
  url.searchParams.set('sslmode', TLS[db.tls].sslmode);
  return url;
}

/**
 * The claims_app pool of a Lambda function: DATABASE_APP_URL when set (tests, other hosts), else
 * DB_HOST + the secret named by DB_SECRET_ARN, read once for both pools of a cold start
 * ({@link sharedDbSecret}, bounded by {@link SECRET_TIMEOUT_MS}). The password is read again for
 * every new connection (connections opened together share one lookup; the extension caches it
 * for its TTL), so a rotated secret is picked up by warm containers.
 * @example
 * const pool = await lambdaAppPool(config.db, { max: 1 });
 */
export function lambdaAppPool(db: DbConfig, poolOptions: pg.PoolConfig = {}): Promise<pg.Pool> {
  return secretPool(db, undefined, poolOptions);
}

/**
 * The claims_app pool to the read-only endpoint (DB_READER_HOST), for member reads; undefined when
 * no reader is configured (then everything uses {@link lambdaAppPool}). The same login and secret
 * as the writer's pool, DB_READER_HOST in place of DB_HOST (with DATABASE_APP_URL: that URL's
 * host replaced).
 * @example
 * const reader = await lambdaReaderPool(config.db); // undefined without DB_READER_HOST
 */
export async function lambdaReaderPool(db: DbConfig, poolOptions: pg.PoolConfig = {}): Promise<pg.Pool | undefined> {
  if (!db.readerHost) return undefined;
  return secretPool(db, db.readerHost, { application_name: 'claims-assistant-reader', ...poolOptions });
}

/** A claims_app pool to the writer, or to `readerHost` in place of the writer's host. */
async function secretPool(db: DbConfig, readerHost: string | undefined, poolOptions: pg.PoolConfig): Promise<pg.Pool> {
  const options = { max: db.poolMax, idleTimeoutMillis: 60_000, ...poolOptions };
  if (db.appUrl) return createAppPool(readerHost === undefined ? db.appUrl : withHost(db.appUrl, readerHost), options);
  const secretId = db.secretArn;
  if (!secretId) throw new Error('DB_SECRET_ARN (or DATABASE_APP_URL) must be set');
  const secret = await sharedDbSecret(secretId, db.secretsExtension);
  const url = databaseUrl(secret, readerHost === undefined ? db : { ...db, host: readerHost }, { password: false });
  const password = async () => (await sharedDbSecret(secretId, db.secretsExtension, { reuseMs: 0 })).password;
  return createAppPool(url.toString(), { ...options, password, ssl: TLS[db.tls].ssl });
}

/**
 * A connection string with another host (same port, login and database): a replica's.
 * @example
 * withHost('postgres://u:p@writer:5432/claims', 'reader') // 'postgres://u:p@reader:5432/claims'
 */
export function withHost(connectionString: string, host: string): string {
  const url = new URL(connectionString);
  url.hostname = host;
  return url.toString();
}

/**
 * The owner login of the migrate function: DATABASE_URL when set, else the secret named by
 * DB_SECRET_ARN (the owner secret, in that function's environment).
 * @example
 * await migrate(await lambdaOwnerUrl(config.db));
 */
export async function lambdaOwnerUrl(db: DbConfig): Promise<string> {
  if (db.ownerUrl) return db.ownerUrl;
  if (!db.secretArn) throw new Error('DB_SECRET_ARN (or DATABASE_URL) must be set');
  return databaseUrl(await readDbSecret(db.secretArn, db.secretsExtension), db).toString();
}
