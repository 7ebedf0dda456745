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

/** Lines shown before "and N more". */
export const MAX_LIST_LINES = 5;

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

function claimLine(row: Row): string {
  const parts = [dateText(row.claim_date)];
  const who = row.member_name !== undefined ? cellText(row.member_name) : undefined;
  const what =
    row.claim_type !== undefined
      ? row.claim_type === 'RX'
        ? 'prescription'
        : cellText(row.claim_type).toLowerCase()
      : undefined;
  const where = row.provider_name !== undefined ? cellText(row.provider_name) : undefined;
  parts.push([who, what && `${what} claim`, where && `at ${where}`].filter(Boolean).join(', '));
  const amounts: string[] = [];
  if (row.charged_amount !== undefined) amounts.push(`${money(row.charged_amount)} billed`);
  if (row.plan_paid_amount !== undefined) amounts.push(`plan paid ${money(row.plan_paid_amount)}`);
  if (row.patient_responsibility !== undefined) amounts.push(`your share ${money(row.patient_responsibility)}`);
  return `${parts.filter(Boolean).join(': ')}${amounts.length ? ` (${amounts.join(', ')})` : ''}`;
}

function moreLine(total: number, shown: number): string[] {
  return total > shown ? [`...and ${total - shown} more.`] : [];
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

function claimList(rows: readonly Row[], total: number, intent: Intent | undefined): string {
  if (rows.length === 1 && rows[0]) return singleClaim(rows[0], intent);
  const scope = scopeWords(intent);
  const head = `I found ${plural(total, `${typeAdjective(intent)}claim`)}${scope}. ${
    total > MAX_LIST_LINES ? 'Here are the most recent:' : 'Here they are:'
  }`;
  const lines = rows.slice(0, MAX_LIST_LINES).map((r) => `- ${claimLine(r)}`);
  return [head, ...lines, ...moreLine(total, lines.length)].join('\n');
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
  const lines = rows.slice(0, MAX_LIST_LINES).map((r) => `- ${genericRow(r)}`);
  return [`I found ${plural(total, 'result')}:`, ...lines, ...moreLine(total, lines.length)].join('\n');
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
    const names = rows.slice(0, MAX_LIST_LINES).map((r) => cellText(r.provider_name ?? null));
    const more = total - names.length;
    const list = more > 0 ? `${names.join(', ')} and ${more} more` : joinAnd(names);
    return `${sentenceCase(who.subject)} visited ${plural(total, 'provider')}${scope}: ${list}.`;
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
