/**
 * What the member role can read besides claims (migration 052): table statistics, sizes and the
 * source of the scope functions and policies. Each probe below is member SQL (validator skipped,
 * straight to PgMemberDb) that tells something about the whole database; the test counts how many
 * the member role can read before the migration and after it.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { PgMemberDb } from '../../src/db/member-db.ts';
import { MIGRATIONS_DIR, migrate } from '../../src/db/migrate.ts';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { seedDatabase } from '../../src/db/seed/load.ts';
import { adminQuery, emptyDatabase, type TestDatabase } from '../support/db.ts';

const M = DEMO_MEMBER_IDS.family;
const CATALOG_MIGRATION = '052_member_catalog_reads.sql';

/** [what it reveals, member SQL]. Each returns one value when readable. */
const PROBES: readonly (readonly [string, string])[] = [
  ['live claims (pg_stat_user_tables)', "SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = 'claims_history'"],
  ['inserted claims (pg_stat_all_tables)', "SELECT n_tup_ins FROM pg_stat_all_tables WHERE relname = 'claims_history'"],
  ['families (pg_stat_user_tables)', "SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = 'families'"],
  ['people (pg_stat_xact_user_tables)', 'SELECT count(*) FROM pg_stat_xact_user_tables'],
  ['table scans (pg_stat_user_indexes)', 'SELECT sum(idx_scan) FROM pg_stat_user_indexes'],
  [
    'blocks read (pg_statio_user_tables)',
    "SELECT heap_blks_read FROM pg_statio_user_tables WHERE relname = 'claims_history'",
  ],
  [
    'rows inserted in the database (pg_stat_database)',
    'SELECT tup_inserted FROM pg_stat_database WHERE datname = current_database()',
  ],
  ['estimated claims (pg_class.reltuples)', "SELECT reltuples FROM pg_class WHERE relname = 'claims_history'"],
  ['pages (pg_class.relpages)', "SELECT relpages FROM pg_class WHERE relname = 'claims_history'"],
  ['live tuples function', "SELECT pg_stat_get_live_tuples('public.claims_history'::regclass)"],
  ['inserted tuples function', "SELECT pg_stat_get_tuples_inserted('public.claims_history'::regclass)"],
  [
    'database-wide inserts function',
    'SELECT pg_stat_get_db_tuples_inserted(oid) FROM pg_database WHERE datname = current_database()',
  ],
  ['table size', "SELECT pg_relation_size('public.claims_history')"],
  ['total size', "SELECT pg_total_relation_size('public.claims_history')"],
  ['index size', "SELECT pg_indexes_size('public.claims_history')"],
  ['database size', 'SELECT pg_database_size(current_database())'],
  [
    'column statistics (pg_stats)',
    "SELECT count(*) FROM pg_stats WHERE tablename IN ('claims_history', 'people', 'families') HAVING count(*) > 0",
  ],
  ['WAL position (write volume)', 'SELECT pg_current_wal_lsn()'],
  ['checkpoint position (write volume)', 'SELECT redo_lsn FROM pg_control_checkpoint()'],
  [
    'transactions since freeze (write volume)',
    'SELECT age(datfrozenxid) FROM pg_database WHERE datname = current_database()',
  ],
  ['sessions (pg_stat_activity)', 'SELECT count(*) FROM pg_stat_activity'],
  ['locks (pg_locks)', 'SELECT count(*) FROM pg_locks'],
  ['scope function source (pg_proc)', "SELECT prosrc FROM pg_proc WHERE proname = 'visible_person_ids'"],
  [
    'scope function source (pg_get_functiondef)',
    "SELECT pg_get_functiondef(p.oid) FROM pg_proc p WHERE p.proname = 'open_scope'",
  ],
  ['scope function source (regproc)', "SELECT pg_get_functiondef('app.visible_person_ids'::regproc)"],
  ['policy text (pg_policies)', "SELECT qual FROM pg_policies WHERE tablename = 'claims_history'"],
  ['policy text (pg_policy + pg_get_expr)', 'SELECT pg_get_expr(polqual, polrelid) FROM pg_policy'],
  [
    'routine text (information_schema)',
    "SELECT count(*) FROM information_schema.routines WHERE routine_schema = 'app'",
  ],
  ['settings (pg_settings)', "SELECT setting FROM pg_settings WHERE name = 'data_directory'"],
  ['sequence position', "SELECT pg_sequence_last_value('public.claims_history_claim_id_seq'::regclass)"],
  ['scope functions by name', 'SELECT app.scope_visible_person_ids()'],
];

describe('statistics and sources the member role can read', () => {
  let db: TestDatabase;
  let withoutDir: string;
  before(async () => {
    db = await emptyDatabase();
    // Every migration but the one under test, then the seed: "before".
    withoutDir = await mkdtemp(path.join(os.tmpdir(), 'claims-migrations-'));
    await cp(MIGRATIONS_DIR, withoutDir, { recursive: true });
    await rm(path.join(withoutDir, CATALOG_MIGRATION));
    assert.ok(!(await readdir(withoutDir)).includes(CATALOG_MIGRATION));
    await migrate(db.adminUrl, withoutDir);
    const pool = new pg.Pool({ connectionString: db.adminUrl, max: 1 });
    try {
      await seedDatabase(pool, { families: 30, today: '2025-06-30' });
    } finally {
      await pool.end();
    }
  });
  after(async () => {
    await rm(withoutDir, { recursive: true, force: true });
    await db.drop();
  });

  /** The probes that return a value to the member role. */
  const readable = async (): Promise<string[]> => {
    const memberDb = PgMemberDb.connect(db.appUrl, {}, { max: 1 });
    const names: string[] = [];
    try {
      for (const [name, sql] of PROBES) {
        try {
          const { rows } = await memberDb.runMemberQuery(sql, { memberId: M }, { rowCap: 5 });
          if (Object.values(rows[0] ?? {}).some((v) => v !== null)) names.push(name);
        } catch {
          // refused: not readable
        }
      }
    } finally {
      await memberDb.close();
    }
    return names;
  };

  test('before/after migration 052', async () => {
    const before = await readable();
    const { applied } = await migrate(db.adminUrl);
    assert.deepEqual(applied, [52]);
    const afterward = await readable();
    console.log(
      `# statistics/sources readable by the member role: before ${before.length} of ${PROBES.length}, after ${afterward.length}`,
    );
    // PostgreSQL itself already hides these from a role like claims_member: pg_stats rows of a table
    // under row-level security, routine bodies of functions it does not own, superuser-only
    // settings, and sequences it has no privilege on.
    const closedAlready = [
      'column statistics (pg_stats)',
      'routine text (information_schema)',
      'settings (pg_settings)',
      'sequence position',
    ];
    assert.deepEqual(
      before,
      PROBES.map(([name]) => name).filter((name) => !closedAlready.includes(name)),
    );
    assert.deepEqual(afterward, []);
  });

  test('claims still read normally, and the service roles keep the catalogs', async () => {
    const memberDb = PgMemberDb.connect(db.appUrl, {}, { max: 1 });
    try {
      const { rows } = await memberDb.runMemberQuery(
        `SELECT count(*) AS n FROM claims_history WHERE member_id = ${M}`,
        { memberId: M },
        { rowCap: 1 },
      );
      assert.ok(Number(rows[0]?.n) > 0);
    } finally {
      await memberDb.close();
    }
    const res = await adminQuery<{ role: string; stats: boolean; cls: boolean; def: boolean }>(
      db.adminUrl,
      `SELECT r AS role, has_table_privilege(r, 'pg_catalog.pg_stat_user_tables', 'SELECT') AS stats,
              has_table_privilege(r, 'pg_catalog.pg_class', 'SELECT') AS cls,
              has_function_privilege(r, 'pg_catalog.pg_get_functiondef(oid)', 'EXECUTE') AS def
       FROM unnest(ARRAY['claims_app', 'claims_admin', 'claims_owner', 'pg_monitor', 'claims_member']) r`,
    );
    for (const row of res.rows) {
      const expected = row.role !== 'claims_member';
      assert.deepEqual([row.stats, row.cls, row.def], [expected, expected, expected], row.role);
    }
  });
});
