import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateSql } from '../../validate/index.ts';
import { type Intent, Measure } from './question.ts';
import { sqlString, writeSql } from './sql-writer.ts';

const M = '1000000001';
const base: Intent = { lang: 'en', people: { kind: 'family' }, measure: 'count', columns: [], amounts: [] };
const daniel = {
  fullName: 'Daniel Whitfield',
  firstName: 'Daniel',
  relationship: 'subscriber',
  kinship: 'spouse',
  visible: true,
} as const;
const lucas = {
  fullName: 'Lucas Whitfield',
  firstName: 'Lucas',
  relationship: 'son',
  kinship: 'son',
  visible: true,
} as const;

describe('writeSql', () => {
  it('names the subscriber by code and everyone else by full name', () => {
    assert.equal(
      writeSql({ ...base, people: { kind: 'people', people: [daniel, lucas] } }, M),
      "SELECT count(*) AS claim_count FROM claims_history WHERE member_id = 1000000001 AND (relationship_code = 'subscriber' OR member_name = 'Lucas Whitfield')",
    );
  });

  it('spend is both the full cost and the member share; averages are rounded to cents', () => {
    assert.match(
      writeSql({ ...base, measure: 'sum', columns: ['allowed_amount', 'patient_responsibility'] }, M),
      /^SELECT sum\(allowed_amount\) AS full_cost, sum\(patient_responsibility\) AS member_share FROM/,
    );
    assert.match(
      writeSql({ ...base, measure: 'avg', columns: ['charged_amount'] }, M),
      /round\(avg\(charged_amount\), 2\)/,
    );
  });

  it('largest and latest pick the claims whose value is the extreme over the same conditions', () => {
    const sql = writeSql({ ...base, measure: 'max', columns: ['allowed_amount'], claimType: 'RX' }, M);
    assert.match(
      sql,
      /AND claim_type = 'RX' AND allowed_amount = \(SELECT max\(allowed_amount\) FROM claims_history WHERE member_id = 1000000001 AND claim_type = 'RX'\)/,
    );
  });

  it('kinds of care, ER codes, diagnoses, amounts and dates', () => {
    const sql = writeSql(
      {
        ...base,
        service: 'hospital',
        diagnosis: ['I10'],
        amounts: [{ column: 'charged_amount', op: '>', value: 500 }],
        period: { from: '2026-03-01', until: '2026-04-01' },
      },
      M,
    );
    assert.match(
      sql,
      /\(provider_name ILIKE '%hospital%' OR provider_name ILIKE '%medical center%'\) AND diagnosis_code = 'I10' AND charged_amount > 500 AND claim_date >= DATE '2026-03-01' AND claim_date < DATE '2026-04-01'$/,
    );
    assert.match(
      writeSql({ ...base, service: 'er' }, M),
      /procedure_code IN \('99281', '99282', '99283', '99284', '99285'\)/,
    );
  });

  it('every shape passes the validator', () => {
    for (const measure of [
      'list',
      'count',
      'sum',
      'avg',
      'max',
      'min',
      'latest',
      'earliest',
      'providers',
      'provider_count',
      'top_provider',
    ] as const) {
      const sql = writeSql({ ...base, measure, columns: ['plan_paid_amount'], provider: '%Valley%General%' }, M);
      assert.equal(validateSql(sql, { memberId: M }).ok, true, sql);
    }
  });

  it('never writes * over claims_history, for any measure: only count(*) (the validator refuses SELECT *)', () => {
    for (const measure of Object.values(Measure)) {
      const sql = writeSql({ ...base, measure, columns: ['allowed_amount'], claimType: 'RX' }, M);
      assert.doesNotMatch(sql.replace(/count\(\*\)/gi, ''), /\*/, measure);
    }
  });

  it('quotes text safely', () => {
    assert.equal(sqlString("O'Brien; DROP"), "'O''Brien DROP'");
    assert.throws(() => writeSql(base, '1 OR 1=1'));
  });

  it('filters a kind of care on service_category when the claims carry it, and drops a claim type it implies', () => {
    assert.equal(
      writeSql({ ...base, service: 'chiropractic', claimType: 'Medical' }, M),
      "SELECT count(*) AS claim_count FROM claims_history WHERE member_id = 1000000001 AND service_category = 'chiropractic'",
    );
    assert.equal(
      writeSql({ ...base, service: 'physical_therapy', claimType: 'Medical' }, M),
      "SELECT count(*) AS claim_count FROM claims_history WHERE member_id = 1000000001 AND provider_name ILIKE '%physical therapy%'",
    );
    // Prescriptions of a kind of care are not implied by it: the claim type stays.
    assert.match(writeSql({ ...base, service: 'preventive_care', claimType: 'RX' }, M), /claim_type = 'RX'/);
    for (const service of ['chiropractic', 'occupational_therapy', 'speech_therapy', 'preventive_care']) {
      const sql = writeSql({ ...base, service, measure: Measure.LIST }, M);
      assert.ok(validateSql(sql, { memberId: M }).ok, sql);
    }
  });
});
