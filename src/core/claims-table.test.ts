import assert from 'node:assert/strict';
import { test } from 'node:test';
import { claimsTable } from './claims-table.ts';

const claim = {
  claim_date: '2026-01-19',
  member_name: 'Emma Whitfield',
  relationship_code: 'daughter',
  claim_type: 'RX',
  provider_name: 'CareWell Pharmacy',
  ndc_code: '00093-4155-73',
  procedure_code: null,
  diagnosis_code: 'J06.9',
  charged_amount: '45.10',
  allowed_amount: '30.00',
  plan_paid_amount: '20.00',
  patient_responsibility: '10.00',
  person_id: '1000000001-03',
};

test('claim rows: member-word labels, types for sorting, enumerations in words, codes described, internal columns left out', () => {
  const t = claimsTable([claim]);
  assert.equal(t?.kind, 'claims');
  assert.deepEqual(
    t?.columns.map((c) => `${c.key}:${c.label}:${c.type}`),
    [
      'claim_date:Date:date',
      'member_name:Who:text',
      'relationship_code:Relationship:text',
      'claim_type:Type:text',
      'provider_name:Provider:text',
      'drug:Drug:text',
      'ndc_code:Drug code:text',
      'service:Service:text',
      'procedure_code:Service code:text',
      'condition:Condition:text',
      'diagnosis_code:Diagnosis code:text',
      'charged_amount:Billed:money',
      'allowed_amount:Full cost (allowed):money',
      'plan_paid_amount:Plan paid:money',
      'patient_responsibility:Out-of-pocket share:money',
    ],
  );
  const row = t?.rows[0];
  assert.equal(row?.claim_type, 'Prescription');
  assert.equal(row?.relationship_code, 'Daughter');
  assert.equal(row?.drug, 'Amoxicillin (antibiotic)');
  assert.equal(row?.service, null, 'no procedure code, no description');
  assert.equal(row?.condition, 'Cold (upper respiratory infection)');
  assert.equal(row?.patient_responsibility, '10.00', 'money stays the exact decimal string');
  assert.equal(row && 'person_id' in row, false);
});

test('an unknown code shows as the code alone', () => {
  const t = claimsTable([{ ...claim, ndc_code: '99999-9999-99' }]);
  assert.equal(t?.rows[0]?.drug, null);
  assert.equal(t?.rows[0]?.ndc_code, '99999-9999-99');
});

test('aggregates and unknown columns: labelled from the name, typed from the values', () => {
  const t = claimsTable([
    { total_spent: '432.10', claim_count: 12, avg_share: '3.50', first_visit: '2025-02-01', note: 'x' },
  ]);
  assert.equal(t?.kind, 'results');
  assert.deepEqual(
    t?.columns.map((c) => `${c.label}:${c.type}`),
    ['Full cost (allowed):money', 'Number of claims:count', 'Avg share:money', 'First visit:date', 'Note:text'],
  );
});

test('a column the query already named like a description is kept as it is', () => {
  const t = claimsTable([{ claim_date: '2026-01-01', ndc_code: '00093-4155-73', drug: 'mine' }]);
  assert.deepEqual(
    t?.columns.map((c) => c.key),
    ['claim_date', 'ndc_code', 'drug'],
  );
  assert.equal(t?.rows[0]?.drug, 'mine');
});

test('no rows, no table', () => {
  assert.equal(claimsTable([]), undefined);
  assert.equal(claimsTable(undefined), undefined);
});
