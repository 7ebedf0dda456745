/**
 * Database credentials in Lambda: the RDS secret read through the AWS Parameters and Secrets
 * Lambda Extension's local HTTP API (it caches, and needs no SDK on the cold start), and the
 * connection URL built from it. The ask, admin, health, migrate and pre-token functions all
 * connect this way.
 */

/** The database secret as Secrets Manager stores it for RDS. */
export interface DbSecret {
  readonly username: string;
  readonly password: string;
  readonly host?: string;
  readonly port?: number;
  readonly dbname?: string;
}

/**
 * Reads a secret through the extension (rotation is picked up within its cache TTL).
 * @example
 * const { username, password } = await readDbSecret(process.env.DB_SECRET_ARN!);
 */
export async function readDbSecret(secretId: string, env: NodeJS.ProcessEnv = process.env): Promise<DbSecret> {
  const port = env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';
  const res = await fetch(`http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`, {
    headers: { 'X-Aws-Parameters-Secrets-Token': env.AWS_SESSION_TOKEN ?? '' },
  });
  if (!res.ok) throw new Error(`secret lookup failed with HTTP ${res.status}`);
  const body = (await res.json()) as { SecretString?: string };
  const secret = JSON.parse(body.SecretString ?? '{}') as Partial<DbSecret>;
  if (!secret.username || !secret.password) throw new Error('the database secret has no username/password');
  return secret as DbSecret;
}

/**
 * `postgres://user[:password]@host:port/db` for a secret; DB_HOST (the RDS Proxy endpoint),
 * DB_PORT and DB_NAME win over the secret's own host, port and dbname.
 * @example
 * databaseUrl(secret, { DB_HOST: 'proxy.internal' }).toString() // postgres://claims_app:…@proxy.internal:5432/claims
 */
export function databaseUrl(secret: DbSecret, env: NodeJS.ProcessEnv, opts: { password?: boolean } = {}): URL {
  const host = env.DB_HOST ?? secret.host;
  if (!host) throw new Error('the database host is unknown (set DB_HOST)');
  const port = env.DB_PORT ?? String(secret.port ?? 5432);
  const url = new URL(`postgres://${host}:${port}/${encodeURIComponent(env.DB_NAME ?? secret.dbname ?? 'claims')}`);
  url.username = encodeURIComponent(secret.username);
  if (opts.password !== false) url.password = encodeURIComponent(secret.password);
  return url;
}
