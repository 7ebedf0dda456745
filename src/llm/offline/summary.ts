/**
 * Plain-English answers from rows, for a member who is not technical. Row text is data:
 * it is quoted into sentences, never read as instructions. Shapes the SQL writer produces get
 * their own sentence; any other rows get a generic, readable fallback.
 */
import type { Cell, Row } from '../../core/ports.ts';
import { formatLongDate, parseIsoDate } from './dates.ts';
import { formatMoney } from './money.ts';
import type { Intent, PersonRef } from './question.ts';

/** Count columns a "most visited provider" row may carry, whoever wrote the SQL. */
const VISIT_KEYS: ReadonlySet<string> = new Set(['visit_count', 'visits', 'claim_count', 'count', 'times']);

/**
 * Items a list answer names in its prose. A longer list is summarised (how many, the dates they
 * span, the share they add up to) and left to the table that comes with the answer.
 */
export const MAX_LIST_LINES = 5;

/** Said when the rows are left to the table that comes with the answer. */
export const LISTED_WITH_ANSWER = 'They are listed with this answer.';

export const NOTHING_FOUND = "I didn't find any claims that match your question.";

export interface SummaryInput {
  readonly rows: readonly Row[];
  /** Rows the query returned (may exceed `rows.length` if the caller trimmed the list). */
  readonly rowCount: number;
  /** The question read as an intent, when it could be; used only for wording. */
  readonly intent?: Intent;
}

/** Cell text safe to quote: one line, no control characters, bounded length. */
export function cellText(value: Cell): string {
  if (value === null) return 'none';
  const text = String(value)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function money(value: Cell | undefined): string {
  return formatMoney(value ?? null) ?? '$0.00';
}

function dateText(value: Cell | undefined): string {
  const d = typeof value === 'string' ? parseIsoDate(value.slice(0, 10)) : undefined;
  return d ? formatLongDate(d) : cellText(value ?? null);
}

function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

// ---------------------------------------------------------------- wording from the intent

function personWords(p: PersonRef): { subject: string; possessive: string } {
  switch (p.kind) {
    case 'self':
      return { subject: 'you', possessive: 'your' };
    case 'relationship':
      return p.label === 'children'
        ? { subject: 'your children', possessive: "your children's" }
        : { subject: `your ${p.label}`, possessive: `your ${p.label}'s` };
    case 'name':
      return { subject: p.name, possessive: `${p.name}'s` };
  }
}

function whoWords(intent: Intent | undefined): { subject: string; possessive: string } {
  const people = intent?.people ?? [];
  if (people.length === 0) return { subject: 'your family', possessive: "your family's" };
  const words = people.map(personWords);
  if (words.length === 1 && words[0]) return words[0];
  return { subject: joinAnd(words.map((w) => w.subject)), possessive: `${joinAnd(words.map((w) => w.subject))}'s` };
}

function typeAdjective(intent: Intent | undefined): string {
  if (intent?.claimType === 'RX') return 'prescription ';
  if (intent?.claimType === 'Medical') return 'medical ';
  return '';
}

/** ' at CVS this year' */
function scopeWords(intent: Intent | undefined): string {
  const at = intent?.provider ? ` at ${intent.provider}` : '';
  const when = intent?.period ? ` ${intent.period.phrase}` : '';
  return at + when;
}

function plural(n: number | bigint, word: string): string {
  return `${n} ${word}${n === 1 || n === 1n ? '' : 's'}`;
}

// ---------------------------------------------------------------- shapes

function keysOf(row: Row | undefined): string[] {
  return row ? Object.keys(row) : [];
}

function hasOnly(row: Row | undefined, ...keys: string[]): boolean {
  const k = keysOf(row);
  return k.length === keys.length && keys.every((key) => k.includes(key));
}

function isClaimRow(row: Row | undefined): boolean {
  const k = keysOf(row);
  return k.includes('claim_date') && (k.includes('provider_name') || k.includes('charged_amount'));
}

function countValue(value: Cell | undefined): number | undefined {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
  return n !== undefined && Number.isSafeInteger(n) ? n : undefined;
}

/** A decimal sum in cents (no float drift); undefined when a value is not money. */
function sumMoney(values: readonly (Cell | undefined)[]): string | undefined {
  let cents = 0n;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(v));
    if (!m) return undefined;
    const c = BigInt(m[2] ?? '0') * 100n + BigInt((m[3] ?? '0').padEnd(2, '0'));
    cents += m[1] === '-' ? -c : c;
  }
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

function singleClaim(row: Row, intent: Intent | undefined): string {
  const label =
    intent?.measure === 'latest' ? 'The most recent' : intent?.measure === 'largest' ? 'The largest' : 'The';
  const what =
    row.claim_type === 'RX' ? 'prescription claim' : row.claim_type === 'Medical' ? 'medical claim' : 'claim';
  const parts = [`${label} ${what} I found was on ${dateText(row.claim_date)}`];
  if (row.provider_name !== undefined) parts.push(`at ${cellText(row.provider_name)}`);
  if (row.member_name !== undefined) parts.push(`for ${cellText(row.member_name)}`);
  let text = `${parts.join(' ')}.`;
  const amounts: string[] = [];
  if (row.charged_amount !== undefined) amounts.push(`the provider billed ${money(row.charged_amount)}`);
  if (row.plan_paid_amount !== undefined) amounts.push(`the plan paid ${money(row.plan_paid_amount)}`);
  if (row.patient_responsibility !== undefined) amounts.push(`your share was ${money(row.patient_responsibility)}`);
  if (amounts.length) text += ` ${sentenceCase(joinAnd(amounts))}.`;
  return text;
}

/**
 * Several claims: how many, the dates they span, and the out-of-pocket share they add up to
 * (a sum of the listed rows). The claims themselves are the table that comes with the answer.
 */
function claimList(rows: readonly Row[], total: number, intent: Intent | undefined): string {
  if (rows.length === 1 && rows[0]) return singleClaim(rows[0], intent);
  const scope = scopeWords(intent);
  const dates = rows
    .map((r) => (typeof r.claim_date === 'string' ? r.claim_date.slice(0, 10) : ''))
    .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))
    .sort();
  const first = dates[0];
  const last = dates.at(-1);
  const span =
    first && last && first !== last
      ? `, from ${dateText(first)} to ${dateText(last)}`
      : first
        ? `, on ${dateText(first)}`
        : '';
  const share = rows.every((r) => 'patient_responsibility' in r)
    ? sumMoney(rows.map((r) => r.patient_responsibility))
    : undefined;
  const shareLine = share !== undefined ? ` The out-of-pocket share for them adds up to ${money(share)}.` : '';
  return `I found ${plural(total, `${typeAdjective(intent)}claim`)}${scope}${span}.${shareLine} ${LISTED_WITH_ANSWER}`;
}

function humanKey(key: string): string {
  return cellText(key).replace(/_/g, ' ');
}

const MONEY_KEY =
  /amount|paid|spent|spend|cost|total|responsib|pocket|price|charge|owe|sum|avg|average|copay|deductible/i;

function humanValue(key: string, value: Cell): string {
  if (MONEY_KEY.test(key) && !/count|number/i.test(key)) {
    const m = formatMoney(value);
    if (m) return m;
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) return dateText(value);
  return cellText(value);
}

function genericRow(row: Row): string {
  return Object.entries(row)
    .map(([k, v]) => `${humanKey(k)}: ${humanValue(k, v)}`)
    .join(', ');
}

function generic(rows: readonly Row[], total: number): string {
  const first = rows[0];
  if (rows.length === 1 && first) {
    const entries = Object.entries(first);
    if (entries.length === 1 && entries[0]) {
      const [k, v] = entries[0];
      return `The ${humanKey(k)} is ${humanValue(k, v)}.`;
    }
    return `Here's what I found: ${genericRow(first)}.`;
  }
  if (total > MAX_LIST_LINES) return `I found ${plural(total, 'result')}. ${LISTED_WITH_ANSWER}`;
  const lines = rows.map((r) => `- ${genericRow(r)}`);
  return [`I found ${plural(total, 'result')}:`, ...lines].join('\n');
}

/**
 * A short answer for the member.
 *
 * @example
 * summarize({ rows: [{ claim_count: 12 }], rowCount: 1, intent }) // 'You had 12 prescription claims this year.'
 */
export function summarize(input: SummaryInput): string {
  const { rows, intent } = input;
  const total = Math.max(input.rowCount, rows.length);
  const first = rows[0];
  if (total === 0 || !first) return NOTHING_FOUND;
  const who = whoWords(intent);
  const scope = scopeWords(intent);
  const type = typeAdjective(intent);

  if (rows.length === 1 && hasOnly(first, 'claim_count')) {
    const n = countValue(first.claim_count);
    if (n !== undefined) {
      return `${sentenceCase(who.subject)} had ${n === 0 ? `no ${type}claims` : plural(n, `${type}claim`)}${scope}.`;
    }
  }
  if (rows.length === 1 && hasOnly(first, 'provider_count')) {
    const n = countValue(first.provider_count);
    if (n !== undefined) return `${sentenceCase(who.subject)} saw ${plural(n, 'different provider')}${scope}.`;
  }
  for (const [key, sentence] of MONEY_SENTENCES) {
    if (rows.length === 1 && hasOnly(first, key)) {
      const value = first[key];
      if (value === null || value === undefined || formatMoney(value) === undefined) return NOTHING_FOUND;
      return sentence(money(value), who, type, scope);
    }
  }
  const visitKey = keysOf(first).find((k) => VISIT_KEYS.has(k));
  if (rows.length === 1 && visitKey && hasOnly(first, 'provider_name', visitKey)) {
    const n = countValue(first[visitKey]);
    const visits = n === undefined ? '' : `, with ${plural(n, 'visit')}`;
    return `The provider ${who.subject} visited most${scope} is ${cellText(first.provider_name ?? null)}${visits}.`;
  }
  if (hasOnly(first, 'provider_name')) {
    const head = `${sentenceCase(who.subject)} visited ${plural(total, 'provider')}${scope}`;
    if (total > MAX_LIST_LINES) return `${head}. ${LISTED_WITH_ANSWER}`;
    return `${head}: ${joinAnd(rows.map((r) => cellText(r.provider_name ?? null)))}.`;
  }
  if (isClaimRow(first)) return claimList(rows, total, intent);
  return generic(rows, total);
}

type MoneySentence = (
  amount: string,
  who: { subject: string; possessive: string },
  type: string,
  scope: string,
) => string;

const MONEY_SENTENCES: readonly (readonly [string, MoneySentence])[] = [
  [
    'total_spent',
    (amount, who, type, scope) =>
      `The total for ${who.possessive} ${type}claims${scope} was ${amount} (the amount the plan allows for the care).`,
  ],
  ['plan_paid', (amount, who, type, scope) => `Your plan paid ${amount} for ${who.possessive} ${type}claims${scope}.`],
  [
    'out_of_pocket',
    (amount, who, type, scope) => `The out-of-pocket share for ${who.possessive} ${type}claims${scope} was ${amount}.`,
  ],
];
