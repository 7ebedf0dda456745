/**
 * Writes PostgreSQL over `claims_history` for an intent. Every query is
 * `FROM claims_history WHERE member_id = <id> AND ...`, the member scope a top-level conjunct;
 * the validator still checks it like any model's SQL. Dates are literals computed from `<today>`.
 */
import type { Asker } from '../../core/ports.ts';
import { ER_PROCEDURE_CODES, type MoneyColumn, SERVICE_KINDS } from '../../schema/vocabulary.ts';
import { type Intent, Measure, type People, safeLiteralText } from './question.ts';

/** The columns a claim row shows (what the summary and the member read). */
export const CLAIM_COLUMNS =
  'claim_date, member_name, relationship_code, claim_type, provider_name, ndc_code, procedure_code, diagnosis_code, charged_amount, allowed_amount, plan_paid_amount, patient_responsibility';

/** Result column names per money column. */
export const MONEY_ALIASES: Readonly<Record<MoneyColumn, string>> = {
  charged_amount: 'billed',
  allowed_amount: 'full_cost',
  plan_paid_amount: 'plan_paid',
  patient_responsibility: 'member_share',
  copay_amount: 'copays',
  coinsurance_amount: 'coinsurance',
  deductible_amount: 'toward_deductible',
};

/** A SQL string literal: quotes doubled, text kept to safe characters. */
export function sqlString(text: string): string {
  return `'${safeLiteralText(text).replace(/'/g, "''")}'`;
}

function list(values: readonly string[]): string {
  return values.map(sqlString).join(', ');
}

function peopleCondition(people: People, asker: Asker | undefined): string | undefined {
  switch (people.kind) {
    case 'family':
      return undefined;
    case 'self':
      return !asker || asker.relationship === 'subscriber'
        ? "relationship_code = 'subscriber'"
        : `member_name = ${sqlString(asker.name)}`;
    case 'codes': {
      const codes = [...new Set([...(people.self ? [asker?.relationship ?? 'subscriber'] : []), ...people.codes])];
      return codes.length === 1
        ? `relationship_code = '${codes[0]}'`
        : `relationship_code IN (${codes.map((c) => `'${c}'`).join(', ')})`;
    }
    case 'names': {
      const parts = people.names.map((n) => `member_name ILIKE ${sqlString(`%${n}%`)}`);
      if (people.self) parts.unshift(peopleCondition({ kind: 'self' }, asker) as string);
      return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
    }
    case 'people': {
      // The subscriber is the only one with that code; everyone else is named.
      const byCode = people.people.filter((p) => p.relationship === 'subscriber');
      const byName = people.people.filter((p) => p.relationship !== 'subscriber');
      const parts = [
        ...(byCode.length ? ["relationship_code = 'subscriber'"] : []),
        ...(byName.length === 1 ? [`member_name = ${sqlString(byName[0]?.fullName ?? '')}`] : []),
        ...(byName.length > 1 ? [`member_name IN (${list(byName.map((p) => p.fullName))})`] : []),
      ];
      return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
    }
  }
}

function conditions(intent: Intent, memberId: string, asker: Asker | undefined): string[] {
  const where = [`member_id = ${memberId}`];
  const who = peopleCondition(intent.people, asker);
  if (who) where.push(who);
  // A kind of medical care already says the claims are medical ("physical therapy appointments").
  if (intent.claimType && !(intent.claimType === 'Medical' && intent.service))
    where.push(`claim_type = '${intent.claimType}'`);
  if (intent.provider) where.push(`provider_name ILIKE ${sqlString(intent.provider)}`);
  if (intent.service === 'er') {
    where.push(`procedure_code IN (${ER_PROCEDURE_CODES.map((c) => `'${c}'`).join(', ')})`);
  } else if (intent.service) {
    const kind = SERVICE_KINDS.find((k) => k.key === intent.service);
    if (kind?.category) where.push(`service_category = '${kind.category}'`);
    else if (kind) {
      const parts = kind.patterns.map((p) => `provider_name ILIKE '${p}'`);
      where.push(parts.length === 1 ? (parts[0] as string) : `(${parts.join(' OR ')})`);
    }
  }
  if (intent.diagnosis?.length) {
    where.push(
      intent.diagnosis.length === 1
        ? `diagnosis_code = ${sqlString(intent.diagnosis[0] as string)}`
        : `diagnosis_code IN (${list(intent.diagnosis)})`,
    );
  }
  for (const a of intent.amounts) where.push(`${a.column} ${a.op} ${Number(a.value.toFixed(2))}`);
  const period = intent.period;
  if (period?.from) where.push(`claim_date >= DATE '${period.from}'`);
  if (period?.until) where.push(`claim_date < DATE '${period.until}'`);
  return where;
}

/**
 * The SQL for an intent. `memberId` must be digits (it is written as a number literal).
 *
 * @example
 * writeSql({ ...intent, measure: 'count', claimType: 'RX' }, '1000000001', asker)
 * // "SELECT count(*) AS claim_count FROM claims_history WHERE member_id = 1000000001 AND claim_type = 'RX'"
 */
export function writeSql(intent: Intent, memberId: string, asker?: Asker): string {
  if (!/^\d{1,19}$/.test(memberId)) throw new Error('member id must be digits');
  const where = conditions(intent, memberId, asker).join(' AND ');
  const from = `FROM claims_history WHERE ${where}`;
  const cols = intent.columns.length ? intent.columns : (['allowed_amount'] as MoneyColumn[]);
  switch (intent.measure) {
    case Measure.COUNT:
      return `SELECT count(*) AS claim_count ${from}`;
    case Measure.PROVIDER_COUNT:
      return `SELECT count(DISTINCT provider_name) AS provider_count ${from}`;
    case Measure.SUM:
      return `SELECT ${cols.map((c) => `sum(${c}) AS ${MONEY_ALIASES[c]}`).join(', ')} ${from}`;
    case Measure.AVG:
      return `SELECT ${cols.map((c) => `round(avg(${c}), 2) AS average_${MONEY_ALIASES[c]}`).join(', ')} ${from}`;
    case Measure.MAX:
    case Measure.MIN: {
      const col = cols[0] as MoneyColumn;
      const fn = intent.measure === Measure.MAX ? 'max' : 'min';
      return `SELECT ${CLAIM_COLUMNS} ${from} AND ${col} = (SELECT ${fn}(${col}) ${from}) ORDER BY claim_date DESC`;
    }
    case Measure.LATEST:
    case Measure.EARLIEST: {
      const fn = intent.measure === Measure.LATEST ? 'max' : 'min';
      return `SELECT ${CLAIM_COLUMNS} ${from} AND claim_date = (SELECT ${fn}(claim_date) ${from}) ORDER BY provider_name`;
    }
    case Measure.TOP_PROVIDER:
      return `SELECT provider_name, count(*) AS visit_count ${from} GROUP BY provider_name ORDER BY count(*) DESC, provider_name LIMIT 1`;
    case Measure.PROVIDERS:
      return `SELECT DISTINCT provider_name ${from} ORDER BY provider_name`;
    case Measure.LIST:
      return `SELECT ${CLAIM_COLUMNS} ${from} ORDER BY claim_date DESC`;
  }
}
