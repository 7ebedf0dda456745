/**
 * One throw-away embedded PostgreSQL for a bench run: its own temp data directory (the dev
 * `.data/` cluster is never touched), databases created on demand, everything removed at the end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { withDatabase } from '../../src/db/roles.ts';

export interface BenchCluster {
  /** Superuser URL of the `postgres` database. */
  readonly adminUrl: string;
  readonly version: string;
  /** Creates (or recreates) a database and returns its superuser URL. */
  createDatabase(name: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL in a fresh temp directory.
 * @example
 * const cluster = await startBenchCluster();
 * const url = await cluster.createDatabase('bench_app');
 * await cluster.stop();
 */
export async function startBenchCluster(): Promise<BenchCluster> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'claims-bench-'));
  // A bulk load's settings (this cluster is thrown away): no checkpoint in the middle of the 5 M-claim
  // seed (its WAL is a few GB; the default max_wal_size of 1 GB checkpoints two or three times, and
  // each checkpoint makes the next change of every page log the whole page); WAL buffers and new WAL
  // files that keep up with two loading connections (the default 4 MB of buffers fills every few
  // hundred rows, and each new 16 MB WAL file is written with zeros first); a buffer pool that holds
  // the scale part's hot indexes (the default 128 MB is a twelfth of the 5 M-claim table).
  const server = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    settings: {
      max_wal_size: '16GB',
      checkpoint_timeout: '30min',
      wal_buffers: '64MB',
      wal_init_zero: 'off',
      shared_buffers: '1GB',
    },
  });
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: server.adminUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  const stop = async () => {
    await server.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  let version: string;
  try {
    version = await admin(
      async (c) => (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? '',
    );
  } catch (err) {
    await stop();
    throw err;
  }
  const dropDatabase = (name: string) =>
    admin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`);
    });
  return {
    adminUrl: server.adminUrl,
    version,
    dropDatabase,
    createDatabase: async (name) => {
      await dropDatabase(name);
      await admin((c) => c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`));
      return withDatabase(server.adminUrl, name);
    },
    stop,
  };
}
