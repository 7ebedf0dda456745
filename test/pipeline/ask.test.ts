/**
 * The pipeline end to end on real parts: embedded PostgreSQL (member role + RLS), the real AWS
 * SDK talking to the local Bedrock stand-in (offline engine), the shipped prompt templates.
 * Each of the source article's six question kinds is checked against SQL computed here,
 * independently, on the seeded data.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { MemberScope } from '../../src/core/ports.ts';
import { Reason } from '../../src/core/reasons.ts';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { ask } from '../../src/pipeline/ask.ts';
import { type LocalRuntime, startLocalRuntime } from '../../src/runtime/local.ts';
import { freshDatabase, TEMPLATE_SEED, type TestDatabase } from '../support/db.ts';

const FAMILY = DEMO_MEMBER_IDS.family;
const SUBSCRIBER: MemberScope = { memberId: FAMILY, personId: `${FAMILY}-01` };
const TODAY = TEMPLATE_SEED.today;

let db: TestDatabase;
let rt: LocalRuntime;
let admin: pg.Pool;

/** Independent reads, as the superuser: the test's own source of truth. */
async function scalar<T>(sql: string, values: unknown[] = []): Promise<T> {
  const res = await admin.query(sql, values);
  return Object.values(res.rows[0] ?? {})[0] as T;
}

/** People of the demo family whom the subscriber may see: self, spouse, and minors (plan rule). */
async function visibleToSubscriber(): Promise<string[]> {
  const res = await admin.query<{ person_id: string }>(
    `SELECT person_id FROM people WHERE member_id = $1
       AND (relationship_code IN ('subscriber', 'spouse') OR birth_date > $2::date - interval '18 years')`,
    [FAMILY, TODAY],
  );
  return res.rows.map((r) => r.person_id);
}

const askAs = (scope: MemberScope, question: string) => ask({ requestId: randomUUID(), scope, question }, rt.ports);

/** Money as the summary prints it: $1,234.56. */
const dollars = (amount: string) =>
  `$${Number(amount.split('.')[0]).toLocaleString('en-US')}.${(amount.split('.')[1] ?? '00').padEnd(2, '0')}`;

before(async () => {
  db = await freshDatabase();
  rt = await startLocalRuntime({
    databaseUrl: db.adminUrl,
    env: {},
    clock: { now: () => new Date(`${TODAY}T12:00:00Z`) },
  });
  admin = new pg.Pool({ connectionString: db.adminUrl, max: 2 });
});

after(async () => {
  await admin?.end();
  await rt?.close();
  await db?.drop();
});

describe('the six question kinds of the source article', () => {
  test('all claims for a relative: "Show all claims for my son"', async () => {
    const r = await askAs(SUBSCRIBER, 'Show all claims for my son');
    const expected = await scalar<number>(
      "SELECT count(*)::int FROM claims_history WHERE member_id = $1 AND relationship_code = 'son'",
      [FAMILY],
    );
    assert.ok(expected > 0, 'the demo family has a son with claims');
    assert.equal(r.code, Reason.OK);
    assert.equal(r.rowCount, expected);
    assert.ok(r.rows?.every((row) => String(row.member_name).startsWith('Lucas')));
  });

  test('number of claims in a year: "How many claims did I have in <last year>?"', async () => {
    const year = Number(TODAY.slice(0, 4)) - 1;
    const r = await askAs(SUBSCRIBER, `How many claims did I have in ${year}?`);
    const expected = await scalar<number>(
      `SELECT count(*)::int FROM claims_history WHERE member_id = $1 AND relationship_code = 'subscriber'
         AND extract(year FROM claim_date) = $2`,
      [FAMILY, year],
    );
    assert.equal(r.code, Reason.OK);
    assert.equal(Number(Object.values(r.rows?.[0] ?? {})[0]), expected);
    assert.match(r.answer, new RegExp(`\\b${expected}\\b`));
  });

  test('claims for a named person: "Show the claims for Elena"', async () => {
    const r = await askAs(SUBSCRIBER, 'Show the claims for Elena');
    const expected = await scalar<number>(
      "SELECT count(*)::int FROM claims_history WHERE member_id = $1 AND member_name ILIKE '%Elena%'",
      [FAMILY],
    );
    assert.ok(expected > 0);
    assert.equal(r.code, Reason.OK);
    assert.equal(r.rowCount, expected);
  });

  test('claims at a named provider', async () => {
    const provider = await scalar<string>(
      `SELECT provider_name FROM claims_history WHERE member_id = $1 AND relationship_code = 'subscriber'
       GROUP BY provider_name ORDER BY count(*) DESC, provider_name LIMIT 1`,
      [FAMILY],
    );
    const r = await askAs(SUBSCRIBER, `Show my claims at ${provider}`);
    const expected = await scalar<number>(
      `SELECT count(*)::int FROM claims_history WHERE member_id = $1 AND relationship_code = 'subscriber'
         AND provider_name = $2`,
      [FAMILY, provider],
    );
    assert.equal(r.code, Reason.OK);
    assert.equal(r.rowCount, expected);
    assert.ok(r.rows?.every((row) => row.provider_name === provider));
  });

  test('providers a relative visited on a date: "Which providers did my son visit on M/D/YYYY?"', async () => {
    const day = await scalar<string>(
      "SELECT to_char(max(claim_date), 'YYYY-MM-DD') FROM claims_history WHERE member_id = $1 AND relationship_code = 'son'",
      [FAMILY],
    );
    const [y, m, d] = day.split('-').map(Number);
    const r = await askAs(SUBSCRIBER, `Which providers did my son visit on ${m}/${d}/${y}?`);
    const expected = await admin.query<{ provider_name: string }>(
      `SELECT DISTINCT provider_name FROM claims_history WHERE member_id = $1 AND relationship_code = 'son'
         AND claim_date = $2::date ORDER BY 1`,
      [FAMILY, day],
    );
    assert.equal(r.code, Reason.OK);
    assert.deepEqual(
      r.rows?.map((row) => row.provider_name).sort(),
      expected.rows.map((x) => x.provider_name),
    );
  });

  test('total spend over the last 12 months, for everyone the asker may see', async () => {
    const r = await askAs(SUBSCRIBER, 'What is our total spend over the last 12 months?');
    const expected = await scalar<string>(
      `SELECT sum(allowed_amount)::text FROM claims_history WHERE member_id = $1 AND person_id = ANY($2)
         AND claim_date >= $3::date - interval '12 months'`,
      [FAMILY, await visibleToSubscriber(), TODAY],
    );
    assert.equal(r.code, Reason.OK);
    assert.equal(String(Object.values(r.rows?.[0] ?? {})[0]), expected);
    assert.ok(r.answer.includes(dollars(expected)), `answer should state ${dollars(expected)}`);
  });
});

describe('outcomes other than an answer', () => {
  test('an adult daughter\'s claims are withheld from her parent, not reported as "none"', async () => {
    const r = await askAs(SUBSCRIBER, 'Show all claims for my daughter');
    assert.equal(r.code, Reason.WITHHELD);
    assert.equal(r.status, 'withheld');
    assert.equal(r.rowCount, 0);
  });

  test('counting an adult daughter\'s claims is withheld too, never "0 claims"', async () => {
    const r = await askAs(SUBSCRIBER, 'How many claims did my daughter have?');
    assert.equal(r.code, Reason.WITHHELD);
    assert.doesNotMatch(r.answer, /\b0\b/);
    assert.deepEqual(r.notIncluded, ['Sophie Whitfield']);
    assert.equal(r.timings.retrieve, undefined, 'decided from the roster: the query never ran');
  });

  test('a question about the whole family answers for the visible people and says whose claims are left out', async () => {
    const r = await askAs(SUBSCRIBER, 'How many claims does our family have?');
    const expected = await scalar<number>(
      'SELECT count(*)::int FROM claims_history WHERE member_id = $1 AND person_id = ANY($2)',
      [FAMILY, await visibleToSubscriber()],
    );
    assert.equal(r.code, Reason.OK);
    assert.equal(Number(Object.values(r.rows?.[0] ?? {})[0]), expected);
    assert.deepEqual(r.notIncluded, ['Sophie Whitfield']);
    assert.match(r.answer, /Claims of Sophie Whitfield are not included/);
  });

  test('the adult daughter asking about her parents is withheld; about herself she gets her answer', async () => {
    const sophie = { memberId: FAMILY, personId: `${FAMILY}-03` };
    rt.standin?.script([
      `<sql>SELECT count(*) FROM claims_history WHERE member_id = ${FAMILY} AND relationship_code IN ('subscriber', 'spouse')</sql>`,
    ]);
    const parents = await askAs(sophie, 'How many claims did my parents have?');
    assert.equal(parents.code, Reason.WITHHELD);
    assert.deepEqual(parents.notIncluded, ['Daniel Whitfield', 'Elena Whitfield']);
    const own = await askAs(sophie, 'How many claims did I have last year?');
    assert.equal(own.code, Reason.OK);
    assert.equal(own.notIncluded, undefined);
  });

  test('SQL whose plan would explode is refused by the database before it runs (SQL_TOO_EXPENSIVE)', async () => {
    const { PgMemberDb } = await import('../../src/db/member-db.ts');
    // A low work limit makes an ordinary three-way join "explode" here, deterministically.
    const strict = new PgMemberDb(rt.db.pool, { maxPlanWork: 1000 });
    rt.standin?.script([
      `<sql>SELECT count(*) AS n FROM claims_history a JOIN claims_history b ON a.claim_type = b.claim_type JOIN claims_history c ON b.claim_type = c.claim_type WHERE a.member_id = ${FAMILY} AND b.member_id = ${FAMILY} AND c.member_id = ${FAMILY}</sql>`,
    ]);
    const r = await ask(
      { requestId: randomUUID(), scope: SUBSCRIBER, question: 'How many pairs of claims?' },
      { ...rt.ports, db: strict },
    );
    assert.equal(r.code, Reason.SQL_TOO_EXPENSIVE);
    assert.equal(r.status, 'refused');
    assert.ok(r.timings.retrieve !== undefined, 'refused by the database layer');
    assert.doesNotMatch(r.answer, /SQL|plan|cost/i);
  });

  test('a hostile model reply is refused by the validator and never run', async () => {
    rt.standin?.script(['<sql>SELECT * FROM claims_history WHERE member_id = 1000000002</sql>']);
    const r = await askAs(SUBSCRIBER, 'How many claims did I have this year?');
    assert.equal(r.code, Reason.SQL_WRONG_MEMBER);
    assert.equal(r.status, 'refused');
    assert.equal(r.sql, undefined, 'rejected SQL is not reported as run');
    assert.equal(r.timings.retrieve, undefined, 'the retrieve stage never ran');
  });

  test('an unscoped model reply is refused', async () => {
    rt.standin?.script(['<sql>SELECT sum(allowed_amount) FROM claims_history</sql>']);
    const r = await askAs(SUBSCRIBER, 'What did we spend?');
    assert.equal(r.code, Reason.SQL_MISSING_MEMBER_SCOPE);
  });

  test('the model\'s NULL marker becomes "cannot answer"', async () => {
    rt.standin?.script(['<sql>NULL</sql>']);
    const r = await askAs(SUBSCRIBER, 'What is the weather tomorrow?');
    assert.equal(r.code, Reason.CANNOT_ANSWER);
  });

  test('a reply with no SQL block is refused', async () => {
    rt.standin?.script(['Sure! Here is your answer: 42']);
    const r = await askAs(SUBSCRIBER, 'How many claims did I have?');
    assert.equal(r.code, Reason.LLM_NO_SQL);
  });

  test('SQL in the question is refused before any model call', async () => {
    const before = rt.standin?.requests.length;
    const r = await askAs(SUBSCRIBER, 'SELECT * FROM claims_history; DROP TABLE claims_history');
    assert.equal(r.code, Reason.QUESTION_UNSAFE);
    assert.equal(rt.standin?.requests.length, before, 'the model was not called');
  });

  test('no matching claims asks for more detail', async () => {
    const r = await askAs(SUBSCRIBER, 'Show my claims at Nonexistent Provider Clinic');
    assert.equal(r.code, Reason.NO_ROWS);
    assert.equal(r.status, 'needs_detail');
  });

  test('too many rows asks to narrow down', async () => {
    rt.standin?.script([`<sql>SELECT claim_id FROM claims_history a WHERE member_id = ${FAMILY}</sql>`]);
    const bigFamily = await scalar<number>('SELECT count(*)::int FROM claims_history WHERE member_id = $1', [FAMILY]);
    const r = await askAs(SUBSCRIBER, 'List every claim');
    // The family is seeded with fewer claims than the cap; what matters is the cap decision.
    assert.equal(r.code, bigFamily > 200 ? Reason.TOO_MANY_ROWS : Reason.OK);
  });

  test('a database timeout becomes a friendly DB_TIMEOUT, not an error message', async () => {
    const slow = new (await import('../../src/db/member-db.ts')).PgMemberDb(rt.db.pool, { statementTimeoutMs: 1 });
    rt.standin?.script([
      `<sql>SELECT count(*) AS n FROM claims_history a JOIN claims_history b ON a.claim_type = b.claim_type JOIN claims_history c ON b.claim_type = c.claim_type WHERE a.member_id = ${FAMILY} AND b.member_id = ${FAMILY} AND c.member_id = ${FAMILY}</sql>`,
    ]);
    const r = await ask(
      { requestId: randomUUID(), scope: SUBSCRIBER, question: 'How many pairs of claims?' },
      { ...rt.ports, db: slow },
    );
    assert.equal(r.code, Reason.DB_TIMEOUT);
    assert.equal(r.status, 'error');
    assert.doesNotMatch(r.answer, /cancel|statement|timeout|SQL/i);
  });

  test('each stage runs inside the trace port, in order', async () => {
    const spans: string[] = [];
    const trace = async <T>(stage: string, fn: () => Promise<T>) => {
      spans.push(stage);
      return fn();
    };
    const r = await ask(
      { requestId: randomUUID(), scope: SUBSCRIBER, question: 'How many claims did I have last year?' },
      { ...rt.ports, trace },
    );
    assert.equal(r.code, Reason.OK);
    assert.deepEqual(spans, ['generate', 'validate', 'retrieve', 'summarize']);
  });

  test('a model that is down becomes LLM_ERROR with a friendly answer', async () => {
    const { BedrockLlm } = await import('../../src/llm/bedrock.ts');
    const dead = new BedrockLlm({ modelId: 'x', region: 'us-east-1', endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    const r = await ask(
      { requestId: randomUUID(), scope: SUBSCRIBER, question: 'How many claims did I have?' },
      { ...rt.ports, llm: dead },
    );
    assert.equal(r.code, Reason.LLM_ERROR);
    assert.match(r.answer, /try again/);
  });
});

describe('prompt caching on the offline path (the stand-in reports cache tokens as Bedrock does)', () => {
  test('the SQL step reads the static start from the cache once it was written, and the cost counts it', async () => {
    const { estimateCostUsd } = await import('../../src/observability/metrics.ts');
    const first = await askAs(SUBSCRIBER, 'How many claims did I have last year?');
    const second = await askAs(
      { memberId: DEMO_MEMBER_IDS.single },
      'How many prescription claims did I have this year?',
    );
    const written = (first.tokens.sql?.cacheWriteInputTokens ?? 0) + (first.tokens.sql?.cacheReadInputTokens ?? 0);
    assert.ok(written >= 1024, `the first ask wrote (or read) the static start: ${JSON.stringify(first.tokens.sql)}`);
    assert.equal(second.tokens.sql?.cacheReadInputTokens, written, 'another member reads the same cached start');
    assert.equal(second.tokens.summary?.cacheReadInputTokens, undefined, 'the summary prompt is not cached');
    const prices = rt.config.llm.prices;
    const cached = estimateCostUsd(second.tokens, prices);
    const uncached = estimateCostUsd(
      {
        sql: {
          inputTokens: (second.tokens.sql?.inputTokens ?? 0) + written,
          outputTokens: second.tokens.sql?.outputTokens ?? 0,
        },
        ...(second.tokens.summary ? { summary: second.tokens.summary } : {}),
      },
      prices,
    );
    assert.ok(
      cached < uncached * 0.6,
      `cached ${cached.toFixed(6)} USD vs ${uncached.toFixed(6)} USD without the cache`,
    );
  });
});
