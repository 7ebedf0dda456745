/**
 * Queries that explode are refused before they run (SQL_TOO_EXPENSIVE): PgMemberDb reads the
 * plan as the member (EXPLAIN, same scoped transaction) and bounds the rows it could process by
 * the claims this person may see. Every scan is scoped, so the scope rules alone pass all of these
 * (the validator has its own bounds; this is the database's, validator skipped); the honest queries
 * of the evaluation set must all get through.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Reason } from '../../src/core/reasons.ts';
import { DbTooExpensiveError } from '../../src/db/errors.ts';
import { PgMemberDb } from '../../src/db/member-db.ts';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { fillReference, parseCases } from '../../src/eval/cases.ts';
import { freshDatabase, TEMPLATE_SEED, type TestDatabase } from '../support/db.ts';

const M = DEMO_MEMBER_IDS.family;
const CAP = { rowCap: 200 };
const scoped = (alias: string) => `${alias}.member_id = ${M}`;
const sub = `SELECT claim_id, claim_type FROM claims_history WHERE member_id = ${M}`;

/** The four shapes, and relatives. */
export const EXPLODING: readonly (readonly [string, string])[] = [
  [
    'a CTE of the claims joined to itself six times by comma',
    `WITH c AS (${sub}) SELECT count(*) FROM c a, c b, c d, c e, c f, c g`,
  ],
  [
    'five derived tables joined by comma',
    `SELECT count(*) FROM (${sub}) a, (${sub}) b, (${sub}) c, (${sub}) d, (${sub}) e`,
  ],
  [
    'five nested derived tables, each joined by comma',
    `SELECT count(*) FROM (SELECT a.claim_id FROM (SELECT b.claim_id FROM (SELECT c.claim_id FROM (SELECT d.claim_id FROM (${sub}) d, claims_history x WHERE ${scoped('x')}) c, claims_history y WHERE ${scoped('y')}) b, claims_history z WHERE ${scoped('z')}) a, claims_history w WHERE ${scoped('w')}) t`,
  ],
  [
    'five-way self-join on claim_type with ON',
    `SELECT count(*) FROM claims_history a JOIN claims_history b ON a.claim_type = b.claim_type JOIN claims_history c ON b.claim_type = c.claim_type JOIN claims_history d ON c.claim_type = d.claim_type JOIN claims_history e ON d.claim_type = e.claim_type WHERE ${['a', 'b', 'c', 'd', 'e'].map(scoped).join(' AND ')}`,
  ],
  [
    'five-way self-join on claim_type with USING',
    `SELECT count(*) FROM claims_history a JOIN claims_history b USING (claim_type) JOIN claims_history c USING (claim_type) JOIN claims_history d USING (claim_type) JOIN claims_history e USING (claim_type) WHERE ${['a', 'b', 'c', 'd', 'e'].map(scoped).join(' AND ')}`,
  ],
  [
    'a correlated scalar sub-query holding a four-way join',
    `SELECT o.claim_id, (SELECT count(*) FROM claims_history a JOIN claims_history b ON a.claim_type = b.claim_type JOIN claims_history c ON b.claim_type = c.claim_type JOIN claims_history d ON c.claim_type = d.claim_type WHERE ${['a', 'b', 'c', 'd'].map(scoped).join(' AND ')} AND a.claim_type = o.claim_type) AS n FROM claims_history o WHERE ${scoped('o')}`,
  ],
  [
    'rows listed from a cross join, never matching (LIMIT does not save it)',
    `SELECT a.claim_id FROM claims_history a, claims_history b, claims_history c, claims_history d, claims_history e WHERE ${['a', 'b', 'c', 'd', 'e'].map(scoped).join(' AND ')} AND a.claim_id + b.claim_id + c.claim_id + d.claim_id + e.claim_id < 0`,
  ],
  [
    'EXISTS over a four-way cross join, per row',
    `SELECT o.claim_id FROM claims_history o WHERE ${scoped('o')} AND EXISTS (SELECT 1 FROM claims_history a, claims_history b, claims_history c, claims_history d WHERE ${['a', 'b', 'c', 'd'].map(scoped).join(' AND ')} AND a.claim_id + b.claim_id + c.claim_id + d.claim_id = o.claim_id * 7)`,
  ],
];

/** Honest questions that need joins or sub-queries: they must get through. */
const HONEST: readonly (readonly [string, string])[] = [
  [
    'claims on the same day as another family claim',
    `SELECT a.claim_date, count(*) FROM claims_history a JOIN claims_history b ON a.claim_date = b.claim_date AND a.claim_id <> b.claim_id WHERE ${scoped('a')} AND ${scoped('b')} GROUP BY a.claim_date`,
  ],
  [
    'per-type totals compared with the overall average',
    `SELECT claim_type, sum(allowed_amount) AS total, (SELECT avg(allowed_amount) FROM claims_history WHERE member_id = ${M}) AS overall FROM claims_history WHERE member_id = ${M} GROUP BY claim_type`,
  ],
  [
    'claims above the average (correlated)',
    `SELECT claim_id, allowed_amount FROM claims_history o WHERE ${scoped('o')} AND allowed_amount > (SELECT avg(allowed_amount) FROM claims_history i WHERE ${scoped('i')} AND i.claim_type = o.claim_type)`,
  ],
  [
    'three-way self-join on a key',
    `SELECT count(*) FROM claims_history a JOIN claims_history b ON a.claim_id = b.claim_id JOIN claims_history c ON b.claim_id = c.claim_id WHERE ${['a', 'b', 'c'].map(scoped).join(' AND ')}`,
  ],
  [
    'a CTE used twice',
    `WITH y AS (SELECT extract(year FROM claim_date) AS yr, sum(allowed_amount) AS total FROM claims_history WHERE member_id = ${M} GROUP BY 1) SELECT a.yr, a.total, b.total AS previous FROM y a LEFT JOIN y b ON b.yr = a.yr - 1`,
  ],
];

describe('plan check: explosive queries are refused before they run', () => {
  let db: TestDatabase;
  let memberDb: PgMemberDb;
  before(async () => {
    db = await freshDatabase();
    // A short statement timeout: a refusal must come from the plan check, not from the timeout.
    memberDb = PgMemberDb.connect(db.appUrl, { statementTimeoutMs: 2000 }, { max: 2 });
  });
  after(async () => {
    await memberDb.close();
    await db.drop();
  });

  let refused = 0;
  for (const [name, sql] of EXPLODING) {
    test(`refused: ${name}`, async () => {
      const started = Date.now();
      await assert.rejects(
        memberDb.runMemberQuery(sql, { memberId: M }, CAP),
        (err: unknown) => err instanceof DbTooExpensiveError && err.code === Reason.SQL_TOO_EXPENSIVE,
      );
      assert.ok(Date.now() - started < 1500, 'refused from the plan, long before the statement timeout');
      refused += 1;
    });
  }

  test('report', () => {
    console.log(`# explosion cases refused by the plan check: ${refused} of ${EXPLODING.length}`);
    assert.equal(refused, EXPLODING.length);
  });

  for (const [name, sql] of HONEST) {
    test(`let through: ${name}`, async () => {
      const { rows } = await memberDb.runMemberQuery(sql, { memberId: M }, CAP);
      assert.ok(rows.length > 0);
    });
  }

  test('every reference query of the evaluation set gets through, for every demo person', async () => {
    const cases = parseCases(readFileSync(new URL('../../eval/cases.jsonl', import.meta.url), 'utf8'));
    let ran = 0;
    for (const c of cases) {
      if (!('sql' in c.expected)) continue;
      const sql = fillReference(c.expected.sql, TEMPLATE_SEED.today, c.member);
      await memberDb.runMemberQuery(sql, { memberId: c.member, personId: c.person }, CAP);
      ran += 1;
    }
    assert.ok(ran >= 40, `${ran} reference queries`);
  });

  test('limits are options: lifted, the same query runs (and is cut by the timeout instead)', async () => {
    const lifted = PgMemberDb.connect(
      db.appUrl,
      { statementTimeoutMs: 300, maxPlanWork: Number.MAX_SAFE_INTEGER },
      { max: 1 },
    );
    try {
      await assert.rejects(lifted.runMemberQuery(EXPLODING[3]?.[1] ?? '', { memberId: M }, CAP), {
        code: Reason.DB_TIMEOUT,
      });
    } finally {
      await lifted.close();
    }
  });
});
