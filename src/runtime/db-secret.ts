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

/**
 * Reads a secret through the extension (rotation is picked up within its cache TTL).
 * @example
 * const { username, password } = await readDbSecret(config.db.secretArn, config.db.secretsExtension);
 */
export async function readDbSecret(secretId: string, extension: SecretsExtension): Promise<DbSecret> {
  const res = await fetch(
    `http://localhost:${extension.port}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`,
    { headers: { 'X-Aws-Parameters-Secrets-Token': extension.token ?? '' } },
  );
  if (!res.ok) throw new Error(`secret lookup failed with HTTP ${res.status}`);
  const body = (await res.json()) as { SecretString?: string };
  const secret = JSON.parse(body.SecretString ?? '{}') as Partial<DbSecret>;
  if (!secret.username || !secret.password) throw new Error('the database secret has no username/password');
  return secret as DbSecret;
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
 * DB_HOST + the secret named by DB_SECRET_ARN. The password is read for every new connection (the
 * extension caches it for its TTL), so a rotated secret is picked up by warm containers.
 * @example
 * const pool = await lambdaAppPool(config.db, { max: 1 });
 */
export async function lambdaAppPool(db: DbConfig, poolOptions: pg.PoolConfig = {}): Promise<pg.Pool> {
  const options = { max: db.poolMax, idleTimeoutMillis: 60_000, ...poolOptions };
  if (db.appUrl) return createAppPool(db.appUrl, options);
  const secretId = db.secretArn;
  if (!secretId) throw new Error('DB_SECRET_ARN (or DATABASE_APP_URL) must be set');
  const url = databaseUrl(await readDbSecret(secretId, db.secretsExtension), db, { password: false });
  const password = async () => (await readDbSecret(secretId, db.secretsExtension)).password;
  return createAppPool(url.toString(), { ...options, password, ssl: TLS[db.tls].ssl });
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
  const options = {
    max: db.poolMax,
    idleTimeoutMillis: 60_000,
    application_name: 'claims-assistant-reader',
    ...poolOptions,
  };
  if (db.appUrl) return createAppPool(withHost(db.appUrl, db.readerHost), options);
  const secretId = db.secretArn;
  if (!secretId) throw new Error('DB_SECRET_ARN (or DATABASE_APP_URL) must be set');
  const secret = await readDbSecret(secretId, db.secretsExtension);
  const url = databaseUrl(secret, { ...db, host: db.readerHost }, { password: false });
  const password = async () => (await readDbSecret(secretId, db.secretsExtension)).password;
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
