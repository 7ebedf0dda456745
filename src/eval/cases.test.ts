import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { EvalSetError, parseCases } from './cases.ts';
import { DEFAULT_EVAL_SET } from './cases-file.ts';

test('the shipped set has at least 40 multi-turn cases across the follow-up kinds', async () => {
  const cases = parseCases(await readFile(DEFAULT_EVAL_SET, 'utf8'));
  const multi = cases.filter((c) => c.before && c.before.length > 0);
  assert.ok(multi.length >= 40, `${multi.length} multi-turn cases`);
  assert.ok(
    multi.some((c) => (c.before?.length ?? 0) >= 2),
    'some span three or more turns',
  );
  for (const kind of [
    'fu_period',
    'fu_person',
    'fu_type',
    'fu_filter',
    'fu_measure',
    'fu_chain',
    'fu_context',
    'fu_asker',
  ])
    assert.ok(
      cases.some((c) => c.id.startsWith(`${kind}-`)),
      kind,
    );
  assert.ok(cases.some((c) => 'refusal' in c.expected && c.expected.refusal === 'NEEDS_CONTEXT'));
});

test('"before" is a non-empty list of questions', () => {
  const line = (before: unknown) =>
    JSON.stringify({
      member: '1000000001',
      before,
      question: 'And last year?',
      expected: { refusal: 'NEEDS_CONTEXT' },
    });
  assert.deepEqual(parseCases(line(['How many claims this year?']))[0]?.before, ['How many claims this year?']);
  for (const bad of [[], [''], 'How many?', [3]]) assert.throws(() => parseCases(line(bad)), EvalSetError);
});
