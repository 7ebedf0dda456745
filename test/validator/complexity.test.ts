/**
 * The validator's work bounds (issue 12 §2, §3). Adversarial inputs of every size up to the SQL
 * length cap are each answered — accepted or refused, never stuck in the parser — and every
 * honest query we know (the eval set's reference SQL, the offline engine's SQL for its questions,
 * the prompt's examples) passes with room under each bound. Times are measured by
 * `npm run bench` (bench/validator.ts), not here.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Reason } from '../../src/core/reasons.ts';
import { fillReference, parseCases } from '../../src/eval/cases.ts';
import { parseBenefitQuestion, writeBenefitSql } from '../../src/llm/offline/benefits.ts';
import { parseQuestion, writeSql } from '../../src/llm/offline/index.ts';
import { LIMITS, SQL_BOUNDS } from '../../src/schema/catalog.ts';
import { validateSql } from '../../src/validate/index.ts';
import { tokenize } from '../../src/validate/lexer.ts';
import { parserWork } from '../../src/validate/parse.ts';
import { ADVERSARIAL_MEMBER, ADVERSARIAL_SHAPES, adversarialInputs } from '../support/adversarial-sql.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ctx = { memberId: ADVERSARIAL_MEMBER };

describe('adversarial inputs up to the length cap', () => {
  const inputs = adversarialInputs();
  const outcomes = new Map<string, number>();
  for (const input of inputs) {
    const r = validateSql(input.sql, ctx);
    const code = r.ok ? 'OK' : r.code;
    outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
    (input as { code?: string }).code = code;
  }
  const codeOf = (i: (typeof inputs)[number]) => (i as { code?: string }).code;

  it('covers every shape at many sizes, up to and past the cap', () => {
    assert.ok(inputs.length > 800, `${inputs.length} inputs`);
    for (const shape of ADVERSARIAL_SHAPES) {
      const sizes = inputs.filter((i) => i.shape === shape.name);
      assert.ok(
        sizes.some((i) => i.sql.length > LIMITS.sqlMaxChars),
        `${shape.name} never reaches the cap`,
      );
    }
  });

  it('answers every input with OK or a refusal code, past the cap SQL_TOO_LONG', () => {
    for (const input of inputs) {
      const code = codeOf(input) ?? '';
      assert.ok(code === 'OK' || code.startsWith('SQL_'), `${input.shape} n=${input.n}: ${code}`);
      if (input.sql.length > LIMITS.sqlMaxChars) assert.equal(code, Reason.SQL_TOO_LONG, `${input.shape} n=${input.n}`);
    }
  });

  it('never accepts a broken nesting, and refuses the deep ones as too complex', () => {
    const broken = inputs.filter((i) => /broken core|issue:/.test(i.shape) && i.sql.length <= LIMITS.sqlMaxChars);
    assert.ok(broken.length > 200);
    for (const input of broken) {
      assert.ok(
        [Reason.SQL_PARSE_ERROR, Reason.SQL_TOO_COMPLEX].includes(codeOf(input) as never),
        `${input.shape} n=${input.n}: ${codeOf(input)}`,
      );
      if (input.n > SQL_BOUNDS.maxNesting)
        assert.equal(codeOf(input), Reason.SQL_TOO_COMPLEX, `${input.shape} n=${input.n}`);
    }
  });

  it('refuses as too complex the issue 12 query and its deeper forms', () => {
    const issue = inputs.filter((i) => i.shape.startsWith('issue:') && i.n >= 6 && i.sql.length <= LIMITS.sqlMaxChars);
    assert.ok(issue.length > 5);
    for (const input of issue) assert.equal(codeOf(input), Reason.SQL_TOO_COMPLEX, `n=${input.n}`);
  });

  it('still accepts the small honest forms of the long shapes (the bounds are not a blanket refusal)', () => {
    for (const shape of ['IN list', 'AND chain', 'UNION branches', 'CASE arms', 'select list', 'parens, valid core']) {
      const small = inputs.filter((i) => i.shape === shape && i.n <= 4);
      assert.ok(small.length > 0 && small.every((i) => codeOf(i) === 'OK'), shape);
    }
    assert.ok((outcomes.get('OK') ?? 0) > 100, JSON.stringify(Object.fromEntries(outcomes)));
    assert.ok((outcomes.get(Reason.SQL_TOO_COMPLEX) ?? 0) > 200, JSON.stringify(Object.fromEntries(outcomes)));
  });
});

/** Every honest query we have: eval reference SQL, the offline engine's SQL, the prompt's examples. */
function honestQueries(): { name: string; memberId: string; sql: string }[] {
  const out: { name: string; memberId: string; sql: string }[] = [];
  const today = { year: 2026, month: 11, day: 25 };
  for (const file of ['eval/cases.jsonl', 'eval/holdout.jsonl']) {
    const path = `${ROOT}${file}`;
    if (!existsSync(path)) continue;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.trim().startsWith('{')) continue;
      const c = JSON.parse(line) as { id?: string; member: string; question: string; expected: { sql?: string } };
      if (c.expected.sql) {
        out.push({
          name: `${file} ${c.id} reference`,
          memberId: c.member,
          sql: fillReference(c.expected.sql, '2026-11-25', c.member),
        });
      }
      // Benefit and claim-status questions: the offline engine's SQL for them (src/llm/offline/benefits.ts).
      for (const asker of [
        { name: 'Maria Lopez', relationship: 'subscriber' as const },
        { name: 'Emma Lopez', relationship: 'spouse' as const },
      ]) {
        const benefit = parseBenefitQuestion(c.question, { today, asker });
        if (benefit?.ok)
          out.push({
            name: `${file} ${c.id} offline`,
            memberId: c.member,
            sql: writeBenefitSql(benefit.intent, c.member, asker),
          });
      }
      const parsed = parseQuestion(c.question, { memberId: c.member, today });
      if (parsed.ok) {
        for (const asker of [
          { name: 'Maria Lopez', relationship: 'subscriber' as const },
          { name: 'Emma Lopez', relationship: 'daughter' as const },
        ]) {
          out.push({
            name: `${file} ${c.id} offline`,
            memberId: c.member,
            sql: writeSql(parsed.intent, c.member, asker),
          });
        }
      }
    }
  }
  const prompt = readFileSync(`${ROOT}prompts/sql.prompt`, 'utf8');
  for (const m of prompt.matchAll(/<sql>(.*?)<\/sql>/g)) {
    if (m[1] && /^(SELECT|WITH)\b/i.test(m[1])) out.push({ name: 'prompt example', memberId: '1234567890', sql: m[1] });
  }
  return out;
}

describe('honest queries pass with room under every bound', () => {
  const honest = honestQueries();

  it('has the eval set, the offline engine and the prompt examples', () => {
    assert.ok(honest.filter((h) => h.name.endsWith('reference')).length >= 40);
    assert.ok(honest.filter((h) => h.name.endsWith('offline')).length >= 40);
    assert.ok(honest.filter((h) => h.name === 'prompt example').length >= 4);
    // Sanity: the cases.jsonl file parses as the eval harness reads it.
    assert.ok(parseCases(readFileSync(`${ROOT}eval/cases.jsonl`, 'utf8')).length >= 50);
  });

  it('every one is accepted', () => {
    for (const h of honest) {
      const r = validateSql(h.sql, { memberId: h.memberId });
      assert.ok(r.ok, `${h.name}: ${r.ok ? '' : `${r.code} ${r.reason}`}`);
    }
  });

  it('every one needs at most 70% of the parser budget and half the token bound', () => {
    let most = 0;
    for (const h of honest) {
      // The text the validator parses (FETCH FIRST written as LIMIT).
      const checked = validateSql(h.sql, { memberId: h.memberId });
      assert.ok(checked.ok, h.name);
      const { spent, parsed } = parserWork(checked.sql, SQL_BOUNDS.parserBudget);
      assert.ok(parsed, h.name);
      most = Math.max(most, spent);
      assert.ok(spent <= SQL_BOUNDS.parserBudget * 0.7, `${h.name}: parser work ${spent}`);
      assert.ok(tokenize(h.sql).length <= SQL_BOUNDS.maxTokens / 2, `${h.name}: tokens`);
    }
    assert.ok(most > 5000, `largest parser work ${most}`);
  });
});
