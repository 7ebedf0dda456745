/** The service's login role: its password and connection string. */
import pg from 'pg';
import { retryCatalogRace } from './migrate.ts';

export const APP_ROLE = 'claims_app';

/** Local development default; a deployment passes its own (CLAIMS_APP_PASSWORD, or the app secret). */
export const LOCAL_APP_PASSWORD = 'claims-app-local-dev';

/**
 * Sets claims_app's password (roles are cluster-wide: this affects every database on the server)
 * and returns the app connection string for the admin URL's host and database.
 *
 * @example
 * const appUrl = await configureAppRole(adminUrl); // postgres://claims_app:...@host:port/db
 */
export async function configureAppRole(adminUrl: string, password = LOCAL_APP_PASSWORD): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // ALTER ROLE takes no bind parameters; the literal is escaped by the driver.
    // Several local processes may start at once on one server (the role row is shared): retry the race.
    await retryCatalogRace(() =>
      client.query(`ALTER ROLE ${APP_ROLE} WITH LOGIN PASSWORD ${client.escapeLiteral(password)}`),
    );
  } finally {
    await client.end();
  }
  return appConnectionString(adminUrl, password);
}

/**
 * The admin URL with the claims_app user and password swapped in.
 *
 * @example
 * appConnectionString('postgres://postgres:x@127.0.0.1:5432/claims', 'pw')
 * // → 'postgres://claims_app:pw@127.0.0.1:5432/claims'
 */
export function appConnectionString(adminUrl: string, password = LOCAL_APP_PASSWORD): string {
  const url = new URL(adminUrl);
  url.username = APP_ROLE;
  url.password = encodeURIComponent(password);
  return url.toString();
}

/**
 * The admin URL pointed at another database on the same server.
 *
 * @example
 * withDatabase('postgres://postgres:x@127.0.0.1:5432/postgres', 'claims')
 */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}
