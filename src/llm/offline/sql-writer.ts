/**
 * Writes PostgreSQL over `claims_history` for an intent. Every query is
 * `FROM claims_history WHERE member_id = <id> AND ...`, the member scope a top-level conjunct;
 * the validator still checks it like any model's SQL. Dates are literals computed from `<today>`.
 */
import type { Asker } from '../../core/ports.ts';
import { type Intent, Measure, type PersonRef, safeLiteralText } from './question.ts';

const CLAIM_COLUMNS =
  'claim_date, member_name, relationship_code, claim_type, provider_name, ndc_code, procedure_code, diagnosis_code, charged_amount, allowed_amount, plan_paid_amount, patient_responsibility';

/** A SQL string literal: quotes doubled, text kept to safe characters. */
export function sqlString(text: string): string {
  return `'${safeLiteralText(text).replace(/'/g, "''")}'`;
}

function personCondition(p: PersonRef, asker: Asker | undefined): string {
  switch (p.kind) {
    case 'self':
      return !asker || asker.relationship === 'subscriber'
        ? "relationship_code = 'subscriber'"
        : `member_name = ${sqlString(asker.name)}`;
    case 'relationship':
      return p.codes.length === 1
        ? `relationship_code = '${p.codes[0]}'`
        : `relationship_code IN (${p.codes.map((c) => `'${c}'`).join(', ')})`;
    case 'name':
      return ilike('member_name', p.name);
  }
}

/** `member_name ILIKE '%Emma%'` — the pattern built from the safe name. */
function ilike(column: string, text: string): string {
  return `${column} ILIKE '%${safeLiteralText(text).replace(/'/g, "''")}%'`;
}

function conditions(intent: Intent, memberId: string, asker: Asker | undefined): string[] {
  const where = [`member_id = ${memberId}`];
  const people = intent.people.map((p) => personCondition(p, asker));
  if (people.length === 1 && people[0]) where.push(people[0]);
  if (people.length > 1) where.push(`(${people.join(' OR ')})`);
  if (intent.claimType) where.push(`claim_type = '${intent.claimType}'`);
  const period = intent.period;
  if (period?.on) where.push(`claim_date = DATE '${period.on}'`);
  if (period?.from) where.push(`claim_date >= DATE '${period.from}'`);
  if (period?.until) where.push(`claim_date < DATE '${period.until}'`);
  if (intent.provider) where.push(ilike('provider_name', intent.provider));
  return where;
}

/**
 * The SQL for an intent. `memberId` must be digits (it is written as a number literal).
 *
 * @example
 * writeSql({ people: [], measure: 'count', claimType: 'RX' }, '1000000001', asker)
 * // "SELECT count(*) AS claim_count FROM claims_history WHERE member_id = 1000000001 AND claim_type = 'RX'"
 */
export function writeSql(intent: Intent, memberId: string, asker?: Asker): string {
  if (!/^\d{1,19}$/.test(memberId)) throw new Error('member id must be digits');
  const from = `FROM claims_history WHERE ${conditions(intent, memberId, asker).join(' AND ')}`;
  switch (intent.measure) {
    case Measure.COUNT:
      return `SELECT count(*) AS claim_count ${from}`;
    case Measure.PROVIDER_COUNT:
      return `SELECT count(DISTINCT provider_name) AS provider_count ${from}`;
    case Measure.TOTAL_SPENT:
      return `SELECT sum(allowed_amount) AS total_spent ${from}`;
    case Measure.PLAN_PAID:
      return `SELECT sum(plan_paid_amount) AS plan_paid ${from}`;
    case Measure.OUT_OF_POCKET:
      return `SELECT sum(patient_responsibility) AS out_of_pocket ${from}`;
    case Measure.LARGEST:
      return `SELECT ${CLAIM_COLUMNS} ${from} ORDER BY charged_amount DESC LIMIT 1`;
    case Measure.LATEST:
      return `SELECT ${CLAIM_COLUMNS} ${from} ORDER BY claim_date DESC LIMIT 1`;
    case Measure.TOP_PROVIDER:
      return `SELECT provider_name, count(*) AS visit_count ${from} GROUP BY provider_name ORDER BY count(*) DESC, provider_name LIMIT 1`;
    case Measure.PROVIDERS:
      return `SELECT DISTINCT provider_name ${from} ORDER BY provider_name`;
    case Measure.LIST:
      return `SELECT ${CLAIM_COLUMNS} ${from} ORDER BY claim_date DESC`;
  }
}
