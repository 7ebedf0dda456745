/**
 * The rows an answer was built from, as a table a member can read: each column with a label in
 * member words and a type the page formats and sorts by (date, money, count, text), enumerations
 * in words ("Prescription", not "RX"), and a plain description next to each drug, procedure and
 * diagnosis code the lookup knows (src/schema/codes.ts). Values stay exact: money is the decimal
 * string the database returned, dates 'YYYY-MM-DD'. Internal columns (person_id) are left out.
 */
import { type CodeColumn, describeCode } from '../schema/codes.ts';
import type { Cell, Row } from './ports.ts';

export type ColumnType = 'date' | 'money' | 'count' | 'text';

export interface TableColumn {
  readonly key: string;
  readonly label: string;
  readonly type: ColumnType;
}

export interface ClaimsTable {
  /** 'claims' when every row is one claim (it has a date); 'results' for totals, counts, providers. */
  readonly kind: 'claims' | 'results';
  readonly columns: readonly TableColumn[];
  readonly rows: readonly Readonly<Record<string, Cell>>[];
}

/** Known columns (the catalog's, and the aliases prompts ask a model to use). */
const KNOWN: Readonly<Record<string, { label: string; type: ColumnType }>> = {
  claim_id: { label: 'Claim number', type: 'text' },
  claim_date: { label: 'Date', type: 'date' },
  member_name: { label: 'Who', type: 'text' },
  relationship_code: { label: 'Relationship', type: 'text' },
  claim_type: { label: 'Type', type: 'text' },
  provider_name: { label: 'Provider', type: 'text' },
  diagnosis_code: { label: 'Diagnosis code', type: 'text' },
  procedure_code: { label: 'Service code', type: 'text' },
  ndc_code: { label: 'Drug code', type: 'text' },
  charged_amount: { label: 'Billed', type: 'money' },
  allowed_amount: { label: 'Full cost (allowed)', type: 'money' },
  plan_paid_amount: { label: 'Plan paid', type: 'money' },
  patient_responsibility: { label: 'Out-of-pocket share', type: 'money' },
  claim_count: { label: 'Number of claims', type: 'count' },
  provider_count: { label: 'Number of providers', type: 'count' },
  visit_count: { label: 'Visits', type: 'count' },
  visits: { label: 'Visits', type: 'count' },
  copay_amount: { label: 'Copay', type: 'money' },
  coinsurance_amount: { label: 'Coinsurance', type: 'money' },
  deductible_amount: { label: 'Toward the deductible', type: 'money' },
  total_spent: { label: 'Full cost (allowed)', type: 'money' },
  full_cost: { label: 'Full cost (allowed)', type: 'money' },
  member_share: { label: 'Out-of-pocket share', type: 'money' },
  billed: { label: 'Billed', type: 'money' },
  copays: { label: 'Copays', type: 'money' },
  coinsurance: { label: 'Coinsurance', type: 'money' },
  toward_deductible: { label: 'Toward the deductible', type: 'money' },
  plan_paid: { label: 'Plan paid', type: 'money' },
  out_of_pocket: { label: 'Out-of-pocket share', type: 'money' },
};

/** The plain-word column placed before each code column. */
const DESCRIBED: Readonly<Record<CodeColumn, { key: string; label: string }>> = {
  ndc_code: { key: 'drug', label: 'Drug' },
  procedure_code: { key: 'service', label: 'Service' },
  diagnosis_code: { key: 'condition', label: 'Condition' },
};

const HIDDEN = new Set(['person_id']);

const WORDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  claim_type: { RX: 'Prescription', Medical: 'Medical' },
  relationship_code: {
    subscriber: 'Plan holder',
    spouse: 'Spouse',
    son: 'Son',
    daughter: 'Daughter',
    other: 'Family member',
  },
};

const MONEY_KEY =
  /amount|paid|spent|spend|cost|total|responsib|pocket|price|charge|owe|sum|avg|average|copay|share|billed/i;

function isCodeColumn(key: string): key is CodeColumn {
  return Object.hasOwn(DESCRIBED, key);
}

/** A column the catalog does not name: labelled from its name, typed from its values. */
function guessColumn(key: string, rows: readonly Row[]): TableColumn {
  const words = key.replace(/_/g, ' ').trim();
  const label = words ? words.charAt(0).toUpperCase() + words.slice(1) : 'Value';
  const values = rows.map((r) => r[key]).filter((v) => v !== null && v !== undefined);
  const all = (test: (v: Cell) => boolean) => values.length > 0 && values.every(test);
  let type: ColumnType = 'text';
  if (all((v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v))) type = 'date';
  else if (MONEY_KEY.test(key) && !/count|number/i.test(key) && all((v) => /^-?\d+(\.\d+)?$/.test(String(v))))
    type = 'money';
  else if (all((v) => /^-?\d+$/.test(String(v)))) type = 'count';
  return { key, label, type };
}

/**
 * The table for an answer's rows; undefined when there are none.
 *
 * @example
 * claimsTable([{ claim_date: '2026-01-19', claim_type: 'RX', ndc_code: '00093-4155-73', patient_responsibility: '12.50' }])
 * // { kind: 'claims', columns: [Date, Type, Drug, Drug code, Out-of-pocket share],
 * //   rows: [{ claim_date: '2026-01-19', claim_type: 'Prescription', drug: 'Amoxicillin (antibiotic)', ndc_code: '00093-4155-73', patient_responsibility: '12.50' }] }
 */
export function claimsTable(rows: readonly Row[] | undefined): ClaimsTable | undefined {
  const first = rows?.[0];
  if (!rows || !first) return undefined;
  const keys = Object.keys(first).filter((k) => !HIDDEN.has(k));
  // A code gets its description column unless the query already has a column of that name.
  const described = (key: string): key is CodeColumn => isCodeColumn(key) && !keys.includes(DESCRIBED[key].key);
  const columns: TableColumn[] = [];
  for (const key of keys) {
    if (described(key)) columns.push({ key: DESCRIBED[key].key, label: DESCRIBED[key].label, type: 'text' });
    const known = KNOWN[key];
    columns.push(known ? { key, ...known } : guessColumn(key, rows));
  }
  const out = rows.map((row) => {
    const r: Record<string, Cell> = {};
    for (const key of keys) {
      const value = row[key] ?? null;
      if (described(key)) r[DESCRIBED[key].key] = typeof value === 'string' ? (describeCode(key, value) ?? null) : null;
      const words = WORDS[key];
      r[key] = words && typeof value === 'string' && Object.hasOwn(words, value) ? (words[value] ?? value) : value;
    }
    return r;
  });
  return { kind: keys.includes('claim_date') ? 'claims' : 'results', columns, rows: out };
}
