/**
 * The shipped SQL template's examples teach the model: each example's SQL must pass the validator
 * as written (for the example member id), over every catalog table it shows.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { validateSql } from '../validate/index.ts';

const TEMPLATE = readFileSync(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../prompts/sql.prompt'),
  'utf8',
);

test('every SQL example of the shipped template passes the validator', () => {
  const block = /<examples>([\s\S]*?)<\/examples>/.exec(TEMPLATE)?.[1] ?? '';
  const sqls = [...block.matchAll(/<sql>([\s\S]*?)<\/sql>/g)]
    .map((m) => m[1] ?? '')
    .filter((s) => s !== 'NULL' && s !== 'NEEDS_CONTEXT');
  assert.ok(sqls.length >= 10, `${sqls.length} examples`);
  const tables = new Set<string>();
  for (const sql of sqls) {
    const v = validateSql(sql, { memberId: '1234567890' });
    assert.ok(v.ok, v.ok ? '' : `${v.code}: ${v.reason} — ${sql}`);
    for (const m of sql.matchAll(/\b(?:FROM|JOIN)\s+([a-z_]+)/g)) tables.add(m[1] ?? '');
  }
  for (const t of [
    'claims_history',
    'accumulators',
    'family_accumulators',
    'plan_benefits',
    'plan_cost_sharing',
    'visit_counts',
    'denial_reasons',
  ])
    assert.ok(tables.has(t), `an example reads ${t}`);
});
