/**
 * Applies `migrations/NNN_name.sql` in order, each in its own transaction, recorded in
 * `schema_migrations` (running twice is a no-op), then the files in `migrations/repeatable/`
 * (idempotent statements that must run on every database, even one cloned from a template).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrateResult {
  /** Versions applied by this run (empty when the database was already up to date). */
  readonly applied: number[];
}

const FILE_PATTERN = /^(\d{3})_([a-z0-9_]+)\.sql$/;

/** Reads the numbered migration files, in version order. */
export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => FILE_PATTERN.test(f)).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const [, version, name] = FILE_PATTERN.exec(file) ?? [];
    const sql = await readFile(path.join(dir, file), 'utf8');
    migrations.push({ version: Number(version), name: name ?? file, sql, checksum: sha256(sql) });
  }
  const versions = migrations.map((m) => m.version);
  if (new Set(versions).size !== versions.length) throw new Error('two migration files share a version number');
  return migrations;
}

/**
 * Brings the database at `adminUrl` (an owner/superuser connection) up to date.
 *
 * @example
 * const { applied } = await migrate('postgres://postgres:pw@127.0.0.1:5432/claims');
 */
export async function migrate(adminUrl: string, dir = MIGRATIONS_DIR): Promise<MigrateResult> {
  const migrations = await loadMigrations(dir);
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('notice', () => undefined); // notices are expected (skipped revokes); keep them quiet
  // A connection the server drops fails the query in flight; without a listener it would also
  // crash the process as an uncaught 'error' event.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await ensureMigrationsTable(client);
    const applied: number[] = [];
    for (const m of migrations) {
      if (await retryCatalogRace(() => applyOne(client, m))) applied.push(m.version);
    }
    await retryCatalogRace(() => applyRepeatable(client, path.join(dir, 'repeatable')));
    return { applied };
  } finally {
    await client.end();
  }
}

async function ensureMigrationsTable(client: pg.Client): Promise<void> {
  const ddl = `CREATE TABLE IF NOT EXISTS public.schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`;
  try {
    await client.query(ddl);
  } catch (err) {
    // Two migrators racing on an empty database: the loser's CREATE hits the catalog's unique index.
    if ((err as { code?: string }).code !== '23505') throw err;
    await client.query(ddl);
  }
}

/** Applies one migration unless recorded; returns whether it ran. */
async function applyOne(client: pg.Client, m: Migration): Promise<boolean> {
  await client.query('BEGIN');
  try {
    // Serialises concurrent migrators of this database: the second waits, then sees the row.
    await client.query('LOCK TABLE public.schema_migrations IN SHARE ROW EXCLUSIVE MODE');
    const done = await client.query<{ checksum: string }>(
      'SELECT checksum FROM public.schema_migrations WHERE version = $1',
      [m.version],
    );
    const recorded = done.rows[0];
    if (recorded) {
      await client.query('ROLLBACK');
      if (recorded.checksum !== m.checksum) {
        throw new Error(
          `migration ${m.version}_${m.name} changed after it was applied; add a new migration instead (or recreate a local database)`,
        );
      }
      return false;
    }
    await client.query(m.sql);
    await client.query('RESET ROLE'); // files may SET LOCAL ROLE claims_owner
    await client.query('INSERT INTO public.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
      m.version,
      m.name,
      m.checksum,
    ]);
    await client.query('COMMIT');
    return true;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

async function applyRepeatable(client: pg.Client, dir: string): Promise<void> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.sql')).sort();
  for (const file of files) {
    const sql = await readFile(path.join(dir, file), 'utf8');
    await client.query('BEGIN');
    try {
      // Same lock as the numbered files: two migrators of one database must not update its
      // pg_database row at once ("tuple concurrently updated").
      await client.query('LOCK TABLE public.schema_migrations IN SHARE ROW EXCLUSIVE MODE');
      await client.query(sql);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }
}

/**
 * Roles are shared by every database on a server, so migrators of two databases (tests, or two
 * stages on one server) can race on the same role's catalog row; PostgreSQL then fails one with
 * "tuple concurrently updated". Each step is one transaction, so trying it again is safe.
 */
export async function retryCatalogRace<T>(step: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await step();
    } catch (err) {
      const raced =
        (err as { code?: string; message?: string }).code === 'XX000' &&
        /concurrently updated/.test((err as Error).message);
      if (!raced || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 20 * i + Math.random() * 30));
    }
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
