import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Roster } from '../core/roster.ts';
import { interpretSql } from './index.ts';

const M = 1000000001;
/** Family 1 as Elena (the spouse) sees it: Sophie (22) is private. */
const elena: Roster = [
  ['01', 'Daniel', 'subscriber', true, false],
  ['02', 'Elena', 'spouse', true, true],
  ['03', 'Sophie', 'daughter', false, false],
  ['04', 'Lucas', 'son', true, false],
].map(([, firstName, relationship, visible, self]) => ({
  name: `${firstName as string} Whitfield`,
  relationship: relationship as 'subscriber',
  visible: visible as boolean,
  self: self as boolean,
}));
const today = '2026-12-01';
const read = (where: string, select = 'count(*)', lang: 'en' | 'es' = 'en') =>
  interpretSql(`SELECT ${select} FROM claims_history WHERE member_id = ${M} AND ${where}`, {
    roster: elena,
    today,
    lang,
  });

test('people are named from the roster, relative to the asker (codes are relative to the subscriber)', () => {
  const r = read("relationship_code = 'subscriber' AND claim_type = 'RX'");
  assert.ok(r);
  assert.deepEqual(
    r.parts.who.people.map((p) => [p.firstName, p.kinship]),
    [['Daniel', 'spouse']],
  );
  assert.match(r.text, /prescription claims of Daniel \(your spouse\)/);
  assert.equal(r.parts.claimType, 'RX');
  const self = read("member_name = 'Elena Whitfield'");
  assert.match(self?.text ?? '', /the number of your claims/);
  const both = read("(relationship_code = 'subscriber' OR member_name ILIKE '%elena%')");
  assert.deepEqual(
    both?.parts.who.people.map((p) => p.firstName),
    ['Elena', 'Daniel'],
  );
  assert.match(both?.text ?? '', /you and Daniel \(your spouse\)/);
});

test('a private person is named as private; a family-wide query says who is not included', () => {
  const sophie = read("member_name ILIKE '%Sophie%'");
  assert.deepEqual(
    sophie?.parts.who.people.map((p) => [p.firstName, p.visible]),
    [['Sophie', false]],
  );
  assert.match(sophie?.text ?? '', /Sophie \(your daughter, private\)/);
  assert.match(sophie?.text ?? '', /Sophie's claims are private/);
  const family = read("claim_date >= DATE '2026-01-01'");
  assert.equal(family?.parts.who.scope, 'family');
  assert.deepEqual(
    family?.parts.who.people.map((p) => p.firstName),
    ['Elena', 'Daniel', 'Lucas'],
  );
  assert.deepEqual(
    family?.parts.who.notIncluded.map((p) => p.firstName),
    ['Sophie'],
  );
  assert.match(family?.text ?? '', /your family \(you, Daniel and Lucas\)/);
});

test('date arithmetic becomes a concrete range', () => {
  const cases: [string, string | undefined, string | undefined, RegExp][] = [
    [
      "claim_date >= date_trunc('year', DATE '2026-12-01')::date AND claim_date < (date_trunc('year', DATE '2026-12-01') + INTERVAL '1 year')::date",
      '2026-01-01',
      '2026-12-31',
      /in 2026/,
    ],
    ["claim_date >= CURRENT_DATE - INTERVAL '12 months'", '2025-12-01', undefined, /since December 1, 2025/],
    ["claim_date BETWEEN '2026-03-01' AND '2026-06-30'", '2026-03-01', '2026-06-30', /from March 1 to June 30, 2026/],
    ['extract(year FROM claim_date) = 2025', '2025-01-01', '2025-12-31', /in 2025/],
    [
      'extract(year FROM claim_date) = 2026 AND extract(month FROM claim_date) = 3',
      '2026-03-01',
      '2026-03-31',
      /in March 2026/,
    ],
    [
      "claim_date >= make_date(extract(year FROM DATE '2026-12-01')::int, 9, 1) AND claim_date < (make_date(2026, 9, 1) + INTERVAL '1 month')::date",
      '2026-09-01',
      '2026-09-30',
      /in September 2026/,
    ],
    ["claim_date = DATE '2026-01-19'", '2026-01-19', '2026-01-19', /on January 19, 2026/],
  ];
  for (const [where, from, to, text] of cases) {
    const r = read(where);
    assert.equal(r?.parts.dates.from, from, where);
    assert.equal(r?.parts.dates.to, to, where);
    assert.match(r?.text ?? '', text, where);
    assert.equal(r?.parts.unexplained, 0, where);
  }
});

test('measures in member words', () => {
  assert.match(read('true = true', 'sum(allowed_amount)')?.text ?? '', /total of the full cost/);
  const both = read("relationship_code = 'son'", 'sum(allowed_amount) AS a, sum(patient_responsibility) AS b');
  assert.deepEqual(both?.parts.measure.columns, ['allowed_amount', 'patient_responsibility']);
  assert.equal(both?.parts.measure.kind, 'total');
  assert.equal(read("claim_type = 'RX'", 'round(avg(plan_paid_amount), 2)')?.parts.measure.kind, 'average');
  assert.equal(read("claim_type = 'RX'", 'count(DISTINCT provider_name)')?.parts.measure.kind, 'provider_count');
  const latest = interpretSql(
    `SELECT claim_date, provider_name FROM claims_history WHERE member_id = ${M} AND claim_type = 'RX' ORDER BY claim_date DESC LIMIT 1`,
    { roster: elena, today },
  );
  assert.equal(latest?.parts.measure.kind, 'latest');
  const largest = interpretSql(
    `SELECT claim_date, charged_amount FROM claims_history WHERE member_id = ${M} AND claim_type = 'RX' AND charged_amount = (SELECT max(charged_amount) FROM claims_history WHERE member_id = ${M} AND claim_type = 'RX')`,
    { roster: elena, today },
  );
  assert.equal(largest?.parts.measure.kind, 'largest');
  assert.match(largest?.text ?? '', /highest amount billed/);
  // A sub-query over different claims is not "the largest of these": said, not guessed.
  const odd = interpretSql(
    `SELECT claim_date FROM claims_history WHERE member_id = ${M} AND claim_type = 'RX' AND charged_amount = (SELECT max(charged_amount) FROM claims_history WHERE member_id = ${M})`,
    { roster: elena, today },
  );
  assert.equal(odd?.parts.unexplained, 1);
  const top = interpretSql(
    `SELECT provider_name, count(*) AS n FROM claims_history WHERE member_id = ${M} GROUP BY provider_name ORDER BY n DESC, provider_name LIMIT 1`,
    { roster: elena, today },
  );
  assert.equal(top?.parts.measure.kind, 'top_provider');
});

test('provider, service, amount and diagnosis filters', () => {
  const r = read(
    "(provider_name ILIKE '%hospital%' OR provider_name ILIKE '%medical center%') AND charged_amount > 500 AND diagnosis_code = 'I10'",
  );
  assert.deepEqual(
    r?.parts.filters.map((f) => f.kind),
    ['service', 'amount', 'diagnosis'],
  );
  assert.match(
    r?.text ?? '',
    /at hospitals and medical centers where what the provider billed is more than \$500\.00 for high blood pressure/,
  );
  assert.match(read("provider_name ILIKE '%Greenleaf%'")?.text ?? '', /providers with "Greenleaf" in the name/);
  assert.match(
    read("procedure_code IN ('99281','99282','99283','99284','99285')")?.text ?? '',
    /emergency room visits/,
  );
  assert.match(read('patient_responsibility = 0')?.text ?? '', /is exactly \$0\.00/);
});

test('conditions it cannot read are counted and said, never dropped', () => {
  const r = read('lower(provider_name) = lower(member_name) AND length(provider_name) > 3');
  assert.equal(r?.parts.unexplained, 2);
  assert.match(r?.text ?? '', /2 conditions I can't put in plain words/);
  assert.equal(interpretSql('not sql', { roster: elena, today }), undefined);
});

test('Spanish', () => {
  const r = read("relationship_code = 'subscriber' AND claim_type = 'RX'", 'sum(plan_paid_amount)', 'es');
  assert.equal(
    r?.text,
    'Lo que busqué: el total de lo que pagó el plan en las reclamaciones de recetas de Daniel (su cónyuge) en todas las fechas registradas.',
  );
});

test('benefits: whose totals, which plan year and network, the kind of care; a family total names who is not counted', () => {
  const ctx = { roster: elena, today };
  const mine = interpretSql(
    "SELECT b.deductible_individual, a.deductible_met, greatest(b.deductible_individual - a.deductible_met, 0) AS deductible_left, f.deductible_met AS family_deductible_met, f.includes_everyone FROM accumulators a JOIN plan_benefits b ON b.member_id = a.member_id AND b.plan_year = a.plan_year AND b.network = a.network JOIN family_accumulators f ON f.member_id = a.member_id AND f.plan_year = a.plan_year AND f.network = a.network WHERE a.member_id = 1000000001 AND a.plan_year = 2026 AND a.network = 'in_network' AND a.relationship_code = 'subscriber'",
    ctx,
  );
  assert.equal(
    mine?.text,
    "What I looked up: the deductible and how much of it Daniel (your spouse) has met, with the family's total, in the 2026 plan year, in network. Sophie's amounts are private, so they are not counted here.",
  );
  assert.deepEqual(
    mine?.parts.who.people.map((p) => p.firstName),
    ['Daniel'],
  );
  assert.equal(mine?.parts.measure.kind, 'deductible');
  assert.deepEqual([mine?.parts.dates.from, mine?.parts.dates.to], ['2026-01-01', '2026-12-31']);
  assert.equal(mine?.parts.unexplained, 0);
  const pt = interpretSql(
    "SELECT covered, copay, coinsurance_percent FROM plan_cost_sharing WHERE member_id = 1000000001 AND plan_year = 2026 AND network = 'out_of_network' AND service_category = 'physical_therapy'",
    { ...ctx, lang: 'es' },
  );
  assert.equal(
    pt?.text,
    'Lo que busqué: lo que cubre su plan y lo que usted paga (copago, coseguro, si aplica el deducible) por fisioterapia, en el año del plan 2026, fuera de la red.',
  );
  const odd = interpretSql(
    'SELECT copay FROM plan_cost_sharing WHERE member_id = 1000000001 AND plan_year = 2026 AND copay > 10',
    ctx,
  );
  assert.equal(odd?.parts.unexplained, 1);
  assert.match(odd?.text ?? '', /a condition I can't put in plain words/);
});

test('claim status, network and kind of care on claims; the N most recent with their status', () => {
  const denied = read("relationship_code = 'son' AND claim_status = 'denied'", 'claim_date, provider_name');
  assert.equal(
    denied?.text,
    'What I looked up: the list of claims of Lucas (your son) that were denied over all dates on file.',
  );
  const pending = read(
    "claim_status IN ('pending') AND service_category = 'lab' AND network = 'in_network'",
    'claim_date',
  );
  assert.match(
    pending?.text ?? '',
    /that are still pending \(not processed yet\) for lab tests at in-network providers/,
  );
  const latest = interpretSql(
    "SELECT c.claim_date, c.claim_status, d.explanation FROM claims_history c LEFT JOIN denial_reasons d ON d.reason_code = c.denial_code WHERE c.member_id = 1000000001 AND c.member_name = 'Elena Whitfield' AND c.provider_name ILIKE '%Riverside Family Medicine%' ORDER BY c.claim_date DESC LIMIT 3",
    { roster: elena, today },
  );
  assert.equal(
    latest?.text,
    'What I looked up: the 3 most recent of your claims at providers with "Riverside Family Medicine" in the name over all dates on file, with their status, with why each was denied and what you can do.',
  );
  assert.equal(latest?.parts.unexplained, 0);
});

test('codes are named in the singular or the plural (diagnoses, not "diagnosiss")', () => {
  assert.match(read("diagnosis_code IN ('J06.9', 'E11.9')")?.text ?? '', /with diagnoses J06\.9 \(colds\) and E11\.9/);
  assert.match(read("procedure_code IN ('99213', '99214')")?.text ?? '', /with procedure codes 99213/);
});
