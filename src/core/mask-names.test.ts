import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fillNames, maskNames } from './mask-names.ts';
import type { FamilyMember } from './ports.ts';

const roster: FamilyMember[] = [
  { name: 'Daniel Whitfield', relationship: 'subscriber', visible: true, self: true },
  { name: 'Ann Whitfield', relationship: 'spouse', visible: true, self: false },
  { name: 'Anna Whitfield', relationship: 'daughter', visible: false, self: false },
];

test('names and the member id leave the text; words that only contain a name stay', () => {
  const masked = maskNames(
    "How much did Anna and ANN spend? SELECT sum(x) FROM claims_history WHERE member_id = 1000000001 AND member_name ILIKE '%Anna%' -- Annapolis, Whitfields",
    roster,
    '1000000001',
  );
  assert.equal(
    masked,
    "How much did {{first_name:daughter}} and {{first_name:spouse}} spend? SELECT sum(x) FROM claims_history WHERE member_id = {{member_id}} AND member_name ILIKE '%{{first_name:daughter}}%' -- Annapolis, Whitfields",
  );
  for (const p of roster)
    for (const part of p.name.split(' ')) assert.doesNotMatch(masked, new RegExp(`\\b${part}\\b`));
});

test("another family's names go back in by relationship", () => {
  const demo: FamilyMember[] = [
    { name: 'Maria Lopez', relationship: 'subscriber', visible: true, self: true },
    { name: 'Sofia Lopez', relationship: 'daughter', visible: true, self: false },
  ];
  assert.equal(
    fillNames(
      'Did {{first_name:daughter}} {{last_name}} see a doctor? {{member_id}} {{first_name:son}}',
      demo,
      '1000000009',
    ),
    'Did Sofia Lopez see a doctor? 1000000009 {{first_name:son}}',
  );
});
