/**
 * The number guard on real parts: embedded PostgreSQL, the real AWS SDK against the local
 * Bedrock stand-in, which is scripted to reply with a summary that changes a digit, rounds,
 * swaps two figures or adds a total. A figure the rows do not support never reaches the member:
 * the answer is built from the rows, and the event is recorded (result, metric, audit row).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { AskResult } from '../../src/core/ask-result.ts';
import { moneyFromCents } from '../../src/core/format.ts';
import type { MemberScope } from '../../src/core/ports.ts';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { ask } from '../../src/pipeline/ask.ts';
import type { SummarySink } from '../../src/pipeline/summary-stream.ts';
import { afterAsk } from '../../src/runtime/after-ask.ts';
import { type LocalRuntime, startLocalRuntime } from '../../src/runtime/local.ts';
import { freshDatabase, TEMPLATE_SEED, type TestDatabase } from '../support/db.ts';

const FAMILY = DEMO_MEMBER_IDS.family;
const DANIEL: MemberScope = { memberId: FAMILY, personId: `${FAMILY}-01` };
const TODAY = TEMPLATE_SEED.today;
const SPEND_SQL = `<sql>SELECT sum(allowed_amount) AS full_cost, sum(patient_responsibility) AS member_share FROM claims_history WHERE member_id = ${FAMILY} AND relationship_code = 'subscriber' AND claim_type = 'RX'</sql>`;
const LIST_SQL = `<sql>SELECT claim_date, provider_name, allowed_amount, patient_responsibility FROM claims_history WHERE member_id = ${FAMILY} AND relationship_code = 'subscriber' AND claim_type = 'RX' ORDER BY claim_date DESC LIMIT 2</sql>`;

let db: TestDatabase;
let rt: LocalRuntime;
let admin: pg.Pool;
/** Daniel's prescriptions, read independently as the superuser (cents). */
let fullCost: bigint;
let share: bigint;
let recent: { date: string; share: bigint }[];

const dollars = (cents: bigint) => moneyFromCents(cents);
const cents = (v: string) => BigInt(Math.round(Number(v) * 100));

const QUESTION = 'How much did I spend on prescriptions?';

async function scripted(summary: string, sql = SPEND_SQL, question = QUESTION): Promise<AskResult> {
  rt.standin?.script([sql, summary]);
  return ask({ requestId: randomUUID(), scope: DANIEL, question }, rt.ports);
}

/**
 * Asks with the summary streamed (ConverseStream through the real SDK) and records every state of
 * the member's screen: each piece appended, or the whole text replaced.
 */
async function streamed(
  summary: string,
  sql = SPEND_SQL,
  question = QUESTION,
): Promise<{ r: AskResult; screens: string[] }> {
  rt.standin?.script([sql, summary]);
  let screen = '';
  const screens: string[] = [];
  const summarySink: SummarySink = {
    text: (delta) => {
      screen += delta;
      screens.push(screen);
    },
    replace: (text) => {
      screen = text;
      screens.push(screen);
    },
  };
  const r = await ask({ requestId: randomUUID(), scope: DANIEL, question, summarySink }, rt.ports);
  return { r, screens };
}

before(async () => {
  db = await freshDatabase();
  rt = await startLocalRuntime({
    databaseUrl: db.adminUrl,
    env: {},
    clock: { now: () => new Date(`${TODAY}T12:00:00Z`) },
  });
  admin = new pg.Pool({ connectionString: db.adminUrl, max: 2 });
  const totals = await admin.query<{ a: string; p: string }>(
    `SELECT sum(allowed_amount)::text AS a, sum(patient_responsibility)::text AS p FROM claims_history
     WHERE member_id = $1 AND relationship_code = 'subscriber' AND claim_type = 'RX'`,
    [FAMILY],
  );
  fullCost = cents(totals.rows[0]?.a ?? '0');
  share = cents(totals.rows[0]?.p ?? '0');
  const rows = await admin.query<{ d: string; p: string }>(
    `SELECT to_char(claim_date, 'YYYY-MM-DD') AS d, patient_responsibility::text AS p FROM claims_history
     WHERE member_id = $1 AND relationship_code = 'subscriber' AND claim_type = 'RX' ORDER BY claim_date DESC LIMIT 2`,
    [FAMILY],
  );
  recent = rows.rows.map((r) => ({ date: r.d, share: cents(r.p) }));
  assert.ok(fullCost > share && share > 0n, 'the seed gives Daniel prescriptions with a share');
});

after(async () => {
  await admin?.end();
  await rt?.close();
  await db?.drop();
});

describe('number guard (scripted stand-in summaries)', () => {
  test('an exact summary is sent as written', async () => {
    const text = `Your prescriptions cost ${dollars(fullCost)} in total; your share was ${dollars(share)}.`;
    const r = await scripted(text);
    assert.equal(r.status, 'answered');
    assert.equal(r.answer, text);
    assert.equal(r.summaryGuard, undefined);
  });

  const tampered: [string, () => string][] = [
    [
      'a changed digit',
      () => `Your prescriptions cost ${dollars(fullCost + 10n)} in total; your share was ${dollars(share)}.`,
    ],
    ['a rounded figure', () => `Your prescriptions cost about $${Math.round(Number(fullCost) / 100)} in total.`],
    [
      'two swapped figures',
      () => `Your prescriptions cost ${dollars(share)} in total; your share was ${dollars(fullCost)}.`,
    ],
    ['an invented total', () => `In total, including everything, you have paid ${dollars(fullCost + share)}.`],
  ];
  for (const [name, text] of tampered) {
    test(`${name} never reaches the member: the answer comes from the rows`, async () => {
      const r = await scripted(text());
      assert.equal(r.status, 'answered');
      assert.equal(r.code, 'OK');
      assert.ok(r.summaryGuard?.replaced, 'the guard replaced the summary');
      assert.match(r.summaryGuard?.reason ?? '', /^(UNTRACEABLE_MONEY|MISLABELED_MONEY)$/);
      assert.notEqual(r.answer, text());
      assert.ok(r.answer.includes(dollars(fullCost)) && r.answer.includes(dollars(share)), r.answer);
    });
  }

  test('a total of the listed rows is a documented derivation and passes; a wrong one does not', async () => {
    const sum = (recent[0]?.share ?? 0n) + (recent[1]?.share ?? 0n);
    const ok = await scripted(
      `Your last two prescriptions: together you paid ${dollars(sum)} out of pocket.`,
      LIST_SQL,
    );
    assert.equal(ok.summaryGuard, undefined, ok.answer);
    const bad = await scripted(
      `Your last two prescriptions: together you paid ${dollars(sum + 1n)} out of pocket.`,
      LIST_SQL,
    );
    assert.equal(bad.summaryGuard?.reason, 'UNTRACEABLE_MONEY');
  });

  test('a wrong date or count is caught too', async () => {
    const [y, m, d] = (recent[0]?.date ?? '2026-01-01').split('-').map(Number) as [number, number, number];
    const wrongDay = new Date(Date.UTC(y, m - 1, d + 1)).toLocaleDateString('en-US', {
      month: 'long',
      day: 'numeric',
      year: 'numeric',
      timeZone: 'UTC',
    });
    const r = await scripted(`Your most recent prescription was on ${wrongDay}.`, LIST_SQL);
    assert.equal(r.summaryGuard?.reason, 'UNTRACEABLE_DATE');
    const c = await scripted('I found 7 prescriptions.', LIST_SQL);
    assert.equal(c.summaryGuard?.reason, 'UNTRACEABLE_COUNT');
  });

  test('money in words and scaled amounts are money: a wrong one is replaced', async () => {
    assert.notEqual(share, 30000n, 'the seed share is not $300');
    for (const text of [
      'Your prescriptions cost you three hundred dollars.',
      'Sus recetas le costaron trescientos dólares.',
      `Your share was ${dollars(share)} million.`,
      `Your share was ${Number(share) / 100} mil dólares.`,
    ]) {
      const r = await scripted(text);
      assert.equal(r.summaryGuard?.reason, 'UNTRACEABLE_MONEY', text);
      assert.ok(r.answer.includes(dollars(share)), r.answer);
    }
  });

  test('compound number words and ordinals are counts: one the rows do not hold is replaced', async () => {
    for (const text of [
      'You had twenty-one prescriptions.',
      'Tuvo veintiún recetas.',
      'Tuvo treinta y una recetas.',
      'This was your third prescription this year.',
      'Es su tercera receta este año.',
      'That was your 5th prescription.',
    ]) {
      const r = await scripted(text);
      assert.equal(r.summaryGuard?.reason, 'UNTRACEABLE_COUNT', text);
    }
  });

  test('a number of the question is its bound, never a result; a percentage must be a percent of the rows', async () => {
    const bound = fullCost / 100n - 1n; // whole dollars, below the full cost
    const question = `Did my prescriptions cost more than $${bound}?`;
    const asResult = await scripted(`Your prescriptions cost $${bound}.`, SPEND_SQL, question);
    assert.equal(asResult.summaryGuard?.reason, 'UNTRACEABLE_MONEY');
    assert.ok(asResult.answer.includes(dollars(fullCost)), asResult.answer);
    const text = `Yes: your prescriptions cost ${dollars(fullCost)} in total, more than $${bound}.`;
    const asBound = await scripted(text, SPEND_SQL, question);
    assert.equal(asBound.summaryGuard, undefined, asBound.answer);
    assert.equal(asBound.answer, text);
    const pct = await scripted('You paid 1% of the full cost.');
    assert.equal(pct.summaryGuard?.reason, 'UNTRACEABLE_COUNT');
  });

  test('the event is recorded: audit reason field and metric', async () => {
    const r = await scripted(`Your prescriptions cost ${dollars(fullCost + 1n)} in total.`);
    assert.ok(r.summaryGuard);
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      await afterAsk(rt.db)(r, {
        memberId: FAMILY,
        personId: DANIEL.personId ?? '',
        role: 'member',
        subject: 'test-user',
      });
      const { askMetrics } = await import('../../src/observability/metrics.ts');
      askMetrics.flush();
    } finally {
      process.stdout.write = write;
    }
    const audit = await admin.query<{ summary_guard: string | null }>(
      'SELECT summary_guard FROM ask_audit WHERE request_id = $1',
      [r.requestId],
    );
    assert.equal(audit.rows[0]?.summary_guard, 'UNTRACEABLE_MONEY');
    assert.ok(
      lines.some((l) => l.includes('SummaryGuardReplaced')),
      'the metric was emitted',
    );
    assert.ok(!lines.some((l) => l.includes(dollars(fullCost + 1n))), 'no figure in logs or metrics');
  });
});

describe('number guard on a streamed summary (ConverseStream through the stand-in)', () => {
  test('an exact summary streams in pieces and ends as the answer', async () => {
    const text = `Your prescriptions cost ${dollars(fullCost)} in total; your share was ${dollars(share)}.`;
    const { r, screens } = await streamed(text);
    assert.equal(r.answer, text);
    assert.ok(screens.length > 1, `streamed in ${screens.length} pieces`);
    assert.equal(screens.at(-1), text);
  });

  // Each tampered reply, and the words that carry its wrong figure: no screen may ever hold them.
  const tampered: [string, () => string, () => string][] = [
    [
      'a changed digit',
      () => `Your prescriptions cost ${dollars(fullCost + 10n)} in total; your share was ${dollars(share)}.`,
      () => `cost ${dollars(fullCost + 10n)}`,
    ],
    [
      'a rounded figure',
      () => `Your prescriptions cost about $${Math.round(Number(fullCost) / 100)} in total.`,
      () => `about $${Math.round(Number(fullCost) / 100)} in total`,
    ],
    [
      'two swapped figures',
      () => `Your prescriptions cost ${dollars(share)} in total; your share was ${dollars(fullCost)}.`,
      () => `cost ${dollars(share)} in total`,
    ],
    ['money in words', () => 'Your prescriptions cost you three hundred dollars.', () => 'three hundred'],
    ['money in Spanish words', () => 'Sus recetas le costaron trescientos dólares.', () => 'trescientos'],
    ['a scaled amount', () => `Your share was ${dollars(share)} million.`, () => `${dollars(share)} million`],
    ['a compound count', () => 'You had twenty-one prescriptions this year.', () => 'twenty-one'],
    ['a Spanish compound count', () => 'Tuvo veintiún recetas este año.', () => 'veintiún'],
    ['an ordinal', () => 'This was your third prescription this year.', () => 'third'],
    ['a Spanish ordinal', () => 'Es su tercera receta este año.', () => 'tercera'],
    [
      'an invented total after a right one',
      () =>
        `Your prescriptions cost ${dollars(fullCost)} in total. Including everything, you have paid ${dollars(fullCost + share)}.`,
      () => dollars(fullCost + share),
    ],
  ];
  for (const [name, text, wrong] of tampered) {
    test(`${name} is never on the member's screen; the screen ends as the answer from the rows`, async () => {
      const { r, screens } = await streamed(text());
      assert.ok(r.summaryGuard?.replaced, 'the guard replaced the summary');
      for (const screen of screens) assert.ok(!screen.includes(wrong()), `shown: ${screen}`);
      assert.equal(screens.at(-1), r.answer);
      assert.ok(r.answer.includes(dollars(fullCost)) && r.answer.includes(dollars(share)), r.answer);
    });
  }

  test("a number of the question said as a result is never on the member's screen", async () => {
    const bound = fullCost / 100n - 1n;
    const question = `Did my prescriptions cost more than $${bound}?`;
    const { r, screens } = await streamed(`Well, your prescriptions cost $${bound} in total.`, SPEND_SQL, question);
    assert.equal(r.summaryGuard?.reason, 'UNTRACEABLE_MONEY');
    for (const screen of screens) assert.ok(!screen.includes(`$${bound} in total`), `shown: ${screen}`);
    assert.equal(screens.at(-1), r.answer);
    const text = `Yes: your prescriptions cost ${dollars(fullCost)} in total, more than $${bound}.`;
    const ok = await streamed(text, SPEND_SQL, question);
    assert.equal(ok.r.summaryGuard, undefined);
    assert.equal(ok.screens.at(-1), text);
  });
});
