import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Intent } from './question.ts';
import { NOTHING_FOUND, summarize } from './summary.ts';

const base: Intent = { lang: 'en', people: { kind: 'family' }, measure: 'count', columns: [], amounts: [] };
const elena = {
  fullName: 'Elena Whitfield',
  firstName: 'Elena',
  relationship: 'spouse',
  kinship: 'self',
  visible: true,
} as const;
const daniel = {
  fullName: 'Daniel Whitfield',
  firstName: 'Daniel',
  relationship: 'subscriber',
  kinship: 'spouse',
  visible: true,
} as const;
const sophie = {
  fullName: 'Sophie Whitfield',
  firstName: 'Sophie',
  relationship: 'daughter',
  kinship: 'daughter',
  visible: false,
} as const;
const year = { from: '2026-01-01', until: '2027-01-01' };

describe('summarize', () => {
  it('counts with the concrete period', () => {
    const intent: Intent = { ...base, people: { kind: 'people', people: [elena] }, claimType: 'RX', period: year };
    assert.equal(
      summarize({ rows: [{ claim_count: 3 }], rowCount: 1, intent }),
      'You had 3 prescription claims in 2026.',
    );
  });

  it('spend says both the full cost and the share, copied to the cent', () => {
    const intent: Intent = {
      ...base,
      people: { kind: 'people', people: [daniel] },
      measure: 'sum',
      columns: ['allowed_amount', 'patient_responsibility'],
      period: year,
    };
    assert.equal(
      summarize({ rows: [{ full_cost: '339.52', member_share: '38.31' }], rowCount: 1, intent }),
      'The claims of Daniel (your spouse) in 2026 cost $339.52 in total (the full allowed cost); the out-of-pocket share was $38.31.',
    );
  });

  it('never names a private person in a figure', () => {
    const intent: Intent = {
      ...base,
      people: { kind: 'people', people: [daniel, sophie] },
      measure: 'sum',
      columns: ['plan_paid_amount'],
    };
    const text = summarize({ rows: [{ plan_paid: '10.00' }], rowCount: 1, intent });
    assert.doesNotMatch(text, /Sophie/);
    assert.match(text, /\$10\.00/);
  });

  it('Spanish', () => {
    const intent: Intent = { ...base, lang: 'es', people: { kind: 'people', people: [elena] }, period: year };
    assert.equal(summarize({ rows: [{ claim_count: 2 }], rowCount: 1, intent }), 'Usted tuvo 2 reclamaciones en 2026.');
  });

  it('claim rows and nothing found', () => {
    const row = {
      claim_date: '2026-03-05',
      member_name: 'Elena Whitfield',
      claim_type: 'RX',
      provider_name: 'Greenleaf Pharmacy',
      charged_amount: '185.35',
      allowed_amount: '123.74',
      plan_paid_amount: '80.22',
      patient_responsibility: '43.52',
    };
    const text = summarize({ rows: [row], rowCount: 1, intent: { ...base, measure: 'latest' } });
    assert.match(
      text,
      /^The most recent claim is: March 5, 2026: Elena Whitfield, prescription, at Greenleaf Pharmacy \(billed \$185\.35/,
    );
    assert.equal(summarize({ rows: [], rowCount: 0 }), NOTHING_FOUND);
    assert.equal(
      summarize({
        rows: [{ full_cost: null }],
        rowCount: 1,
        intent: { ...base, measure: 'sum', columns: ['allowed_amount'] },
      }),
      NOTHING_FOUND,
    );
  });
});
