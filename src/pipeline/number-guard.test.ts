import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Row } from '../core/ports.ts';
import { answerFromRows, interpretSql } from '../interpret/index.ts';
import { benefitSummaryReply } from '../llm/offline/benefit-summary.ts';
import { summarize } from '../llm/offline/index.ts';
import type { Intent } from '../llm/offline/question.ts';
import { type GuardInput, guardSummary } from './number-guard.ts';

const today = '2026-12-01';
const spend: GuardInput = {
  text: '',
  rows: [{ full_cost: '339.52', member_share: '38.31' }],
  today,
  range: { from: '2026-01-01', to: '2026-12-31' },
  measureColumns: ['allowed_amount', 'patient_responsibility'],
};
const claims = [
  {
    claim_date: '2026-03-05',
    provider_name: 'QuickFill Pharmacy #214',
    charged_amount: '185.35',
    allowed_amount: '123.74',
    plan_paid_amount: '80.22',
    patient_responsibility: '43.52',
  },
  {
    claim_date: '2026-02-10',
    provider_name: 'Greenleaf Pharmacy',
    charged_amount: '47.85',
    allowed_amount: '24.88',
    plan_paid_amount: '17.88',
    patient_responsibility: '7.00',
  },
];
const list: GuardInput = { text: '', rows: claims, today, range: { from: '2026-01-01', to: '2026-12-31' } };
const check = (input: GuardInput, text: string) => guardSummary({ ...input, text });

describe('number guard: figures traced to the rows', () => {
  it('passes exact figures, dates with and without a year, years of the range, row text with digits', () => {
    assert.equal(check(spend, 'Your prescriptions in 2026 cost $339.52 in total; your share was $38.31.').ok, true);
    assert.equal(check(list, 'On March 5, 2026 at QuickFill Pharmacy #214 you paid $43.52.').ok, true);
    assert.equal(check(list, 'El 10 de febrero de 2026 pagó $7.00 en Greenleaf Pharmacy.').ok, true);
    assert.equal(check(list, 'I found 2 claims, the latest on March 5.').ok, true);
    assert.equal(check(list, '1. March 5, 2026\n2. February 10, 2026').ok, true);
    assert.equal(check(list, 'You had two prescriptions in February and March.').ok, true);
    assert.equal(check(list, 'You had thirty prescriptions this year.').ok, false, 'tens are number words too');
    assert.equal(check(list, 'Tuvo cuarenta recetas este año.').ok, false);
  });

  it('short and other month spellings (one table, core/format.ts) are dates too', () => {
    const sept = { ...list, rows: [{ ...claims[0], claim_date: '2026-09-05' }] };
    assert.equal(check(sept, 'Your claim of Sept. 5, 2026 was paid.').ok, true);
    assert.equal(check(sept, 'Your claim of Sept. 6, 2026 was paid.').ok, false);
    assert.equal(check(sept, 'Su reclamación del 5 de setiembre de 2026 fue pagada.').ok, true);
    assert.equal(check(sept, 'Su reclamación del 5 de dic. de 2026 fue pagada.').ok, false);
    assert.equal(check(sept, 'Su reclamación del 6 de setiembre de 2026 fue pagada.').ok, false);
  });

  it('a changed digit fails', () => {
    assert.deepEqual(check(spend, 'Your prescriptions cost $339.53 in total; your share was $38.31.'), {
      ok: false,
      reason: 'UNTRACEABLE_MONEY',
      checked: 1,
    });
  });

  it('a rounded figure fails', () => {
    assert.equal(check(spend, 'Your prescriptions cost about $340 in total.').ok, false);
    assert.equal(check(spend, 'Your prescriptions cost $339.5 in total.').ok, false);
    assert.equal(check(spend, 'Your prescriptions cost roughly $0.3k.').ok, false);
  });

  it('two swapped figures fail (each figure must be a value of the measure it is said as)', () => {
    const r = check(spend, 'The full cost was $38.31; your share was $339.52.');
    assert.deepEqual(r, { ok: false, reason: 'MISLABELED_MONEY', checked: 2 });
    assert.equal(check(list, 'On March 5 the plan paid $43.52 and your share was $80.22.').ok, false);
  });

  it('an added total: the sum of the listed rows is a documented derivation; any other total fails', () => {
    assert.equal(check(list, 'Two claims; in total you paid $50.52 out of pocket.').ok, true);
    assert.equal(check(list, 'Two claims; in total you paid $50.50 out of pocket.').ok, false);
    assert.equal(check(list, 'Two claims; in total you paid $50.52 and the plan paid $98.10.').ok, true);
  });

  it('counts and dates that the rows do not hold fail', () => {
    assert.deepEqual(check(list, 'I found 3 claims.'), { ok: false, reason: 'UNTRACEABLE_COUNT', checked: 1 });
    assert.equal(check(list, 'You had five prescriptions.').ok, false);
    assert.equal(check(list, 'Your last claim was on March 6, 2026.').ok, false);
    assert.equal(check(list, 'Your last claim was in 2024.').ok, false);
    assert.equal(check(list, 'Your claims were in June.').ok, false);
    // A Spanish month opening a sentence, an English one in capitals: months all the same.
    assert.equal(check(list, 'Junio: una reclamación.').ok, false);
    assert.equal(check(list, 'Your claims were in JUNE.').ok, false);
    assert.equal(check(list, 'Marzo: una reclamación.').ok, true);
  });

  it('benefits: percents are row values; "the plan pays 100%" is the rule after the maximum, not a figure', () => {
    const oop = { rows: [{ oop_max_individual: '6000.00', oop_met: '78.66', oop_left: '5921.34' }], today };
    const said =
      'You have paid $78.66 toward your $6,000.00 out-of-pocket maximum, so $5,921.34 more until the plan pays 100% of covered care.';
    assert.equal(guardSummary({ ...oop, text: said }).ok, true);
    assert.equal(guardSummary({ ...oop, text: said.replace('$5,921.34', '$5,921.00') }).ok, false);
    assert.equal(guardSummary({ ...oop, text: 'You pay 90% after that.' }).ok, false);
    const cost = { rows: [{ copay: null, coinsurance_percent: 20, deductible_applies: true }], today };
    assert.equal(guardSummary({ ...cost, text: 'You pay 20% of the allowed amount (coinsurance).' }).ok, true);
    assert.equal(guardSummary({ ...cost, text: 'You pay 30% of the allowed amount (coinsurance).' }).ok, false);
  });

  it('thresholds the member asked about are not invented figures', () => {
    const sql = 'SELECT count(*) FROM claims_history WHERE member_id = 1000000001 AND charged_amount > 500';
    assert.equal(guardSummary({ text: 'You had 4 claims over $500.00.', rows: [{ n: 4 }], sql, today }).ok, true);
  });
});

describe('the answer from rows always passes the guard', () => {
  const roster = [{ name: 'Daniel Whitfield', relationship: 'subscriber', visible: true, self: true }] as const;
  for (const [sql, rows] of [
    [
      "SELECT sum(allowed_amount) AS a, sum(patient_responsibility) AS b FROM claims_history WHERE member_id = 1000000001 AND claim_type = 'RX'",
      spend.rows,
    ],
    [
      'SELECT claim_date, provider_name, charged_amount, allowed_amount, plan_paid_amount, patient_responsibility FROM claims_history WHERE member_id = 1000000001',
      claims,
    ],
    ['SELECT count(*) FROM claims_history WHERE member_id = 1000000001', [{ count: 7 }]],
    [
      "SELECT b.oop_max_individual, a.oop_met, greatest(b.oop_max_individual - a.oop_met, 0) AS oop_left, f.includes_everyone FROM accumulators a JOIN plan_benefits b ON b.member_id = a.member_id AND b.plan_year = a.plan_year AND b.network = a.network JOIN family_accumulators f ON f.member_id = a.member_id AND f.plan_year = a.plan_year AND f.network = a.network WHERE a.member_id = 1000000001 AND a.plan_year = 2026 AND a.network = 'in_network' AND a.relationship_code = 'subscriber'",
      [{ oop_max_individual: '3000.00', oop_met: '1133.44', oop_left: '1866.56', includes_everyone: false }],
    ],
    [
      "SELECT service_category, covered, copay, coinsurance_percent, deductible_applies, visit_limit FROM plan_cost_sharing WHERE member_id = 1000000001 AND plan_year = 2026 AND network = 'in_network' AND service_category = 'physical_therapy'",
      [
        {
          service_category: 'physical_therapy',
          covered: true,
          copay: '30.00',
          coinsurance_percent: null,
          deductible_applies: false,
          visit_limit: 20,
        },
      ],
    ],
    [
      'SELECT provider_name, count(*) AS n FROM claims_history WHERE member_id = 1000000001 GROUP BY provider_name ORDER BY n DESC LIMIT 1',
      [{ provider_name: 'QuickFill Pharmacy #214', n: 4 }],
    ],
  ] as const) {
    it(sql.slice(0, 60), () => {
      const interpretation = interpretSql(sql, { roster, today });
      for (const lang of ['en', 'es'] as const) {
        const text = answerFromRows(rows, interpretation, lang);
        const verdict = guardSummary({
          text,
          rows,
          sql,
          today,
          ...(interpretation ? { measureColumns: interpretation.parts.measure.columns } : {}),
        });
        assert.equal(verdict.ok, true, text);
      }
    });
  }
});

describe('number guard: figures written in words, scaled, ordinal, and numbers from the question', () => {
  const oneRow = (row: Record<string, string | number>): GuardInput => ({ text: '', rows: [row], today });

  it('money in words is money: it must be an amount of the rows', () => {
    const paid = oneRow({ member_share: '300.00' });
    assert.equal(check(paid, 'You paid three hundred dollars.').ok, true);
    assert.equal(check(paid, 'Usted pagó trescientos dólares.').ok, true);
    assert.equal(check(list, 'You paid three hundred dollars.').ok, false);
    assert.equal(check(list, 'Usted pagó trescientos dólares.').ok, false);
    assert.equal(check(list, 'You paid forty-three dollars.').ok, false, '$43.52 said as $43');
    const big = oneRow({ member_share: '2500.00' });
    assert.equal(check(big, 'You paid two thousand five hundred dollars.').ok, true);
    assert.equal(check(big, 'In total: two thousand five hundred.').ok, true);
    assert.equal(check(oneRow({ member_share: '2400.00' }), 'In total: two thousand five hundred.').ok, false);
    assert.equal(check(big, 'Pagó dos mil quinientos dólares.').ok, true);
    assert.equal(check(oneRow({ member_share: '2400.00' }), 'Pagó dos mil quinientos dólares.').ok, false);
  });

  it('scaled amounts are read at their scale ("$3 million", "$1.2k", "3 mil dólares")', () => {
    const three = oneRow({ member_share: '3.00' });
    assert.equal(check(three, 'You paid $3.').ok, true);
    assert.equal(check(three, 'You paid $3 million.').ok, false);
    assert.equal(check(three, 'Usted pagó 3 mil dólares.').ok, false);
    assert.equal(check(three, 'Usted pagó 3 millones de dólares.').ok, false);
    assert.equal(check(three, 'The plan paid 3 thousand.').ok, false);
    assert.equal(check(oneRow({ total: '3000000.00' }), 'You paid $3 million.').ok, true);
    assert.equal(check(oneRow({ total: '3000.00' }), 'Usted pagó 3 mil dólares.').ok, true);
    assert.equal(check(oneRow({ total: '1200.00' }), 'You paid $1.2k.').ok, true);
    assert.equal(check(oneRow({ total: '1.20' }), 'You paid $1.2k.').ok, false);
    assert.equal(check(oneRow({ total: '2500000.00' }), 'Usted pagó 2,5 millones de dólares.').ok, true);
    assert.equal(check(oneRow({ total: '5000000.00' }), 'Usted pagó 2,5 millones de dólares.').ok, false);
  });

  it('compound number words are read whole ("twenty-three", "treinta y dos", "one hundred and five")', () => {
    const n = (count: number) => oneRow({ claim_count: count });
    assert.equal(check(n(23), 'You had twenty-three claims.').ok, true);
    assert.equal(check(n(3), 'You had twenty-three claims.').ok, false);
    assert.equal(check(n(23), 'You had twenty three claims.').ok, true);
    assert.equal(check(n(20), 'You had twenty three claims.').ok, false);
    assert.equal(check(n(23), 'Tuvo veintitrés reclamaciones.').ok, true);
    assert.equal(check(n(3), 'Tuvo veintitrés reclamaciones.').ok, false);
    assert.equal(check(n(32), 'Tuvo treinta y dos reclamaciones.').ok, true);
    assert.equal(check(n(2), 'Tuvo treinta y dos reclamaciones.').ok, false);
    assert.equal(check(n(105), 'You had one hundred and five claims.').ok, true);
    assert.equal(check(n(5), 'You had one hundred and five claims.').ok, false);
  });

  it('ordinals are counts or positions of the rows ("your third claim", "the 5th visit", "tercera")', () => {
    assert.equal(check(list, 'Your second claim was at Greenleaf Pharmacy.').ok, true, 'a position in the two rows');
    assert.equal(check(list, 'This was your third claim this year.').ok, false);
    assert.equal(check(list, 'It was your 5th visit.').ok, false);
    assert.equal(check(list, 'Es su tercera visita este año.').ok, false);
    assert.equal(check(oneRow({ visits_used: 5 }), 'That was your 5th visit.').ok, true);
    assert.equal(check(oneRow({ visits_used: 3 }), 'Es su tercera visita este año.').ok, true);
    assert.equal(check(list, 'Your latest claim was on the 5th.').ok, true, 'a day of a row date');
    assert.equal(check(list, 'Your latest claim was on the 6th.').ok, false);
    assert.equal(
      check(list, 'You may want a second opinion.').ok,
      true,
      '"second" without a count noun is not a figure',
    );
    assert.equal(check(list, 'Your claim on the 5th of March was paid.').ok, true);
    assert.equal(check(list, 'Your claim on the 6th of March was paid.').ok, false);
    assert.equal(check(oneRow({ n: 21 }), 'It was your twenty-first claim.').ok, true);
    assert.equal(check(oneRow({ n: 20 }), 'It was your twenty-first claim.').ok, false);
  });

  it('a number from the question is allowed only as the question’s own bound, not as a result', () => {
    const sql =
      'SELECT sum(patient_responsibility) AS total FROM claims_history WHERE member_id = 1000000001 HAVING sum(patient_responsibility) > 500';
    const q = (total: string): GuardInput => ({
      text: '',
      rows: [{ total }],
      sql,
      question: 'Did I pay more than $500 this year?',
      today,
    });
    assert.equal(check(q('734.20'), 'You paid $500 this year.').ok, false);
    assert.equal(check(q('734.20'), 'You paid $500.00 this year.').ok, false);
    assert.equal(check(q('734.20'), 'Yes: you paid $734.20 this year, more than $500.').ok, true);
    assert.equal(check(q('734.20'), 'Sí: pagó $734.20, más de $500.').ok, true);
    assert.equal(check(q('312.40'), 'No, you paid $312.40, less than the $500 you asked about.').ok, true);
    assert.equal(check(q('312.40'), 'You paid five hundred dollars.').ok, false);
    const counts: GuardInput = {
      text: '',
      rows: [{ claim_count: 3 }],
      question: 'Did I have more than 5 claims this year?',
      today,
    };
    assert.equal(check(counts, 'You had 5 claims this year.').ok, false);
    assert.equal(check(counts, 'You had five claims this year.').ok, false);
    assert.equal(check(counts, 'No, you had 3 claims, not more than 5.').ok, true);
    assert.equal(check(counts, 'You had 3 claims; 5 or more would be unusual.').ok, true);
    const visits: GuardInput = {
      text: '',
      rows: [{ visits_used: 7 }],
      question: 'How many of my 20 physical therapy visits have I used?',
      today,
    };
    assert.equal(check(visits, 'You have used 20 visits.').ok, false);
    assert.equal(check(visits, 'You have used 7 visits.').ok, true);
    const between: GuardInput = {
      text: '',
      rows: [{ claim_count: 3 }],
      question: 'claims between $100 and $500',
      today,
    };
    assert.equal(check(between, 'You had 3 claims between $100 and $500.').ok, true);
    assert.equal(check(between, 'Tuvo 3 reclamaciones entre $100 y $500.').ok, true);
    assert.equal(check(between, 'You had 3 claims of $100.').ok, false);
    const period: GuardInput = {
      text: '',
      rows: [{ claim_count: 3 }],
      question: 'How many claims in the last 90 days?',
      today,
    };
    assert.equal(check(period, 'You had 3 claims in the last 90 days.').ok, true);
    assert.equal(check(period, 'You had 90 claims.').ok, false);
  });

  it("a verb of outcome states a result: the question's number after it must be in the rows", () => {
    const over: GuardInput = {
      text: '',
      rows: [{ total: '1450.20' }],
      question: 'Have I spent over $2,000 this year?',
      today,
    };
    assert.equal(check(over, 'Yes, you have exceeded $2,000 this year.').ok, false);
    assert.equal(check(over, 'You reached $2,000.').ok, false);
    assert.equal(check(over, 'No: you spent $1,450.20, not over $2,000.').ok, true);
  });

  it("a question's bound is not checked against the measure it is said beside", () => {
    const rows = [{ plan_paid: '80.22', member_share: '43.52' }];
    const input: GuardInput = { text: '', rows, question: 'Did I pay more than $500?', today };
    assert.equal(check(input, 'Your share was not more than $500: it was $43.52.').ok, true);
  });

  it('percentages are percent values of the rows (or the question’s bound), not any number', () => {
    assert.equal(check(oneRow({ claim_count: 20 }), 'You pay 20% coinsurance.').ok, false);
    const pct = oneRow({ coinsurance_percent: 20 });
    assert.equal(check(pct, 'You pay 20% coinsurance.').ok, true);
    assert.equal(check(pct, 'You pay 20 percent coinsurance.').ok, true);
    assert.equal(check(pct, 'Usted paga el veinte por ciento.').ok, true);
    assert.equal(check(pct, 'Usted paga el treinta por ciento.').ok, false);
    assert.equal(check(pct, 'The plan pays 80% and you pay 20%.').ok, true, 'the plan’s part is the rest');
    assert.equal(check(pct, 'The plan pays one hundred percent after your maximum.').ok, true);
    const asked: GuardInput = { ...pct, question: 'Is my coinsurance over 10%?' };
    assert.equal(check(asked, 'Your coinsurance is 10%.').ok, false);
    assert.equal(check(asked, 'Yes, it is 20%, over 10%.').ok, true);
  });
});

describe("the offline engine's own summaries pass the guard (the fixtures of its unit tests)", () => {
  const elena = {
    fullName: 'Elena Whitfield',
    firstName: 'Elena',
    relationship: 'spouse',
    kinship: 'self',
    visible: true,
  } as const;
  const base: Intent = {
    lang: 'en',
    people: { kind: 'people', people: [elena] },
    measure: 'count',
    columns: [],
    amounts: [],
  };
  const year = { from: '2026-01-01', until: '2027-01-01' };
  const range = { from: '2026-01-01', to: '2026-12-31' };
  const claimsCases: [string, Intent, Row[]][] = [
    [
      'How many prescription claims did I have this year?',
      { ...base, claimType: 'RX', period: year },
      [{ claim_count: 3 }],
    ],
    ['¿Cuántas reclamaciones tuve este año?', { ...base, lang: 'es', period: year }, [{ claim_count: 2 }]],
    [
      'How much did I spend this year?',
      { ...base, measure: 'sum', columns: ['allowed_amount', 'patient_responsibility'], period: year },
      [{ full_cost: '339.52', member_share: '38.31' }],
    ],
    ['What was my most recent claim?', { ...base, measure: 'latest' }, [claims[0] as Row]],
    ['Show my claims over $20 this year', { ...base, measure: 'list', period: year }, claims],
    ['¿Cuál fue mi primera reclamación?', { ...base, lang: 'es', measure: 'earliest' }, [claims[1] as Row]],
  ];
  for (const [question, intent, rows] of claimsCases) {
    it(question, () => {
      const text = summarize({ rows, rowCount: rows.length, intent });
      const verdict = guardSummary({ text, rows, question, today, range });
      assert.equal(verdict.ok, true, text);
      assert.ok(verdict.checked > 0, `figures were checked: ${text}`);
    });
  }
  const ctx = {
    today: { year: 2026, month: 11, day: 25 },
    asker: { name: 'Daniel Whitfield', relationship: 'subscriber' as const },
  };
  const benefitCases: [string, Row[]][] = [
    [
      'How much of my $500 deductible is left?',
      [
        {
          member_name: 'Daniel Whitfield',
          plan_year: 2026,
          plan_type: 'PPO',
          coverage_level: 'family',
          family_deductible_kind: 'embedded',
          deductible_individual: '500.00',
          deductible_met: '320.00',
          deductible_left: '180.00',
          deductible_family: '1000.00',
          family_deductible_met: '600.00',
          family_deductible_left: '400.00',
          includes_everyone: false,
          as_of_date: '2026-11-25',
        },
      ],
    ],
    [
      'Have I hit my out-of-pocket max?',
      [
        {
          member_name: 'Daniel Whitfield',
          plan_year: 2026,
          coverage_level: 'individual',
          family_deductible_kind: 'embedded',
          oop_max_individual: '5000.00',
          oop_met: '5000.00',
          oop_left: '0.00',
          oop_max_family: '10000.00',
          family_oop_met: '5000.00',
          family_oop_left: '5000.00',
          includes_everyone: true,
          as_of_date: '2026-11-25',
        },
      ],
    ],
    [
      'What is my coinsurance for imaging, is it more than 10%?',
      [
        {
          service_category: 'imaging',
          network: 'in_network',
          covered: true,
          copay: null,
          coinsurance_percent: 20,
          deductible_applies: true,
          visit_limit: null,
        },
      ],
    ],
    [
      'How many of my 30 physical therapy visits do I have left?',
      [
        {
          member_name: 'Daniel Whitfield',
          service_category: 'physical_therapy',
          covered: true,
          copay: '40.00',
          coinsurance_percent: null,
          deductible_applies: false,
          visit_limit: 30,
          visits_used: 4,
          visits_left: 26,
          as_of_date: '2026-11-25',
        },
      ],
    ],
    [
      'Was my claim from Riverside Family Medicine paid?',
      [
        {
          claim_date: '2026-03-03',
          member_name: 'Daniel Whitfield',
          provider_name: 'Riverside Family Medicine',
          claim_status: 'paid',
          processed_date: '2026-03-20',
          charged_amount: '180.00',
          plan_paid_amount: '95.00',
          patient_responsibility: '20.00',
          denial_reason: null,
        },
      ],
    ],
    [
      'Which of my claims are still pending?',
      [
        {
          claim_date: '2026-11-20',
          member_name: 'Daniel Whitfield',
          claim_type: 'RX',
          provider_name: 'CareWell Pharmacy',
          charged_amount: '55.10',
        },
      ],
    ],
    ['How many of my claims got rejected?', [{ claim_count: 2 }]],
    [
      '¿Cuál es mi copago para un especialista?',
      [
        {
          service_category: 'specialist',
          network: 'in_network',
          covered: true,
          copay: '40.00',
          coinsurance_percent: null,
          deductible_applies: false,
          visit_limit: null,
        },
      ],
    ],
  ];
  for (const [question, rows] of benefitCases) {
    it(question, () => {
      const text = benefitSummaryReply(question, rows, rows.length, ctx);
      assert.ok(text, `read as a benefit question with rows of its shape: ${question}`);
      const verdict = guardSummary({ text, rows, question, today: '2026-11-25' });
      assert.equal(verdict.ok, true, text);
      assert.ok(verdict.checked > 0, `figures were checked: ${text}`);
    });
  }
});
