import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONDITIONS } from '../db/seed/lists.ts';
import { CODE_DESCRIPTIONS, describeCode } from './codes.ts';

test('every code the seed uses has a description', () => {
  const missing: string[] = [];
  for (const c of CONDITIONS) {
    if (!describeCode('diagnosis_code', c.icd)) missing.push(`ICD-10 ${c.icd}`);
    for (const cpt of c.cpt) if (!describeCode('procedure_code', cpt)) missing.push(`CPT ${cpt}`);
    for (const ndc of c.ndc) if (!describeCode('ndc_code', ndc)) missing.push(`NDC ${ndc}`);
  }
  assert.deepEqual(missing, []);
});

test('descriptions are short plain words, codes are well-formed', () => {
  for (const [column, table] of Object.entries(CODE_DESCRIPTIONS)) {
    for (const [code, text] of Object.entries(table)) {
      assert.ok(text.length >= 3 && text.length <= 40, `${column} ${code}: ${text}`);
      const shape = {
        ndc_code: /^\d{5}-\d{4}-\d{2}$/,
        procedure_code: /^\d{5}$/,
        diagnosis_code: /^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$/,
      }[column as keyof typeof CODE_DESCRIPTIONS];
      assert.match(code, shape, `${column} ${code}`);
    }
  }
  assert.equal(describeCode('procedure_code', 'toString'), undefined, 'no prototype keys');
});
