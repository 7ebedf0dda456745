import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Asker } from '../../core/ports.ts';
import { parseRosterText, renderRosterText } from '../../core/roster.ts';
import { notInDataTopic } from '../../schema/benefit-words.ts';
import { validateSql } from '../../validate/index.ts';
import { summarizeBenefit } from './benefit-summary.ts';
import { type BenefitIntent, BenefitKind, benefitSqlReply, parseBenefitQuestion, writeBenefitSql } from './benefits.ts';
import { sqlReply } from './engine.ts';

const today = { year: 2026, month: 11, day: 25 };
const M = '1000000001';
const daniel: Asker = { name: 'Daniel Whitfield', relationship: 'subscriber' };
const elena: Asker = { name: 'Elena Whitfield', relationship: 'spouse' };
const robert: Asker = { name: 'Robert Okafor', relationship: 'subscriber' };

function intent(question: string, asker: Asker = daniel): BenefitIntent {
  const p = parseBenefitQuestion(question, { today, asker });
  assert.ok(p?.ok, `not read as a benefit question: ${question}`);
  return p.intent;
}

describe('benefit questions: what is asked', () => {
  const cases: [string, BenefitKind, Partial<BenefitIntent>?][] = [
    ['How much of my deductible is left this year?', BenefitKind.DEDUCTIBLE, { subject: { kind: 'self' } }],
    ["What's my deductible?", BenefitKind.DEDUCTIBLE],
    ['whats my deductable', BenefitKind.DEDUCTIBLE],
    ['is physcial therapy coverd', BenefitKind.COST_SHARING, { categories: ['physical_therapy'] }],
    ['my coinsurence for a hospital stay', BenefitKind.COST_SHARING, { categories: ['hospital_stay'] }],
    ['how much have i paid toward my deductible', BenefitKind.DEDUCTIBLE],
    ['How much of our deductible have we met?', BenefitKind.DEDUCTIBLE, { subject: { kind: 'family' } }],
    ['Have we met our family out-of-pocket maximum?', BenefitKind.OUT_OF_POCKET_MAX, { subject: { kind: 'family' } }],
    ['How much more until the plan pays everything?', BenefitKind.OUT_OF_POCKET_MAX],
    ['How close am I to my out of pocket max?', BenefitKind.OUT_OF_POCKET_MAX],
    ["What's my copay to see a specialist?", BenefitKind.COST_SHARING, { categories: ['specialist'] }],
    ['What would I pay for a generic prescription?', BenefitKind.COST_SHARING, { categories: ['generic_drug'] }],
    ['Is physical therapy covered?', BenefitKind.COST_SHARING, { categories: ['physical_therapy'] }],
    ['What is my coinsurance for a hospital stay?', BenefitKind.COST_SHARING, { categories: ['hospital_stay'] }],
    ['Is urgent care covered out of network?', BenefitKind.COST_SHARING, { network: 'out_of_network' }],
    [
      'Is physical therapy covered, and how many visits do I have left?',
      BenefitKind.VISITS_LEFT,
      { categories: ['physical_therapy'] },
    ],
    ['How many PT visits do I have left this year?', BenefitKind.VISITS_LEFT],
    [
      'Was my claim from Riverside Family Medicine paid?',
      BenefitKind.CLAIM_STATUS,
      { provider: 'Riverside Family Medicine' },
    ],
    ['What is the status of my claim from CareWell Pharmacy?', BenefitKind.CLAIM_STATUS],
    ['Did the plan pay my claim at Summit Imaging Center?', BenefitKind.CLAIM_STATUS],
    ['Which of my claims are still pending?', BenefitKind.PENDING],
    ['Do we have any claims that have not been processed yet?', BenefitKind.PENDING, { subject: { kind: 'family' } }],
    ['Why was my claim on 3/14 denied and what can I do?', BenefitKind.DENIED, { on: '2026-03-14' }],
    ['Why was my claim from Summit Imaging Center denied?', BenefitKind.DENIED, { provider: 'Summit Imaging Center' }],
    ['Which claims were denied last year?', BenefitKind.DENIED, { planYear: 2025, yearSaid: true }],
    ['how much is a specialist visit', BenefitKind.COST_SHARING, { categories: ['specialist'] }],
    ['do I pay anything for my flu shot', BenefitKind.COST_SHARING, { categories: ['preventive_care'] }],
    ['what happened to my claim from Valley General Hospital', BenefitKind.CLAIM_STATUS],
    ["why didn't insurance pay for my visit at Summit Imaging Center", BenefitKind.CLAIM_STATUS],
  ];
  for (const [question, kind, extra] of cases) {
    it(question, () => {
      const got = intent(question);
      assert.equal(got.kind, kind);
      for (const [k, v] of Object.entries(extra ?? {})) assert.deepEqual(got[k as keyof BenefitIntent], v, k);
    });
  }

  it('leaves claims questions to the claims parser', () => {
    for (const q of [
      'How many claims did I have this year?',
      'How much did I pay out of pocket last year?',
      'What did the plan pay for my prescriptions?',
      'How much did I spend at CareWell Pharmacy?',
      'Show my claims from March',
      'On average, how much do I pay per doctor visit?',
      "What's the most the plan has paid on one of Amara's claims?",
      'How much do I owe for my hospital visit in February?',
    ]) {
      assert.equal(parseBenefitQuestion(q, { today, asker: daniel }), undefined, q);
    }
  });

  it('does not answer about another service than the one asked (no visit data for acupuncture)', () => {
    assert.deepEqual(parseBenefitQuestion('how many acupuncture visits do I get', { today, asker: daniel }), {
      ok: false,
    });
  });

  it('answers visits left for every limited service the plans name (chiropractic, occupational and speech therapy)', () => {
    for (const [q, category] of [
      ['how many chiropractor visits do I get', 'chiropractic'],
      ['Chiropractic visits: how many do I have left?', 'chiropractic'],
      ['How many occupational therapy sessions do I have left this year?', 'occupational_therapy'],
      ['How many speech therapy visits does Lucas have left?', 'speech_therapy'],
      ['How many physical therapy visits do I have left?', 'physical_therapy'],
    ] as const) {
      const got = intent(q);
      assert.equal(got.kind, BenefitKind.VISITS_LEFT, q);
      assert.deepEqual(got.categories, [category], q);
    }
    assert.deepEqual(intent('Chiropractic visits: how many do I have left?').subject, { kind: 'self' });
    assert.deepEqual(intent('How many speech therapy visits does Lucas have left?').subject, {
      kind: 'name',
      name: 'Lucas',
    });
  });

  it('says people relative to the asker', () => {
    assert.deepEqual(intent("How much of my husband's deductible is left?", elena).subject, {
      kind: 'relationship',
      codes: ['subscriber'],
      label: 'spouse',
    });
    assert.deepEqual(intent("How much of my wife's deductible is left?").subject, {
      kind: 'relationship',
      codes: ['spouse'],
      label: 'spouse',
    });
    assert.deepEqual(intent("Has my grandson's deductible been met?", robert).subject, {
      kind: 'relationship',
      codes: ['other'],
      label: 'grandchild',
    });
    assert.deepEqual(intent("How much of Lucas's deductible is left?").subject, { kind: 'name', name: 'Lucas' });
    assert.deepEqual(intent('How much of my deductible is left, Daniel here').subject, { kind: 'self' });
  });

  it("a relative named through someone: the asker's own name is 'my', another name's relative is not understood", () => {
    const sophie: Asker = { name: 'Sophie Whitfield', relationship: 'daughter' };
    assert.deepEqual(intent("How much of the deductible has Sophie's dad met?", sophie).subject, {
      kind: 'relationship',
      codes: ['subscriber', 'spouse'],
      label: 'parents',
    });
    // Never answered about Daniel himself (nor about Elena, the asker).
    for (const q of ["How much of Daniel's son's deductible is left?", "Has Lucas's dad met his deductible?"]) {
      const p = parseBenefitQuestion(q, { today, asker: elena });
      assert.ok(p && !(p.ok && (p.intent.subject.kind === 'name' || p.intent.subject.kind === 'self')), q);
    }
  });

  it('refuses what the data does not hold (NULL SQL), and the guard names the topic', () => {
    for (const [q, topic] of [
      ['Do I need prior authorization for an MRI?', 'prior_authorization'],
      ['Can you find me an in-network dermatologist near me?', 'provider_search'],
      ['How much will my knee surgery cost?', 'cost_estimate'],
      ['How much is my monthly premium?', 'premium'],
      ['Is Dr. Patel in network?', 'provider_search'],
      ['How much did my dentist visits cost this year?', 'dental'],
      ['Is teeth cleaning covered?', 'dental'],
    ] as const) {
      assert.equal(notInDataTopic(q), topic, q);
      assert.equal(benefitSqlReply(q, M, { today, asker: daniel }), '<sql>NULL</sql>', q);
    }
    for (const q of [
      "What's my copay to see a specialist?",
      'How much did my MRI cost?',
      'What would I pay for a generic prescription?',
    ])
      assert.equal(notInDataTopic(q), undefined, q);
  });
});

describe('benefit SQL', () => {
  const questions = [
    'How much of my deductible is left this year?',
    'How much of our deductible have we met?',
    'Have we met our family out-of-pocket maximum?',
    'How much more until the plan pays everything?',
    "What's my copay to see a specialist?",
    'What would I pay for a prescription?',
    'What are my copays?',
    'Is physical therapy covered, and how many visits do I have left?',
    'How many visits do my kids have left?',
    'Was my claim from Riverside Family Medicine paid?',
    'Which of my claims are still pending?',
    'Do we have pending claims?',
    'Why was my claim on 3/14 denied and what can I do?',
    "Why was my son's claim denied in March?",
    'Which claims were denied last year?',
  ];
  for (const q of questions) {
    it(`passes the validator: ${q}`, () => {
      for (const asker of [daniel, elena]) {
        const sql = writeBenefitSql(intent(q, asker), M, asker);
        const v = validateSql(sql, { memberId: M });
        assert.ok(v.ok, v.ok ? '' : `${v.code}: ${v.reason} — ${sql}`);
        assert.match(sql, /member_id = 1000000001/);
      }
    });
  }

  it('writes the plan year and network asked, and the asker as the person', () => {
    const sql = writeBenefitSql(intent('What was my out-of-network deductible last year?', elena), M, elena);
    assert.match(sql, /a\.plan_year = 2025/);
    assert.match(sql, /a\.network = 'out_of_network'/);
    assert.match(sql, /a\.member_name = 'Elena Whitfield'/);
  });

  it('keeps quotes and odd characters out of literals', () => {
    const sql = writeBenefitSql(intent("Was my claim from O'Brien Clinic; DROP paid?"), M, daniel);
    assert.ok(validateSql(sql, { memberId: M }).ok, sql);
    assert.doesNotMatch(sql, /;/);
  });
});

describe('benefit answers', () => {
  it('deductible left, embedded family deductible, private people not included', () => {
    const text = summarizeBenefit(intent('How much of my deductible is left?'), [
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
    ]);
    assert.match(text ?? '', /You have met \$320\.00 of your \$500\.00 deductible for 2026, so \$180\.00 is left\./);
    assert.match(text ?? '', /\$600\.00 \(\$400\.00 left\)/);
    assert.match(text ?? '', /private to them are not included/);
  });

  it('an aggregate family deductible is said as one family amount', () => {
    const text = summarizeBenefit(intent('How much of my deductible is left?', robert), [
      {
        member_name: 'Robert Okafor',
        plan_year: 2026,
        plan_type: 'HDHP',
        coverage_level: 'family',
        family_deductible_kind: 'aggregate',
        deductible_individual: '3200.00',
        deductible_met: '486.80',
        deductible_left: '2713.20',
        deductible_family: '6400.00',
        family_deductible_met: '719.96',
        family_deductible_left: '5680.04',
        includes_everyone: true,
        as_of_date: '2026-11-25',
      },
    ]);
    assert.match(text ?? '', /\$6,400\.00 family deductible for 2026 that the whole family meets together/);
    assert.match(text ?? '', /so \$5,680\.04 is left/);
    assert.doesNotMatch(text ?? '', /\$2,713\.20/);
    assert.doesNotMatch(text ?? '', /private/);
  });

  it('out-of-pocket maximum reached', () => {
    const text = summarizeBenefit(intent('Have I hit my out-of-pocket max?'), [
      {
        member_name: 'Tomas Lindqvist',
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
    ]);
    assert.match(
      text ?? '',
      /You have reached your \$5,000\.00 out-of-pocket maximum for 2026: the plan now pays 100%/,
    );
  });

  it('cost sharing: copay, coinsurance after the deductible, not covered', () => {
    const rows = [
      {
        service_category: 'specialist',
        network: 'in_network',
        covered: true,
        copay: '40.00',
        coinsurance_percent: null,
        deductible_applies: false,
        visit_limit: null,
      },
      {
        service_category: 'imaging',
        network: 'in_network',
        covered: true,
        copay: null,
        coinsurance_percent: 20,
        deductible_applies: true,
        visit_limit: null,
      },
      {
        service_category: 'lab',
        network: 'out_of_network',
        covered: false,
        copay: null,
        coinsurance_percent: null,
        deductible_applies: false,
        visit_limit: null,
      },
    ];
    const text = summarizeBenefit(intent('What are my copays?'), rows) ?? '';
    assert.match(text, /For a specialist visit in network, you pay a \$40\.00 copay\./);
    assert.match(text, /you pay the full allowed cost until your deductible is met, then 20% of the allowed amount/);
    assert.match(text, /lab tests out of network, it is not covered by your plan/);
  });

  it('visits left', () => {
    const text = summarizeBenefit(intent('How many physical therapy visits do I have left?'), [
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
    ]);
    assert.match(
      text ?? '',
      /up to 30 visits per person per year\. You have used 4 in 2026, so 26 are left\. For each visit, you pay a \$40\.00 copay\./,
    );
  });

  it('claim status: paid, pending, denied; why denied and what to do', () => {
    const paid = summarizeBenefit(intent('Was my claim from Riverside Family Medicine paid?'), [
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
    ]);
    assert.equal(
      paid,
      'Your claim from Riverside Family Medicine on March 3, 2026 was paid on March 20, 2026: the plan paid $95.00 and your share is $20.00.',
    );
    const denied = summarizeBenefit(intent('Why was my claim on 3/14 denied?'), [
      {
        claim_date: '2026-03-14',
        member_name: 'Daniel Whitfield',
        provider_name: 'Summit Imaging Center',
        charged_amount: '812.40',
        processed_date: '2026-03-30',
        denial_code: '197',
        title: 'Approval was needed first',
        explanation: 'The plan needed to approve this service before it was done.',
        next_steps: 'Ask your provider to request approval and resubmit the claim.',
      },
    ]);
    assert.match(
      denied ?? '',
      /Summit Imaging Center on March 14, 2026 \(\$812\.40 billed\) was denied: The plan needed to approve/,
    );
    assert.match(denied ?? '', /What you can do: Ask your provider/);
    const pending = summarizeBenefit(intent('Which of my claims are still pending?'), [
      {
        claim_date: '2026-11-20',
        member_name: 'Daniel Whitfield',
        claim_type: 'RX',
        provider_name: 'CareWell Pharmacy',
        charged_amount: '55.10',
      },
    ]);
    assert.match(
      pending ?? '',
      /One of your claims is still being processed:\n- November 20, 2026: Daniel Whitfield, prescription claim at CareWell Pharmacy \(\$55\.10 billed\)/,
    );
  });

  it('rows of another shape are left to the generic summary', () => {
    assert.equal(summarizeBenefit(intent('How much of my deductible is left?'), [{ n: 3 }]), undefined);
  });
});

describe('benefit questions after held-out set 2', () => {
  it('refuses a write request before reading it as a benefit question', () => {
    const r = offlineSql('delete my pending claim');
    assert.equal(r, '<sql>NULL</sql>');
  });
  it('answers "how many were denied" with a count and "my most recent claim" with one claim', () => {
    const denied = intent('How many of my claims got rejected?');
    assert.equal(denied.kind, BenefitKind.DENIED);
    assert.equal(denied.count, true);
    assert.match(writeBenefitSql(denied, M, daniel), /^SELECT count\(\*\) AS claim_count FROM claims_history c /);
    assert.equal(
      summarizeBenefit(denied, [{ claim_count: 2 }]),
      '2 of your claims were denied. Ask me why it was denied to see what you can do.',
    );
    const latest = intent('Did insurance pay my most recent claim?');
    assert.equal(latest.kind, BenefitKind.CLAIM_STATUS);
    assert.match(writeBenefitSql(latest, M, daniel), /LIMIT 1$/);
    for (const sql of [writeBenefitSql(denied, M, daniel), writeBenefitSql(latest, M, daniel)])
      assert.equal(validateSql(sql, { memberId: M }).ok, true, sql);
  });
  it('says nothing is left when an embedded family deductible is met', () => {
    const text = summarizeBenefit(intent('How much is left on my deductible?', elena), [
      {
        member_name: 'Elena Whitfield',
        coverage_level: 'family',
        family_deductible_kind: 'embedded',
        deductible_individual: '500.00',
        deductible_met: '56.49',
        deductible_left: '443.51',
        deductible_family: '1000.00',
        family_deductible_met: '1000.00',
        family_deductible_left: '0.00',
        includes_everyone: true,
        as_of_date: '2026-11-25',
      },
    ]);
    assert.match(text ?? '', /family deductible of \$1,000\.00 has been met \(\$1,000\.00\), so \$0\.00 is left/);
    assert.doesNotMatch(text ?? '', /\$443\.51/);
  });
  it('reads Spanish benefit questions and answers them in Spanish', () => {
    const oop = intent('¿Cuánto me falta para llegar al máximo de gastos de bolsillo?', robert);
    assert.equal(oop.kind, BenefitKind.OUT_OF_POCKET_MAX);
    assert.equal(oop.lang, 'es');
    assert.deepEqual(oop.subject, { kind: 'self' });
    const copay = intent('¿Cuál es mi copago para un especialista?');
    assert.equal(copay.kind, BenefitKind.COST_SHARING);
    assert.deepEqual(copay.categories, ['specialist']);
    assert.equal(intent('¿Tengo reclamaciones pendientes?').kind, BenefitKind.PENDING);
    assert.equal(intent('¿Por qué fue denegada mi reclamación?').kind, BenefitKind.DENIED);
    assert.equal(intent('¿Por qué me denegaron la reclamación y qué puedo hacer?').kind, BenefitKind.DENIED);
    assert.equal(intent('¿por qué rechazaron mi reclamo?').kind, BenefitKind.DENIED);
    assert.equal(intent('¿Cuánto me falta para mi deducible?').kind, BenefitKind.DEDUCTIBLE);
    const text = summarizeBenefit(copay, [
      {
        service_category: 'specialist',
        network: 'in_network',
        covered: true,
        copay: '40.00',
        coinsurance_percent: null,
        deductible_applies: false,
        visit_limit: null,
      },
    ]);
    assert.equal(text, 'Para una visita al especialista dentro de la red, paga un copago de $40.00.');
  });
  it('a Spanish question about a denial reads the reason in Spanish and answers with it', () => {
    const denied = intent('¿Por qué fue denegada mi reclamación?');
    const sql = writeBenefitSql(denied, M, daniel);
    assert.match(sql, /d\.title_es, d\.explanation_es, d\.next_steps_es/);
    assert.equal(validateSql(sql, { memberId: M }).ok, true, sql);
    assert.doesNotMatch(writeBenefitSql(intent('Why was my claim denied?'), M, daniel), /_es\b/);
    const text = summarizeBenefit(denied, [
      {
        claim_date: '2026-08-09',
        member_name: 'Daniel Whitfield',
        provider_name: 'Summit Imaging Center',
        charged_amount: '535.53',
        processed_date: '2026-08-20',
        denial_code: '197',
        title_es: 'Se necesitaba aprobación previa',
        explanation_es: 'El plan tenía que aprobar este servicio antes de que se hiciera.',
        next_steps_es: 'Pida a su proveedor que solicite la aprobación.',
      },
    ]);
    assert.match(text ?? '', /fue denegada\. Motivo: El plan tenía que aprobar/);
    assert.doesNotMatch(text ?? '', /en inglés/);
  });
});

function offlineSql(question: string): string {
  return sqlReply(
    `<member_id>${M}</member_id><today>2026-11-25</today><asker>Daniel Whitfield (subscriber)</asker><question>${question}</question>`,
  );
}

describe('benefit questions about a parent, with the roster', () => {
  const rosterOf = (people: [string, 'subscriber' | 'spouse' | 'son' | 'other', boolean][]) =>
    parseRosterText(
      renderRosterText(
        people.map(([first, relationship, visible], i) => ({
          name: `${first} Doe`,
          relationship,
          visible,
          self: i === 0,
        })),
      ),
    );
  const noah: Asker = { name: 'Noah Doe', relationship: 'son' };

  it('two parents the asker may see: the word is not understood (no parent picked by guess)', () => {
    const roster = rosterOf([
      ['Noah', 'son', true],
      ['Ann', 'subscriber', true],
      ['Ben', 'spouse', true],
    ]);
    assert.deepEqual(parseBenefitQuestion("How much of my dad's deductible is left?", { today, asker: noah, roster }), {
      ok: false,
      notUnderstood: ['dad'],
    });
    assert.equal(
      benefitSqlReply('¿Cuánto le falta a mi papá para su deducible?', M, { today, asker: noah, roster }),
      '<sql>NULL</sql><not_understood>papá</not_understood>',
    );
    // "parents": both, named by their codes.
    const both = parseBenefitQuestion("How much of my parents' deductible is left?", { today, asker: noah, roster });
    assert.ok(both?.ok);
    assert.deepEqual(both.intent.subject, { kind: 'relationship', codes: ['subscriber', 'spouse'], label: 'parents' });
  });

  it('one parent on the plan, or parents who are both private: no question to ask', () => {
    const one = rosterOf([
      ['Noah', 'son', true],
      ['Ann', 'subscriber', false],
    ]);
    const p = parseBenefitQuestion("How much of my mom's deductible is left?", { today, asker: noah, roster: one });
    assert.ok(p?.ok);
    assert.deepEqual(p.intent.subject, { kind: 'relationship', codes: ['subscriber'], label: 'parent' });
    const hidden = rosterOf([
      ['Noah', 'son', true],
      ['Ann', 'subscriber', false],
      ['Ben', 'spouse', false],
    ]);
    const h = parseBenefitQuestion("How much of my dad's deductible is left?", { today, asker: noah, roster: hidden });
    assert.ok(h?.ok);
    assert.deepEqual(h.intent.subject, { kind: 'relationship', codes: ['subscriber', 'spouse'], label: 'parents' });
  });
});
