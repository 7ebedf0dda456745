/**
 * Test databases. `test/run.ts` starts one embedded PostgreSQL and a migrated, seeded template
 * database, and passes them in `TEST_PG_ADMIN_URL` / `TEST_PG_TEMPLATE_DB`. `freshDatabase()`
 * clones that template (a file copy: fast), so every test file gets its own data. A file run
 * alone (`node --import tsx --test x.test.ts`) starts its own server the first time it asks.
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { migrate } from '../../src/db/migrate.ts';
import { appConnectionString, configureAppRole, withDatabase } from '../../src/db/roles.ts';
import { seedDatabase } from '../../src/db/seed/load.ts';

export interface TestDatabase {
  readonly name: string;
  /** Superuser connection to this database. */
  readonly adminUrl: string;
  /** claims_app connection to this database. */
  readonly appUrl: string;
  /** Drops the database (closing any connection still open to it). */
  drop(): Promise<void>;
}

export interface TestCluster {
  /** Superuser connection to the `postgres` database of the test server. */
  readonly adminUrl: string;
  readonly templateDb: string;
}

/** The template's seed: real today, so "this year" questions see data; default PRNG seed. */
export const TEMPLATE_SEED = { families: 500, today: new Date().toISOString().slice(0, 10) } as const;

let standalone: Promise<TestCluster> | undefined;
let counter = 0;

/**
 * The test server: from the environment (`npm test`), or started for this process.
 *
 * @example
 * const { adminUrl } = await testCluster();
 */
export function testCluster(): Promise<TestCluster> {
  const adminUrl = process.env.TEST_PG_ADMIN_URL;
  const templateDb = process.env.TEST_PG_TEMPLATE_DB;
  if (adminUrl && templateDb) return Promise.resolve({ adminUrl, templateDb });
  standalone ??= startStandaloneCluster();
  return standalone;
}

/**
 * A new database cloned from the migrated, seeded template.
 *
 * @example
 * const db = await freshDatabase();
 * after(() => db.drop());
 */
export async function freshDatabase(): Promise<TestDatabase> {
  const cluster = await testCluster();
  const name = uniqueName('t');
  await adminQuery(
    cluster.adminUrl,
    `CREATE DATABASE ${ident(name)} TEMPLATE ${ident(cluster.templateDb)} STRATEGY FILE_COPY`,
  );
  const adminUrl = withDatabase(cluster.adminUrl, name);
  // Database-level ACLs are not copied from a template: the runner re-applies them (and no migration).
  await migrate(adminUrl);
  return handle(cluster, name, adminUrl);
}

/**
 * A new, empty database (not migrated) on the test server, for migration tests.
 *
 * @example
 * const db = await emptyDatabase();
 * await migrate(db.adminUrl);
 */
export async function emptyDatabase(): Promise<TestDatabase> {
  const cluster = await testCluster();
  const name = uniqueName('e');
  await adminQuery(cluster.adminUrl, `CREATE DATABASE ${ident(name)}`);
  return handle(cluster, name, withDatabase(cluster.adminUrl, name));
}

/**
 * Creates `templateDb` on the server at `adminUrl`: migrated, seeded, claims_app password set.
 * Used by test/run.ts once per run.
 */
export async function prepareTemplate(adminUrl: string, templateDb: string): Promise<void> {
  await adminQuery(adminUrl, `CREATE DATABASE ${ident(templateDb)}`);
  const url = withDatabase(adminUrl, templateDb);
  await migrate(url);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await seedDatabase(pool, TEMPLATE_SEED);
  } finally {
    await pool.end();
  }
  await configureAppRole(url);
}

/** Runs one statement on a short-lived admin connection. */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  text: string,
  values?: unknown[],
): Promise<pg.QueryResult<R>> {
  const client = new pg.Client({ connectionString: url });
  client.on('notice', () => undefined);
  await client.connect();
  try {
    return await client.query<R>(text, values);
  } finally {
    await client.end();
  }
}

function handle(cluster: TestCluster, name: string, adminUrl: string): TestDatabase {
  return {
    name,
    adminUrl,
    appUrl: appConnectionString(adminUrl),
    drop: () =>
      adminQuery(cluster.adminUrl, `DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`).then(() => undefined),
  };
}

async function startStandaloneCluster(): Promise<TestCluster> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'claims-test-pg-'));
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data') });
  // Let the test process end when its tests do; stop the server and remove its files on exit.
  server.unref();
  process.once('exit', () => {
    if (server.pid) {
      try {
        process.kill(server.pid, 'SIGINT');
      } catch {
        // already gone
      }
    }
    const cleanup = `while kill -0 ${server.pid ?? 0} 2>/dev/null; do sleep 0.2; done; rm -rf '${dir}'`;
    spawn('sh', ['-c', cleanup], { detached: true, stdio: 'ignore' }).unref();
  });
  const templateDb = 'claims_template';
  await prepareTemplate(server.adminUrl, templateDb);
  process.env.TEST_PG_ADMIN_URL = server.adminUrl;
  process.env.TEST_PG_TEMPLATE_DB = templateDb;
  return { adminUrl: server.adminUrl, templateDb };
}

function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
}

function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error('unexpected database name');
  return `"${name}"`;
}
