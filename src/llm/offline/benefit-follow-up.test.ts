/**
 * Benefit follow-ups in the offline engine, read from the prompt's <history> (the real SQL
 * template, rendered with its few-shot examples) and answered by the benefit summary.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { renderHistory, type Turn } from '../../core/conversation.ts';
import { escapeTagContent } from '../../core/prompt-tags.ts';
import { renderRosterText } from '../../core/roster.ts';
import { renderSchemaDdl } from '../../schema/catalog.ts';
import { validateSql } from '../../validate/index.ts';
import { BenefitKind, readBenefitFragment } from './benefits.ts';
import { NEEDS_CONTEXT_REPLY, offlineReply } from './engine.ts';

const SQL_BODY = readFileSync(new URL('../../../prompts/sql.prompt', import.meta.url), 'utf8').split('[body]')[1] ?? '';
const M = '1000000001';
const today = { year: 2026, month: 11, day: 25 };

/** Family 1 as Daniel (the subscriber) sees it: Sophie, the adult daughter, is private. */
const ROSTER = renderRosterText([
  { name: 'Daniel Whitfield', relationship: 'subscriber', visible: true, self: true },
  { name: 'Elena Whitfield', relationship: 'spouse', visible: true, self: false },
  { name: 'Sophie Whitfield', relationship: 'daughter', visible: false, self: false },
  { name: 'Lucas Whitfield', relationship: 'son', visible: true, self: false },
]);

function sqlReply(question: string, history: Turn[], asker = 'Daniel Whitfield (subscriber)', roster = ROSTER): string {
  const values: Record<string, string> = {
    schema: renderSchemaDdl(),
    member_id: M,
    today: '2026-11-25',
    asker: escapeTagContent(asker),
    history: renderHistory(history),
    roster: escapeTagContent(roster),
    question: escapeTagContent(question),
  };
  return offlineReply(
    SQL_BODY.replace(/\{\{(\w+)\}\}/g, (_, n: string) => values[n] ?? ''),
    'sql',
  );
}

/** Asks the questions in order in one conversation; returns the last reply and the history before it. */
function conversation(...questions: string[]): { reply: string; history: Turn[] } {
  const history: Turn[] = [];
  let reply = '';
  for (const [i, q] of questions.entries()) {
    reply = sqlReply(q, history);
    if (i === questions.length - 1) break;
    const sql = /^<sql>(SELECT[\s\S]*?)<\/sql>$/.exec(reply)?.[1];
    history.push({
      question: q,
      ...(sql ? { sql } : {}),
      status: sql ? 'answered' : 'refused',
      code: sql ? 'OK' : 'CANNOT_ANSWER',
    });
  }
  return { reply, history };
}

const sqlOf = (reply: string) => {
  const sql = /^<sql>(SELECT[\s\S]*)<\/sql>$/.exec(reply)?.[1];
  assert.ok(sql, `no SQL: ${reply}`);
  assert.ok(validateSql(sql, { memberId: M }).ok, sql);
  return sql;
};

const LEFT = 'How much of my deductible is left?';

describe('benefit follow-ups', () => {
  it('"how much have I met?" keeps the deductible, the asker and the year', () => {
    const sql = sqlOf(conversation(LEFT, 'and how much have I met?').reply);
    assert.match(sql, /FROM accumulators a JOIN plan_benefits b/);
    assert.match(sql, /a\.plan_year = 2026 AND a\.network = 'in_network' AND a\.relationship_code = 'subscriber'/);
    // Without "and": the standing words alone follow the deductible question.
    assert.match(sqlOf(conversation(LEFT, 'how much have I met so far?').reply), /deductible_met/);
  });

  it('changes only what the follow-up names: network, whose, kind, year', () => {
    assert.match(sqlOf(conversation(LEFT, 'what about out of network?').reply), /a\.network = 'out_of_network'/);
    const family = sqlOf(conversation(LEFT, 'and for the family?').reply);
    assert.match(family, /FROM family_accumulators f JOIN plan_benefits b/);
    assert.doesNotMatch(family, /relationship_code|member_name/);
    const oop = sqlOf(conversation(LEFT, 'and my out-of-pocket max?').reply);
    assert.match(oop, /oop_max_individual/);
    assert.doesNotMatch(oop, /deductible_individual/);
    assert.match(sqlOf(conversation(LEFT, 'what about Lucas?').reply), /a\.member_name ILIKE '%Lucas%'/);
    assert.match(sqlOf(conversation(LEFT, 'and my wife?').reply), /a\.relationship_code = 'spouse'/);
    // A chain: the family, then last year (the family carries over).
    const chain = sqlOf(conversation(LEFT, 'and for the family?', 'and last year?').reply);
    assert.match(chain, /FROM family_accumulators f .* f\.plan_year = 2025/);
  });

  it("a relative named through someone else is not answered about that person ('and for Elena's husband?')", () => {
    for (const q of ["and for Elena's husband?", "and elena's husband?"]) {
      const reply = conversation(LEFT, q).reply;
      assert.doesNotMatch(reply, /ILIKE '%Elena%'/, q);
      assert.match(reply, /<not_understood>/, q);
    }
  });

  it('"and how much did we pay?" is a claims question, not the deductible again', () => {
    assert.doesNotMatch(conversation(LEFT, 'and how much did we pay?').reply, /deductible/);
  });

  it('a private person is named in the SQL like any benefit question (family privacy then withholds it)', () => {
    assert.match(sqlOf(conversation(LEFT, 'what about Sophie?').reply), /a\.member_name ILIKE '%Sophie%'/);
  });

  it('Spanish follow-ups', () => {
    const spanish = '¿Cuánto me falta para mi deducible?';
    assert.match(sqlOf(conversation(spanish, '¿y para la familia?').reply), /FROM family_accumulators f/);
    assert.match(sqlOf(conversation(spanish, '¿y fuera de la red?').reply), /a\.network = 'out_of_network'/);
    assert.match(sqlOf(conversation(spanish, '¿y Lucas?').reply), /a\.member_name ILIKE '%Lucas%'/);
    assert.match(sqlOf(conversation(spanish, '¿y mi máximo de gastos de bolsillo?').reply), /oop_max_individual/);
  });

  it('cost sharing and claim status follow the same way', () => {
    const urgent = sqlOf(conversation("What's my copay to see a specialist?", 'and for urgent care?').reply);
    assert.match(urgent, /FROM plan_cost_sharing .* service_category = 'urgent_care'/);
    const oon = sqlOf(
      conversation("What's my copay to see a specialist?", 'and for urgent care?', 'what about out of network?').reply,
    );
    assert.match(oon, /network = 'out_of_network' AND service_category = 'urgent_care'/);
    const pending = sqlOf(conversation('Which of my claims are still pending?', 'and Lucas?').reply);
    assert.match(pending, /c\.member_name ILIKE '%Lucas%' AND c\.claim_status = 'pending'/);
  });

  it('what it does not follow: a whole claims question, a service with nothing said about it, nothing before', () => {
    const claims = sqlOf(conversation(LEFT, 'How many claims did Lucas have this year?').reply);
    assert.match(claims, /^SELECT count\(\*\) AS claim_count FROM claims_history/);
    assert.equal(conversation(LEFT, 'and physical therapy?').reply, NEEDS_CONTEXT_REPLY);
    // A claims follow-up after a benefit question has no claims question to complete.
    assert.equal(conversation(LEFT, 'and last month?').reply.includes('claims_history'), false);
    // After a claims question, "and last year?" is still the claims follow-up.
    assert.match(
      sqlOf(conversation('How many claims did I have this year?', 'and last year?').reply),
      /claims_history .* claim_date >= DATE '2025-01-01'/,
    );
  });

  it('"and my dad\'s?" with two parents the asker may see asks for a name', () => {
    const roster = renderRosterText([
      { name: 'Noah Doe', relationship: 'son', visible: true, self: true },
      { name: 'Ann Doe', relationship: 'subscriber', visible: true, self: false },
      { name: 'Ben Doe', relationship: 'spouse', visible: true, self: false },
    ]);
    const first = sqlReply(LEFT, [], 'Noah Doe (son)', roster);
    const history: Turn[] = [{ question: LEFT, sql: sqlOf(first), status: 'answered', code: 'OK' }];
    assert.equal(
      sqlReply("and my dad's?", history, 'Noah Doe (son)', roster),
      '<sql>NULL</sql><not_understood>dad</not_understood>',
    );
  });

  it('the answer is the benefit answer of the completed question', () => {
    const { history } = conversation(LEFT, 'what about Lucas?');
    const rows = [
      {
        member_name: 'Lucas Whitfield',
        coverage_level: 'family',
        family_deductible_kind: 'embedded',
        deductible_individual: '500.00',
        deductible_met: '120.00',
        deductible_left: '380.00',
        deductible_family: '1000.00',
        family_deductible_met: '400.00',
        family_deductible_left: '600.00',
        includes_everyone: false,
        as_of_date: '2026-11-20',
      },
    ];
    const prompt = [
      '<today>2026-11-25</today>',
      '<asker>Daniel Whitfield (subscriber)</asker>',
      `<history>${renderHistory(history)}</history>`,
      `<roster>${escapeTagContent(ROSTER)}</roster>`,
      '<question>what about Lucas?</question>',
      `<row_count>1</row_count>`,
      `<rows>${escapeTagContent(JSON.stringify(rows))}</rows>`,
    ].join('\n');
    const answer = offlineReply(prompt, 'summary');
    assert.match(answer, /^Lucas has met \$120\.00 of Lucas's \$500\.00 deductible for 2026, so \$380\.00 is left\./);
    assert.match(answer, /not included/);
  });
});

describe('readBenefitFragment', () => {
  it('says only what the fragment names', () => {
    const f = readBenefitFragment('what about out of network?', { today });
    assert.equal(f.network, 'out_of_network');
    assert.equal(f.subject, undefined);
    assert.equal(f.kind, undefined);
    assert.deepEqual(readBenefitFragment('and for the family?', { today }).subject, { kind: 'family' });
    assert.deepEqual(readBenefitFragment('and how much have I met?', { today }).subject, { kind: 'self' });
    assert.equal(readBenefitFragment('and how much have I met?', { today }).standing, true);
    assert.equal(readBenefitFragment('and my out-of-pocket max?', { today }).kind, BenefitKind.OUT_OF_POCKET_MAX);
    assert.equal(readBenefitFragment('and last year?', { today }).year, 2025);
    assert.equal(readBenefitFragment('¿y Lucas?', { today }).lang, 'es');
  });
});
