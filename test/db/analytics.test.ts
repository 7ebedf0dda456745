/**
 * The analytics allowed since issue 12 (§4), end to end: each query is checked by the validator
 * and the exact text it returns runs as the member through PgMemberDb (member role, RLS, family
 * privacy). Every answer is compared with the same figure computed here in TypeScript from the
 * member's own visible claims, fetched with a plain query.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MemberScope, Row } from '../../src/core/ports.ts';
import { PgMemberDb } from '../../src/db/member-db.ts';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { validateSql } from '../../src/validate/index.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

const CAP = { rowCap: 10_000 };
const F = DEMO_MEMBER_IDS.family;

interface Claim {
  readonly claim_id: number;
  readonly claim_date: string;
  readonly member_name: string;
  readonly claim_type: string;
  readonly provider_name: string;
  readonly diagnosis_code: string | null;
  readonly ndc_code: string | null;
  /** allowed_amount in cents: exact sums. */
  readonly cents: number;
}

const cents = (v: unknown): number => Math.round(Number(v) * 100);
const byDateThenId = (a: Claim, b: Claim) =>
  a.claim_date < b.claim_date ? -1 : a.claim_date > b.claim_date ? 1 : a.claim_id - b.claim_id;
const groupBy = <T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> => {
  const m = new Map<string, T[]>();
  for (const t of items) m.set(key(t), [...(m.get(key(t)) ?? []), t]);
  return m;
};

describe('analytics through the validator and the database', () => {
  let db: TestDatabase;
  let memberDb: PgMemberDb;
  const accepted: string[] = [];

  /** Validates, then runs exactly the validated text as the member. */
  const run = async (sql: string, scope: MemberScope): Promise<Row[]> => {
    const v = validateSql(sql, { memberId: scope.memberId });
    assert.ok(v.ok, v.ok ? '' : `${v.code}: ${v.reason}`);
    accepted.push(sql);
    return (await memberDb.runMemberQuery(v.sql, scope, CAP)).rows;
  };

  const claimsOf = async (scope: MemberScope): Promise<Claim[]> => {
    const rows = await run(
      `SELECT claim_id, claim_date, member_name, claim_type, provider_name, diagnosis_code, ndc_code, allowed_amount FROM claims_history WHERE member_id = ${scope.memberId}`,
      scope,
    );
    return rows.map((r) => ({
      claim_id: Number(r.claim_id),
      claim_date: String(r.claim_date),
      member_name: String(r.member_name),
      claim_type: String(r.claim_type),
      provider_name: String(r.provider_name),
      diagnosis_code: r.diagnosis_code === null ? null : String(r.diagnosis_code),
      ndc_code: r.ndc_code === null ? null : String(r.ndc_code),
      cents: cents(r.allowed_amount),
    }));
  };

  before(async () => {
    db = await freshDatabase();
    memberDb = PgMemberDb.connect(db.appUrl, {}, { max: 2 });
  });
  after(async () => {
    await memberDb?.close();
    await db?.drop();
  });

  // The subscriber of the demo family (the adult daughter's claims are private to her) and the
  // adult daughter herself (she sees only her own).
  for (const scope of [{ memberId: F }, { memberId: F, personId: `${F}-03` }] as const) {
    const who = scope.personId ? 'adult daughter' : 'subscriber';

    describe(`as the ${who}`, () => {
      let claims: Claim[] = [];
      before(async () => {
        claims = await claimsOf(scope);
        assert.ok(claims.length >= 10, `${claims.length} visible claims`);
      });

      test('row_number, lag and lead per person in date order', async () => {
        const rows = await run(
          `SELECT claim_id, row_number() OVER (PARTITION BY member_name ORDER BY claim_date, claim_id) AS n, lag(claim_date) OVER (PARTITION BY member_name ORDER BY claim_date, claim_id) AS previous_date, lead(claim_id, 1) OVER (PARTITION BY member_name ORDER BY claim_date, claim_id) AS next_claim FROM claims_history WHERE member_id = ${F}`,
          scope,
        );
        assert.equal(rows.length, claims.length);
        const got = new Map(rows.map((r) => [Number(r.claim_id), r]));
        for (const list of groupBy(claims, (c) => c.member_name).values()) {
          list.sort(byDateThenId);
          list.forEach((c, i) => {
            const r = got.get(c.claim_id);
            assert.equal(r?.n, i + 1);
            assert.equal(r?.previous_date, i > 0 ? list[i - 1]?.claim_date : null);
            assert.equal(r?.next_claim ?? null, i + 1 < list.length ? list[i + 1]?.claim_id : null);
          });
        }
      });

      test('rank and dense_rank by amount', async () => {
        const rows = await run(
          `SELECT claim_id, rank() OVER (ORDER BY allowed_amount DESC) AS r, dense_rank() OVER (ORDER BY allowed_amount DESC) AS d FROM claims_history WHERE member_id = ${F}`,
          scope,
        );
        const amounts = claims.map((c) => c.cents);
        const distinct = [...new Set(amounts)].sort((a, b) => b - a);
        for (const row of rows) {
          const mine = claims.find((c) => c.claim_id === Number(row.claim_id))?.cents as number;
          assert.equal(row.r, amounts.filter((a) => a > mine).length + 1);
          assert.equal(row.d, distinct.indexOf(mine) + 1);
        }
      });

      test('running sums and moving windows with ROWS frames', async () => {
        const rows = await run(
          `SELECT claim_id, sum(allowed_amount) OVER (PARTITION BY member_name ORDER BY claim_date, claim_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running, round(avg(allowed_amount) OVER (ORDER BY claim_date, claim_id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), 2) AS moving_avg, count(*) OVER (ORDER BY claim_date, claim_id ROWS 2 PRECEDING) AS in_frame, max(allowed_amount) OVER (ORDER BY claim_date, claim_id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS local_max, min(allowed_amount) OVER (ORDER BY claim_date, claim_id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS min_after FROM claims_history WHERE member_id = ${F}`,
          scope,
        );
        const got = new Map(rows.map((r) => [Number(r.claim_id), r]));
        for (const list of groupBy(claims, (c) => c.member_name).values()) {
          list.sort(byDateThenId);
          let sum = 0;
          for (const c of list) {
            sum += c.cents;
            assert.equal(cents(got.get(c.claim_id)?.running), sum);
          }
        }
        const all = [...claims].sort(byDateThenId);
        all.forEach((c, i) => {
          const r = got.get(c.claim_id);
          const frame = all.slice(Math.max(0, i - 2), i + 1);
          assert.equal(r?.in_frame, frame.length);
          const avg = frame.reduce((s, f) => s + f.cents, 0) / frame.length / 100;
          assert.ok(Math.abs(Number(r?.moving_avg) - avg) <= 0.005 + 1e-9, `${r?.moving_avg} vs ${avg}`);
          const near = all.slice(Math.max(0, i - 1), i + 2).map((f) => f.cents);
          assert.equal(cents(r?.local_max), Math.max(...near));
          assert.equal(cents(r?.min_after), Math.min(...all.slice(i).map((f) => f.cents)));
        });
      });

      test('string_agg of distinct providers per person, in the database order', async () => {
        const rows = await run(
          `SELECT member_name, string_agg(DISTINCT provider_name, ', ' ORDER BY provider_name) AS providers FROM claims_history WHERE member_id = ${F} GROUP BY member_name`,
          scope,
        );
        const people = groupBy(claims, (c) => c.member_name);
        assert.equal(rows.length, people.size);
        for (const row of rows) {
          const ordered = await run(
            `SELECT DISTINCT provider_name FROM claims_history WHERE member_id = ${F} AND member_name = '${String(row.member_name).replace(/'/g, "''")}' ORDER BY provider_name`,
            scope,
          );
          assert.equal(row.providers, ordered.map((r) => r.provider_name).join(', '));
          const expected = [...new Set((people.get(String(row.member_name)) ?? []).map((c) => c.provider_name))];
          assert.deepEqual(String(row.providers).split(', ').sort(), expected.sort());
        }
      });

      test('percentile_cont(0.5) WITHIN GROUP: the median amount per person', async () => {
        const rows = await run(
          `SELECT member_name, percentile_cont(0.5) WITHIN GROUP (ORDER BY allowed_amount) AS median FROM claims_history WHERE member_id = ${F} GROUP BY member_name`,
          scope,
        );
        const people = groupBy(claims, (c) => c.member_name);
        assert.equal(rows.length, people.size);
        for (const row of rows) {
          const values = (people.get(String(row.member_name)) ?? []).map((c) => c.cents / 100).sort((a, b) => a - b);
          const pos = 0.5 * (values.length - 1);
          const lo = values[Math.floor(pos)] as number;
          const hi = values[Math.ceil(pos)] as number;
          assert.ok(Math.abs(Number(row.median) - (lo + (hi - lo) * (pos - Math.floor(pos)))) < 1e-6);
        }
      });

      test('GROUP BY ROLLUP: per type and person, per type, and the total of visible claims', async () => {
        const rows = await run(
          `SELECT claim_type, member_name, count(*) AS n, sum(allowed_amount) AS total FROM claims_history WHERE member_id = ${F} GROUP BY ROLLUP (claim_type, member_name)`,
          scope,
        );
        const key = (type: unknown, name: unknown) => `${type ?? '*'}|${name ?? '*'}`;
        const got = new Map(rows.map((r) => [key(r.claim_type, r.member_name), r]));
        const expected = new Map<string, { n: number; total: number }>();
        const add = (k: string, c: Claim) => {
          const e = expected.get(k) ?? { n: 0, total: 0 };
          expected.set(k, { n: e.n + 1, total: e.total + c.cents });
        };
        for (const c of claims) {
          add(key(c.claim_type, c.member_name), c);
          add(key(c.claim_type, null), c);
          add(key(null, null), c);
        }
        assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort());
        for (const [k, e] of expected) {
          assert.equal(got.get(k)?.n, e.n, k);
          assert.equal(cents(got.get(k)?.total), e.total, k);
        }
      });

      test('FETCH FIRST n ROWS ONLY runs as LIMIT n', async () => {
        const sql = `SELECT claim_id, allowed_amount FROM claims_history WHERE member_id = ${F} ORDER BY allowed_amount DESC, claim_id FETCH FIRST 3 ROWS ONLY`;
        const v = validateSql(sql, { memberId: F });
        assert.ok(v.ok);
        assert.match(v.sql, /ORDER BY allowed_amount DESC, claim_id LIMIT 3$/);
        const rows = await run(sql, scope);
        const top = [...claims].sort((a, b) => b.cents - a.cents || a.claim_id - b.claim_id).slice(0, 3);
        assert.deepEqual(
          rows.map((r) => Number(r.claim_id)),
          top.map((c) => c.claim_id),
        );
      });

      test('top claim per person: row_number in a derived table', async () => {
        const rows = await run(
          `SELECT r.member_name, r.claim_id FROM (SELECT member_name, claim_id, row_number() OVER (PARTITION BY member_name ORDER BY allowed_amount DESC, claim_id) AS rn FROM claims_history WHERE member_id = ${F}) r WHERE r.rn = 1`,
          scope,
        );
        const people = groupBy(claims, (c) => c.member_name);
        assert.equal(rows.length, people.size);
        for (const row of rows) {
          const list = people.get(String(row.member_name)) ?? [];
          const best = [...list].sort((a, b) => b.cents - a.cents || a.claim_id - b.claim_id)[0];
          assert.equal(Number(row.claim_id), best?.claim_id);
        }
      });

      test('left, right and substring', async () => {
        const rows = await run(
          `SELECT claim_id, left(diagnosis_code, 3) AS category, right(ndc_code, 2) AS ndc_tail, substring(provider_name, 2, 4) AS part FROM claims_history WHERE member_id = ${F}`,
          scope,
        );
        assert.equal(rows.length, claims.length);
        for (const row of rows) {
          const c = claims.find((x) => x.claim_id === Number(row.claim_id)) as Claim;
          assert.equal(row.category, c.diagnosis_code === null ? null : c.diagnosis_code.slice(0, 3));
          assert.equal(row.ndc_tail, c.ndc_code === null ? null : c.ndc_code.slice(-2));
          assert.equal(row.part, c.provider_name.slice(1, 5));
        }
      });
    });
  }

  test('the analytics queries were accepted by the validator and run', () => {
    assert.ok(accepted.length >= 20, `${accepted.length} accepted`);
  });
});
