/**
 * Every attack of the corpus, validator skipped, straight through PgMemberDb as the subscriber
 * of family A. The database alone must hold: no row of another family comes back, nothing is
 * written, and each case ends within the statement timeout. Errors are fine: that is the
 * database refusing.
 *
 * Two checks for "no other family": (1) every returned cell is checked against what only other
 * families have (member ids, person ids, names, claim ids); (2) a differential run: the same SQL
 * against a copy of the database where every other family's claims were deleted must return
 * exactly the same result, so no other family's data influenced the answer at all.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { QueryResult } from '../../src/core/ports.ts';
import { PgMemberDb } from '../../src/db/member-db.ts';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { MEMBER_TABLES } from '../../src/schema/catalog.ts';
import { adminQuery, freshDatabase, type TestDatabase } from '../support/db.ts';
import { ATTACKS, renderAttack } from './corpus.ts';

const OWN = DEMO_MEMBER_IDS.family;
const OTHER = DEMO_MEMBER_IDS.single;
const STATEMENT_TIMEOUT_MS = 1500;
// A case sends two statements (EXPLAIN for the plan check, then the query), each bounded by the timeout.
const CASE_BUDGET_MS = 2 * STATEMENT_TIMEOUT_MS + 1500;
const CAP = { rowCap: 200 };
const WIDE = { rowCap: 100_000 };
// Cases that read server catalogs: their answers describe the server, not a family, and may
// differ between two databases (sessions, names), so they skip the differential comparison.
const SERVER_STATE =
  /pg_stat_activity|pg_roles|information_schema|pg_policies|pg_backend_pid|now\(\)|current_database\(\)/i;

const CATALOG_COLUMNS = Object.keys(MEMBER_TABLES.claims_history.columns);

type Outcome = { ok: true; result: QueryResult } | { ok: false; name: string };

describe('attack corpus against the database alone (validator skipped)', () => {
  let full: TestDatabase;
  let onlyOwn: TestDatabase;
  let fullDb: PgMemberDb;
  let onlyOwnDb: PgMemberDb;
  const foreign = { memberIds: new Set<string>(), personIds: new Set<string>(), names: new Set<string>() };
  let ownClaimIds = new Set<string>();
  let tables: string[] = [];
  const answered: string[] = [];
  let contentBefore = '';
  // Content of every claim (counts per case catch inserts and deletes; this catches updates).
  const claimsContent = async (db: TestDatabase) =>
    (
      await adminQuery<{ s: string }>(
        db.adminUrl,
        `SELECT md5(string_agg(c::text, ',' ORDER BY claim_id)) AS s FROM claims_history c`,
      )
    ).rows[0]?.s ?? '';

  const snapshot = async (db: TestDatabase): Promise<string> => {
    const counts = tables.map((t) => `(SELECT count(*) FROM ${t})::text`).join(` || ',' || `);
    const res = await adminQuery<{ s: string }>(
      db.adminUrl,
      `SELECT ${counts} || ';' ||
         (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname IN ('public', 'app'))::text AS s`,
    );
    return res.rows[0]?.s ?? '';
  };

  before(async () => {
    [full, onlyOwn] = await Promise.all([freshDatabase(), freshDatabase()]);
    await adminQuery(onlyOwn.adminUrl, 'DELETE FROM claims_history WHERE member_id <> $1', [OWN]);
    await adminQuery(onlyOwn.adminUrl, 'ANALYZE claims_history');
    const t = await adminQuery<{ t: string }>(
      full.adminUrl,
      `SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS t FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'app') AND c.relkind = 'r'
       ORDER BY 1`,
    );
    tables = t.rows.map((r) => r.t);
    const people = await adminQuery<{ member_id: string; person_id: string; name: string }>(
      full.adminUrl,
      `SELECT member_id::text, person_id, first_name || ' ' || last_name AS name FROM people`,
    );
    const ownNames = new Set(people.rows.filter((p) => p.member_id === OWN).map((p) => p.name));
    for (const p of people.rows) {
      if (p.member_id === OWN) continue;
      foreign.memberIds.add(p.member_id);
      foreign.personIds.add(p.person_id);
      if (!ownNames.has(p.name)) foreign.names.add(p.name);
    }
    const own = await adminQuery<{ id: string }>(
      full.adminUrl,
      'SELECT claim_id::text AS id FROM claims_history WHERE member_id = $1',
      [OWN],
    );
    ownClaimIds = new Set(own.rows.map((r) => r.id));
    contentBefore = await claimsContent(full);
    fullDb = PgMemberDb.connect(full.appUrl, { statementTimeoutMs: STATEMENT_TIMEOUT_MS }, { max: 2 });
    onlyOwnDb = PgMemberDb.connect(onlyOwn.appUrl, { statementTimeoutMs: STATEMENT_TIMEOUT_MS }, { max: 2 });
  });

  after(async () => {
    await Promise.all([fullDb?.close(), onlyOwnDb?.close()]);
    await Promise.all([full?.drop(), onlyOwn?.drop()]);
  });

  const run = async (db: PgMemberDb, sql: string, cap = CAP): Promise<Outcome> => {
    try {
      return { ok: true, result: await db.runMemberQuery(sql, { memberId: OWN }, cap) };
    } catch (err) {
      return { ok: false, name: (err as Error).name };
    }
  };

  test('the corpus is there and non-trivial', () => {
    assert.ok(ATTACKS.length >= 100, `${ATTACKS.length} attacks`);
  });

  // Each attack as written, and, when it projects `*`, once more with the catalog's columns
  // spelled out: the member role may not read person_id, so `*` over claims_history is refused by
  // the column grants alone; the spelled-out variant makes row-level security do the work.
  const variants = ATTACKS.flatMap((attack) => {
    const sql = renderAttack(attack, OWN, OTHER);
    const spelled = explicitColumns(sql);
    return [
      { attack, label: `${attack.family}: ${attack.name}`, sql },
      ...(spelled === sql
        ? []
        : [{ attack, label: `${attack.family}: ${attack.name} (columns spelled out)`, sql: spelled }]),
    ];
  });

  for (const { attack, label, sql } of variants) {
    test(label, async () => {
      const before = await snapshot(full);
      assert.match(before, /^\d+(,\d+)*;\d+$/);
      const started = Date.now();
      const outcome = await run(fullDb, sql);
      const elapsed = Date.now() - started;
      assert.ok(elapsed < CASE_BUDGET_MS, `took ${elapsed} ms`);
      assert.equal(await snapshot(full), before, 'nothing was written');
      if (!outcome.ok) {
        assert.match(outcome.name, /^Db\w*Error$/, 'a typed database error');
        return;
      }

      for (const row of outcome.result.rows) {
        for (const [column, cell] of Object.entries(row)) {
          const text = cell === null ? '' : String(cell);
          assert.ok(!foreign.memberIds.has(text), `${column} holds another family's member id`);
          assert.ok(!foreign.personIds.has(text), `${column} holds another family's person id`);
          assert.ok(!foreign.names.has(text), `${column} holds another family's name`);
          if (column === 'member_id' && cell !== null) assert.equal(text, OWN);
          if (column === 'claim_id' && cell !== null) assert.ok(ownClaimIds.has(text), 'claim of another family');
        }
      }

      if (outcome.result.rows.length > 0) answered.push(attack.name);
      if (
        sql.includes('*') &&
        sql === renderAttack(attack, OWN, OTHER) &&
        /\bSELECT\s+\*\s+FROM\s+claims_history\b/i.test(sql)
      ) {
        assert.fail('`SELECT * FROM claims_history` ran as the member role: person_id is not granted');
      }
      if (!SERVER_STATE.test(sql)) {
        // Uncapped on both sides: a LIMIT without ORDER BY may pick other rows under another plan.
        const [withOthers, alone] = await Promise.all([run(fullDb, sql, WIDE), run(onlyOwnDb, sql, WIDE)]);
        assert.deepEqual(normalise(alone), normalise(withOthers), 'same answer whether or not other families exist');
      }
    });
  }

  test('the row checks above were exercised: many attacks ran and got only their own rows', () => {
    assert.ok(answered.length >= 20, `${answered.length} attacks returned rows`);
    assert.ok(answered.includes('union other family'));
  });

  test('no claim changed over the whole corpus', async () => {
    assert.equal(await claimsContent(full), contentBefore);
  });
});

/** `SELECT *` and `x.*` projections rewritten to the catalog's columns (counts like `count(*)` stay). */
function explicitColumns(sql: string): string {
  return sql
    .replace(/\b([a-z_][a-z0-9_]*)\.\*/gi, (_, q: string) => CATALOG_COLUMNS.map((c) => `${q}.${c}`).join(', '))
    .replace(
      /(\bSELECT\s+|,\s*)\*(?=\s+(?:FROM|INTO)\b)/gi,
      (_, lead: string) => `${lead}${CATALOG_COLUMNS.join(', ')}`,
    );
}

/**
 * A comparable form of an outcome: rows as a sorted multiset, and comma-joined text cells
 * (string_agg without ORDER BY) with their parts sorted, since row order depends on the plan.
 */
function normalise(o: Outcome): unknown {
  if (!o.ok) return o;
  const rows = o.result.rows
    .map((row) =>
      JSON.stringify(
        Object.entries(row).map(([k, v]) => [k, typeof v === 'string' ? v.split(',').sort().join(',') : v]),
      ),
    )
    .sort();
  return { rows, truncated: o.result.truncated };
}
