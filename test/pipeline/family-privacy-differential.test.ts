/**
 * "I can't share that" is not an oracle: a differential over every relationship pair of the demo
 * families where one person may not see the other. For each pair, many query shapes (counts, sums,
 * lists, EXISTS, extremes, groups, by provider, diagnosis, date, drug, procedure, amount; about
 * nobody in particular, about the hidden person by relationship or name, about both) run twice:
 * with a value that matches the hidden person's claims (and none of the claims the asker may see)
 * and with a value that matches nothing. Through PgMemberDb and through ask() (a scripted model
 * that returns exactly that SQL), every response must be identical. Then each hidden person's
 * claims are rewritten to the "nothing" values, and every response must still be what it was.
 *
 * Real parts: embedded PostgreSQL (member role, RLS), the shipped prompt templates, the offline
 * summarizer for the answer text.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { Llm, LlmRequest, LlmResponse, MemberScope } from '../../src/core/ports.ts';
import { Reason } from '../../src/core/reasons.ts';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { OfflineLlm } from '../../src/llm/offline/index.ts';
import { ask } from '../../src/pipeline/ask.ts';
import { type LocalRuntime, startLocalRuntime } from '../../src/runtime/local.ts';
import { freshDatabase, TEMPLATE_SEED, type TestDatabase } from '../support/db.ts';

const FAMILIES = [DEMO_MEMBER_IDS.family, DEMO_MEMBER_IDS.grandparent, DEMO_MEMBER_IDS.teenPrivacy];
const CAP = { rowCap: 200 };
const QUESTION = 'What do the claims show?';
const CONCURRENCY = 4;

interface Person {
  readonly personId: string;
  readonly memberId: string;
  readonly name: string;
  readonly first: string;
  readonly relationship: string;
}

interface Pair {
  readonly viewer: Person;
  readonly hidden: Person;
}

/** One value column a question can be about, and how a value of it is written in SQL. */
interface Dimension {
  readonly name: string;
  readonly column: string;
  readonly literal: (value: string) => string;
  /** A value no claim has. */
  readonly nothing: string;
}

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
const DIMENSIONS: readonly Dimension[] = [
  { name: 'provider', column: 'provider_name', literal: quote, nothing: 'Nowhere Clinic Of Nothing' },
  { name: 'diagnosis', column: 'diagnosis_code', literal: quote, nothing: 'Q99.99' },
  { name: 'date', column: 'claim_date', literal: (v) => `${quote(v)}::date`, nothing: '1999-01-01' },
  { name: 'drug', column: 'ndc_code', literal: quote, nothing: '99999-9999-99' },
  { name: 'procedure', column: 'procedure_code', literal: quote, nothing: '00000' },
  { name: 'amount', column: 'allowed_amount', literal: (v) => v, nothing: '0.01' },
];

/** Who a shape is about: [label, predicate or '' (nobody in particular)]. */
const aboutFlavours = (pair: Pair): readonly (readonly [string, string])[] => [
  ['anyone', ''],
  ['by relationship', `relationship_code = ${quote(pair.hidden.relationship)}`],
  ['by first name ILIKE', `member_name ILIKE ${quote(`%${pair.hidden.first}%`)}`],
  [
    'hidden and the asker',
    `relationship_code IN (${quote(pair.hidden.relationship)}, ${quote(pair.viewer.relationship)})`,
  ],
];

/** Query shapes: (member id, where-clause) → SQL. */
const SHAPES: readonly (readonly [string, (m: string, where: string) => string])[] = [
  ['count', (m, w) => `SELECT count(*) AS n FROM claims_history WHERE member_id = ${m} AND ${w}`],
  ['sum', (m, w) => `SELECT sum(allowed_amount) AS total FROM claims_history WHERE member_id = ${m} AND ${w}`],
  [
    'list',
    (m, w) =>
      `SELECT claim_date, provider_name, allowed_amount FROM claims_history WHERE member_id = ${m} AND ${w} ORDER BY claim_date, claim_id`,
  ],
  ['exists', (m, w) => `SELECT EXISTS (SELECT 1 FROM claims_history WHERE member_id = ${m} AND ${w}) AS any_claim`],
  [
    'by type',
    (m, w) =>
      `SELECT claim_type, count(*) AS n FROM claims_history WHERE member_id = ${m} AND ${w} GROUP BY claim_type ORDER BY claim_type`,
  ],
];

/** A model port that writes exactly `sql`, and summarizes with the offline engine. */
function scriptedLlm(sql: string): Llm {
  const offline = new OfflineLlm();
  return {
    async generate(req: LlmRequest): Promise<LlmResponse> {
      if (req.purpose === 'sql')
        return { text: `<sql>${sql}</sql>`, modelId: 'scripted', inputTokens: 1, outputTokens: 1 };
      return offline.generate(req);
    },
  };
}

async function inBatches<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY) await Promise.all(items.slice(i, i + CONCURRENCY).map(run));
}

let db: TestDatabase;
let rt: LocalRuntime;
let admin: pg.Pool;

before(async () => {
  db = await freshDatabase();
  rt = await startLocalRuntime({
    databaseUrl: db.adminUrl,
    env: {},
    clock: { now: () => new Date(`${TEMPLATE_SEED.today}T12:00:00Z`) },
  });
  admin = new pg.Pool({ connectionString: db.adminUrl, max: 2 });
});

after(async () => {
  await admin?.end();
  await rt?.close();
  await db?.drop();
});

describe('family privacy differential: hidden claims never change a response', () => {
  const pairs: Pair[] = [];
  /** One case: a shape about someone, with the hidden-matching value or the "nothing" value. */
  interface Case {
    readonly key: string;
    readonly pair: Pair;
    readonly hiddenSql: string;
    readonly nothingSql: string;
  }
  const cases: Case[] = [];
  const baseline = new Map<string, { db: string; ask: string }>();
  let toldApart = 0;
  let skippedDimensions = 0;

  const viaDb = async (sql: string, scope: MemberScope): Promise<string> => {
    try {
      const r = await rt.db.runMemberQuery(sql, scope, CAP);
      return JSON.stringify(r);
    } catch (err) {
      return `error ${(err as { code?: string }).code ?? (err as Error).name}`;
    }
  };
  const viaAsk = async (sql: string, scope: MemberScope): Promise<string> => {
    const r = await ask({ requestId: randomUUID(), scope, question: QUESTION }, { ...rt.ports, llm: scriptedLlm(sql) });
    const { status, code, answer, rows, rowCount, notIncluded } = r;
    return JSON.stringify({ status, code, answer, rows, rowCount, notIncluded });
  };
  const scopeOf = (p: Person): MemberScope => ({ memberId: p.memberId, personId: p.personId });

  before(async () => {
    const people = await admin.query<Person & { member_id: string }>(
      `SELECT person_id AS "personId", member_id::text AS "memberId", first_name || ' ' || last_name AS name,
              first_name AS first, relationship_code AS relationship
       FROM people WHERE member_id = ANY ($1::bigint[]) ORDER BY person_id`,
      [FAMILIES],
    );
    const byName = new Map(people.rows.map((p) => [`${p.memberId}/${p.name}`, p]));
    for (const viewer of people.rows) {
      for (const other of await rt.db.roster(scopeOf(viewer))) {
        const hidden = byName.get(`${viewer.memberId}/${other.name}`);
        if (!other.visible && hidden) pairs.push({ viewer, hidden });
      }
    }

    for (const pair of pairs) {
      const visibleToViewer = (await rt.db.roster(scopeOf(pair.viewer)))
        .filter((p) => p.visible)
        .map((p) => byName.get(`${pair.viewer.memberId}/${p.name}`)?.personId ?? '');
      for (const dim of DIMENSIONS) {
        // A value on the hidden person's claims that is on none of the claims the viewer may see.
        const found = await admin.query<{ v: string }>(
          `SELECT ${dim.column}::text AS v FROM claims_history h
           WHERE h.person_id = $1 AND h.${dim.column} IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM claims_history s WHERE s.member_id = h.member_id
                             AND s.person_id = ANY ($2::text[]) AND s.${dim.column} = h.${dim.column})
           ORDER BY 1 LIMIT 1`,
          [pair.hidden.personId, visibleToViewer],
        );
        const value = found.rows[0]?.v;
        if (value === undefined) {
          skippedDimensions += 1;
          continue;
        }
        const d = DIMENSIONS.indexOf(dim);
        aboutFlavours(pair).forEach(([about, personPredicate], f) => {
          // Two shapes per (who, what), rotating, so each (pair, who) meets every shape across the
          // dimensions without crossing everything (the run stays a couple of minutes).
          for (const s of [(d + f) % SHAPES.length, (d + f + 2) % SHAPES.length]) {
            const [shape, build] = SHAPES[s] as (typeof SHAPES)[number];
            const where = (v: string) =>
              [personPredicate, `${dim.column} = ${dim.literal(v)}`].filter((p) => p !== '').join(' AND ');
            cases.push({
              key: `${pair.viewer.personId}→${pair.hidden.personId} ${shape} ${dim.name} ${about}`,
              pair,
              hiddenSql: build(pair.viewer.memberId, where(value)),
              nothingSql: build(pair.viewer.memberId, where(dim.nothing)),
            });
          }
        });
      }
    }
  });

  test('every pair of the demo families where one may not see the other is covered', () => {
    // 1000000001: parents ↛ adult daughter; daughter ↛ 3; minor son ↛ 3. 1000000003: subscriber ↛ adult
    // son; adult son ↛ 2; minor ↛ 2. 1000000004: parents ↛ 16-year-old; she ↛ 3; minor son ↛ 3.
    assert.equal(pairs.length, 21);
    assert.ok(cases.length >= 21 * 4 * 2 * 5, `${cases.length} cases`);
    const shapesSeen = new Set(cases.map((c) => c.key.split(' ')[1]));
    assert.equal(shapesSeen.size, SHAPES.length);
  });

  test('matching the hidden person or matching nothing: identical responses (PgMemberDb and ask)', async () => {
    await inBatches(cases, async (c) => {
      const scope = scopeOf(c.pair.viewer);
      const [dbHidden, dbNothing, askHidden, askNothing] = [
        await viaDb(c.hiddenSql, scope),
        await viaDb(c.nothingSql, scope),
        await viaAsk(c.hiddenSql, scope),
        await viaAsk(c.nothingSql, scope),
      ];
      if (dbHidden !== dbNothing || askHidden !== askNothing) {
        toldApart += 1;
        assert.fail(`told hidden from none: ${c.key}`);
      }
      baseline.set(c.key, { db: dbHidden, ask: askHidden });
    });
    assert.equal(baseline.size, cases.length);
  });

  test("changing the hidden person's claims changes no response", async () => {
    const hiddenPeople = [...new Map(pairs.map((p) => [p.hidden.personId, p.hidden])).values()];
    for (const hidden of hiddenPeople) {
      const client = await admin.connect();
      try {
        await client.query('CREATE TEMP TABLE saved AS SELECT * FROM claims_history WHERE person_id = $1', [
          hidden.personId,
        ]);
        // Every claim of theirs now carries the "nothing" values (and half of them are gone).
        await client.query(
          `UPDATE claims_history SET provider_name = $2, diagnosis_code = $3, claim_date = $4::date, ndc_code = $5,
             procedure_code = $6, patient_responsibility = 0, plan_paid_amount = 0, allowed_amount = $7::numeric,
             deductible_amount = 0, copay_amount = 0, coinsurance_amount = 0, not_covered_amount = 0
           WHERE person_id = $1`,
          [hidden.personId, ...DIMENSIONS.map((d) => d.nothing)],
        );
        await client.query(
          'DELETE FROM claims_history WHERE person_id = $1 AND claim_id IN (SELECT claim_id FROM claims_history WHERE person_id = $1 ORDER BY claim_id LIMIT 9)',
          [hidden.personId],
        );
        const mine = cases.filter((c) => c.pair.hidden.personId === hidden.personId);
        await inBatches(mine, async (c) => {
          const scope = scopeOf(c.pair.viewer);
          const was = baseline.get(c.key);
          // The "nothing" value now matches their claims: through ask() (which runs PgMemberDb).
          if ((await viaAsk(c.nothingSql, scope)) !== was?.ask) {
            toldApart += 1;
            assert.fail(`a change to hidden claims changed a response: ${c.key}`);
          }
        });
      } finally {
        await client.query('DELETE FROM claims_history WHERE person_id = $1', [hidden.personId]);
        await client.query('INSERT INTO claims_history SELECT * FROM saved');
        await client.query('DROP TABLE saved');
        client.release();
      }
    }
  });

  test('report', () => {
    const shapes = cases.length;
    console.log(
      `# differential: ${pairs.length} pairs, ${shapes} query shapes × 2 values × (PgMemberDb + ask), then each through ask() again after rewriting the hidden person's claims; told hidden from none: ${toldApart}; (pair, dimension) without a value private to the hidden person: ${skippedDimensions}`,
    );
    assert.equal(toldApart, 0);
  });

  test('the outcomes are the privacy rule, not accidents: withheld, partial with a note, normal', async () => {
    const sophie = pairs.find(
      (p) => p.hidden.personId === `${DEMO_MEMBER_IDS.family}-03` && p.viewer.relationship === 'subscriber',
    );
    assert.ok(sophie);
    const m = sophie.viewer.memberId;
    const scope = scopeOf(sophie.viewer);
    const result = async (sql: string) =>
      ask({ requestId: randomUUID(), scope, question: QUESTION }, { ...rt.ports, llm: scriptedLlm(sql) });

    const onlyHer = await result(
      `SELECT count(*) AS n FROM claims_history WHERE member_id = ${m} AND relationship_code = 'daughter'`,
    );
    assert.equal(onlyHer.code, Reason.WITHHELD);
    assert.deepEqual(onlyHer.notIncluded, ['Sophie Whitfield']);
    assert.equal(onlyHer.timings.retrieve, undefined, 'not even run');

    const everyone = await result(`SELECT count(*) AS n FROM claims_history WHERE member_id = ${m}`);
    assert.equal(everyone.code, Reason.OK);
    assert.deepEqual(everyone.notIncluded, ['Sophie Whitfield']);
    assert.match(everyone.answer, /Sophie Whitfield are not included/);

    const nothing = await result(
      `SELECT claim_id FROM claims_history WHERE member_id = ${m} AND provider_name = 'Nowhere'`,
    );
    assert.equal(nothing.code, Reason.NO_ROWS);
    assert.deepEqual(nothing.notIncluded, ['Sophie Whitfield'], 'about everyone: says who is left out');
    assert.match(nothing.answer, /not included/);

    const son = await result(
      `SELECT count(*) AS n FROM claims_history WHERE member_id = ${m} AND relationship_code = 'son'`,
    );
    assert.equal(son.code, Reason.OK);
    assert.equal(son.notIncluded, undefined);
    assert.doesNotMatch(son.answer, /not included/);

    const sonNothing = await result(
      `SELECT claim_id FROM claims_history WHERE member_id = ${m} AND relationship_code = 'son' AND provider_name = 'Nowhere'`,
    );
    assert.equal(sonNothing.code, Reason.NO_ROWS, 'about a visible person: a plain "none"');
    assert.equal(sonNothing.notIncluded, undefined);
  });
});
