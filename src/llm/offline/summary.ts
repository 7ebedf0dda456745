/**
 * Plain answers from rows, in English or Spanish, for a member who is not technical. Every
 * figure is copied from the rows (money as dollars and cents, counts, dates); the period is said
 * with the concrete dates of the question. Row text is data: quoted, never read as instructions.
 */
import { centsOf, money as fmtMoney, joinList, longDate, MONTHS, moneyFromCents } from '../../core/format.ts';
import type { Lang } from '../../core/language.ts';
import type { Cell, Row } from '../../core/ports.ts';
import { kinshipLabel } from '../../core/roster.ts';
import { MONEY_NOUNS, type MoneyColumn, SERVICE_KINDS } from '../../schema/vocabulary.ts';
import { addDays, parseIsoDate, toIso } from './dates.ts';
import type { Intent, Period } from './question.ts';
import { MONEY_ALIASES } from './sql-writer.ts';

/**
 * Items a list answer names in its prose. A longer list is summarised (how many, the dates they
 * span, the share they add up to) and left to the table that comes with the answer.
 */
export const MAX_LIST_LINES = 5;

/** Said when the rows are left to the table that comes with the answer. */
export const LISTED_WITH_ANSWER = 'They are listed with this answer.';
const LISTED_WITH_ANSWER_ES = 'Aparecen en la tabla con esta respuesta.';

export const NOTHING_FOUND = "I didn't find any claims that match your question.";
const NOTHING_FOUND_ES = 'No encontré reclamaciones que coincidan con su pregunta.';

export interface SummaryInput {
  readonly rows: readonly Row[];
  /** Rows the query returned (may exceed `rows.length` if the caller trimmed the list). */
  readonly rowCount: number;
  /** The question read as an intent, when it could be; used only for wording. */
  readonly intent?: Intent;
  readonly lang?: Lang;
}

/** Cell text safe to quote: one line, no control characters, bounded length. */
export function cellText(value: Cell | undefined): string {
  if (value === null || value === undefined) return 'none';
  const text = String(value)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function money(value: Cell | undefined): string {
  return fmtMoney(value) ?? '$0.00';
}

function dateText(value: Cell | undefined, lang: Lang): string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)
    ? longDate(value.slice(0, 10), lang)
    : cellText(value);
}

function countValue(value: Cell | undefined): number | undefined {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
  return n !== undefined && Number.isSafeInteger(n) ? n : undefined;
}

const cap = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

// ---------------------------------------------------------------- wording from the intent

interface Who {
  /** 'you', 'Daniel', 'your family' */
  subject: string;
  /** 'your', "Daniel's", "your family's" */
  possessive: string;
  self: boolean;
}

function whoOf(intent: Intent | undefined, lang: Lang): Who {
  const es = lang === 'es';
  const people = intent?.people;
  if (!people || people.kind === 'family') {
    return es
      ? { subject: 'su familia', possessive: 'de su familia', self: false }
      : { subject: 'your family', possessive: "your family's", self: false };
  }
  if (people.kind === 'self')
    return es
      ? { subject: 'usted', possessive: 'sus', self: true }
      : { subject: 'you', possessive: 'your', self: true };
  let names: string[];
  let self = false;
  if (people.kind === 'people') {
    // Only people whose claims the asker may see are named: a private person's claims are not in the figures.
    const shown = people.people.filter((p) => p.visible);
    self = shown.length === 1 && shown[0]?.kinship === 'self';
    names = shown.map((p) =>
      p.kinship === 'self' ? (es ? 'usted' : 'you') : `${p.firstName} (${kinshipLabel(p.kinship, lang)})`,
    );
  } else if (people.kind === 'codes') {
    names = people.codes.map((c) => (es ? c : `your ${c === 'spouse' ? 'spouse' : c}`));
  } else {
    names = [...people.names];
  }
  if (self) return es ? { subject: 'usted', possessive: 'sus', self } : { subject: 'you', possessive: 'your', self };
  const joined = joinList(names, lang);
  return es
    ? { subject: joined, possessive: `de ${joined}`, self }
    : { subject: joined, possessive: `${joined}'s`, self };
}

function typeWord(intent: Intent | undefined, lang: Lang): string {
  if (lang === 'es')
    return intent?.claimType === 'RX' ? ' de recetas' : intent?.claimType === 'Medical' ? ' médicas' : '';
  return intent?.claimType === 'RX' ? 'prescription ' : intent?.claimType === 'Medical' ? 'medical ' : '';
}

function periodWords(p: Period | undefined, lang: Lang): string {
  const es = lang === 'es';
  if (!p) return '';
  const from = p.from;
  const to = p.until ? toIso(addDays(parseIsoDate(p.until) ?? { year: 1900, month: 1, day: 1 }, -1)) : undefined;
  if (from && to) {
    if (from === to) return es ? ` el ${longDate(from, lang)}` : ` on ${longDate(from)}`;
    if (from.slice(5) === '01-01' && to.slice(5) === '12-31' && from.slice(0, 4) === to.slice(0, 4))
      return es ? ` en ${from.slice(0, 4)}` : ` in ${from.slice(0, 4)}`;
    const a = parseIsoDate(from);
    const b = parseIsoDate(to);
    if (a && b && a.day === 1 && a.year === b.year && a.month === b.month && toIso(addDays(b, 1)).slice(8) === '01') {
      const month = MONTHS[lang][a.month - 1];
      return es ? ` en ${month} de ${a.year}` : ` in ${month} ${a.year}`;
    }
    return es ? ` del ${longDate(from, lang)} al ${longDate(to, lang)}` : ` from ${longDate(from)} to ${longDate(to)}`;
  }
  if (from) return es ? ` desde el ${longDate(from, lang)}` : ` since ${longDate(from)}`;
  if (to) return es ? ` hasta el ${longDate(to, lang)}` : ` up to ${longDate(to)}`;
  return '';
}

function whereWords(intent: Intent | undefined, lang: Lang): string {
  if (!intent) return '';
  const es = lang === 'es';
  const parts: string[] = [];
  if (intent.provider) parts.push(`${es ? 'en' : 'at'} ${intent.provider.replace(/^%|%$/g, '').replace(/%/g, ' ')}`);
  if (intent.service === 'er') parts.push(es ? 'en la sala de emergencias' : 'at the emergency room');
  else if (intent.service) {
    const kind = SERVICE_KINDS.find((k) => k.key === intent.service);
    if (kind?.category) parts.push(`${es ? 'de' : 'for'} ${es ? kind.es : kind.en}`);
    else if (kind) parts.push(`${es ? 'en' : 'at'} ${es ? kind.es : kind.en}`);
  }
  return parts.length ? ` ${parts.join(' ')}` : '';
}

function moneyLabel(col: MoneyColumn, who: Who, lang: Lang): string {
  if (col === 'patient_responsibility') {
    if (lang === 'es')
      return who.self ? 'su parte (lo que pagó de su bolsillo)' : `la parte de bolsillo ${who.possessive}`;
    return who.self ? 'your share (what you paid out of pocket)' : `${who.possessive} out-of-pocket share`;
  }
  if (col === 'copay_amount') {
    if (lang === 'es') return who.self ? 'el total de sus copagos' : `el total de copagos ${who.possessive}`;
    return who.self ? 'your copay total' : `${who.possessive} copay total`;
  }
  if (col === 'coinsurance_amount') {
    if (lang === 'es') return who.self ? 'su coseguro' : `el coseguro ${who.possessive}`;
    return who.self ? 'your coinsurance' : `${who.possessive} coinsurance`;
  }
  if (col === 'deductible_amount') {
    if (lang === 'es')
      return who.self ? 'lo que pagó hacia su deducible' : `lo aplicado al deducible ${who.possessive}`;
    return who.self ? 'what you paid toward your deductible' : `what went toward ${who.possessive} deductible`;
  }
  if (lang === 'es')
    return {
      charged_amount: 'lo facturado',
      allowed_amount: 'el costo total (monto permitido)',
      plan_paid_amount: 'lo que pagó el plan',
    }[col];
  return {
    charged_amount: 'the amount billed',
    allowed_amount: 'the full cost (the allowed amount)',
    plan_paid_amount: 'what the plan paid',
  }[col];
}

// ---------------------------------------------------------------- shapes

function keysOf(row: Row | undefined): string[] {
  return row ? Object.keys(row) : [];
}

function claimLine(row: Row, who: Who, lang: Lang): string {
  const es = lang === 'es';
  const bits = [dateText(row.claim_date, lang)];
  const head: string[] = [];
  if (row.member_name !== undefined) head.push(cellText(row.member_name));
  if (row.claim_type !== undefined)
    head.push(row.claim_type === 'RX' ? (es ? 'receta' : 'prescription') : es ? 'médica' : 'medical');
  if (row.provider_name !== undefined) head.push(`${es ? 'en' : 'at'} ${cellText(row.provider_name)}`);
  const amounts: string[] = [];
  if (row.charged_amount !== undefined) amounts.push(`${es ? 'facturado' : 'billed'} ${money(row.charged_amount)}`);
  if (row.allowed_amount !== undefined)
    amounts.push(`${es ? 'costo total' : 'full cost'} ${money(row.allowed_amount)}`);
  if (row.plan_paid_amount !== undefined)
    amounts.push(`${es ? 'el plan pagó' : 'plan paid'} ${money(row.plan_paid_amount)}`);
  if (row.patient_responsibility !== undefined)
    amounts.push(
      `${who.self ? (es ? 'su parte' : 'your share') : es ? 'parte de bolsillo' : 'out-of-pocket share'} ${money(row.patient_responsibility)}`,
    );
  return `${bits.join('')}: ${head.join(', ')}${amounts.length ? ` (${amounts.join(', ')})` : ''}`;
}

function isClaimRow(row: Row | undefined): boolean {
  const k = keysOf(row);
  return k.includes('claim_date') && (k.includes('provider_name') || k.includes('charged_amount'));
}

function claimRows(rows: readonly Row[], total: number, intent: Intent | undefined, lang: Lang): string {
  const es = lang === 'es';
  const who = whoOf(intent, lang);
  const measure = intent?.measure;
  if (rows.length === 1 && rows[0] && measure && measure !== 'list') {
    const label =
      measure === 'latest'
        ? es
          ? 'La reclamación más reciente'
          : 'The most recent claim'
        : measure === 'earliest'
          ? es
            ? 'La primera reclamación'
            : 'The earliest claim'
          : measure === 'max'
            ? es
              ? `La reclamación con el mayor ${MONEY_NOUNS.es[intent?.columns[0] ?? 'charged_amount']}`
              : `The claim with the highest ${MONEY_NOUNS.en[intent?.columns[0] ?? 'charged_amount']}`
            : measure === 'min'
              ? es
                ? `La reclamación con el menor ${MONEY_NOUNS.es[intent?.columns[0] ?? 'charged_amount']}`
                : `The claim with the lowest ${MONEY_NOUNS.en[intent?.columns[0] ?? 'charged_amount']}`
              : es
                ? 'La reclamación'
                : 'The claim';
    return `${label}${es ? ' es' : ' is'}: ${claimLine(rows[0], who, lang)}.`;
  }
  // Several claims: how many, the dates they span and the share they add up to (a sum of the
  // listed rows); the claims themselves are the table that comes with the answer.
  const type = typeWord(intent, lang);
  const scope = `${whereWords(intent, lang)}${periodWords(intent?.period, lang)}`;
  const dates = rows
    .map((r) => (typeof r.claim_date === 'string' ? r.claim_date.slice(0, 10) : ''))
    .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))
    .sort();
  const first = dates[0];
  const last = dates.at(-1);
  let span = '';
  if (first && last && first !== last)
    span = es
      ? `, del ${longDate(first, lang)} al ${longDate(last, lang)}`
      : `, from ${longDate(first)} to ${longDate(last)}`;
  else if (first) span = es ? `, el ${longDate(first, lang)}` : `, on ${longDate(first)}`;
  let shareCents: bigint | undefined = rows.every((r) => 'patient_responsibility' in r) ? 0n : undefined;
  for (const r of rows) {
    const c = centsOf(r.patient_responsibility);
    shareCents = shareCents === undefined || c === undefined ? undefined : shareCents + c;
  }
  let share = '';
  if (shareCents !== undefined)
    share = es
      ? ` La parte de bolsillo de ellas suma ${moneyFromCents(shareCents)}.`
      : ` The out-of-pocket share for them adds up to ${moneyFromCents(shareCents)}.`;
  return es
    ? `Encontré ${total} reclamaci${total === 1 ? 'ón' : 'ones'}${type}${scope}${span}.${share} ${LISTED_WITH_ANSWER_ES}`
    : `I found ${total} ${type}claim${total === 1 ? '' : 's'}${scope}${span}.${share} ${LISTED_WITH_ANSWER}`;
}

function genericRow(row: Row, lang: Lang): string {
  return Object.entries(row)
    .map(([k, v]) => {
      const key = cellText(k).replace(/_/g, ' ');
      const isMoney =
        /amount|paid|spent|spend|cost|total|responsib|pocket|price|charge|owe|sum|avg|average|share|billed/i.test(k) &&
        !/count|number/i.test(k);
      const value =
        isMoney && fmtMoney(v)
          ? money(v)
          : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)
            ? dateText(v, lang)
            : cellText(v);
      return `${key}: ${value}`;
    })
    .join(', ');
}

/**
 * A short answer for the member.
 *
 * @example
 * summarize({ rows: [{ claim_count: 12 }], rowCount: 1, intent }) // 'You had 12 prescription claims in 2026.'
 */
export function summarize(input: SummaryInput): string {
  const { rows, intent } = input;
  const lang = input.lang ?? intent?.lang ?? 'en';
  const es = lang === 'es';
  const total = Math.max(input.rowCount, rows.length);
  const first = rows[0];
  if (total === 0 || !first) return es ? NOTHING_FOUND_ES : NOTHING_FOUND;
  const who = whoOf(intent, lang);
  const type = typeWord(intent, lang);
  const scope = `${whereWords(intent, lang)}${periodWords(intent?.period, lang)}`;
  const keys = keysOf(first);

  if (rows.length === 1 && keys.length === 1 && keys[0] === 'claim_count') {
    const n = countValue(first.claim_count);
    if (n !== undefined) {
      if (es)
        return `${cap(who.subject)} ${who.self ? 'tuvo' : 'tuvo'} ${n} reclamaci${n === 1 ? 'ón' : 'ones'}${type}${scope}.`;
      return `${cap(who.subject)} had ${n === 0 ? `no ${type}claims` : `${n} ${type}claim${n === 1 ? '' : 's'}`}${scope}.`;
    }
  }
  if (rows.length === 1 && keys.length === 1 && keys[0] === 'provider_count') {
    const n = countValue(first.provider_count);
    if (n !== undefined) {
      return es
        ? `${cap(who.subject)} vio a ${n} proveedor${n === 1 ? '' : 'es'} distinto${n === 1 ? '' : 's'}${scope}.`
        : `${cap(who.subject)} saw ${n} different provider${n === 1 ? '' : 's'}${scope}.`;
    }
  }
  // Sums and averages: one value per money column, in the order the intent says them.
  const moneyKeys = (prefix: string) =>
    (intent?.columns ?? [])
      .map((c) => [c, `${prefix}${MONEY_ALIASES[c]}`] as const)
      .filter(([, k]) => keys.includes(k));
  for (const prefix of ['', 'average_']) {
    const found = moneyKeys(prefix);
    if (rows.length === 1 && found.length > 0 && found.length === keys.length) {
      if (found.every(([, k]) => first[k] === null)) return es ? NOTHING_FOUND_ES : NOTHING_FOUND;
      const what = es
        ? `las reclamaciones${type} ${who.self ? 'suyas' : who.possessive}${scope}`
        : who.self
          ? `your ${type}claims${scope}`
          : `the ${type}claims of ${who.subject}${scope}`;
      const avg = prefix === 'average_';
      if (
        found.length === 2 &&
        found[0]?.[0] === 'allowed_amount' &&
        found[1]?.[0] === 'patient_responsibility' &&
        !avg
      ) {
        const [a, b] = [money(first[found[0][1]]), money(first[found[1][1]])];
        return es
          ? `El costo total (monto permitido) de ${what} fue ${a}; ${who.self ? 'su parte, lo que pagó de su bolsillo,' : 'la parte de bolsillo'} fue ${b}.`
          : `${cap(what)} cost ${a} in total (the full allowed cost); ${who.self ? 'your share, what you paid out of pocket,' : 'the out-of-pocket share'} was ${b}.`;
      }
      const parts = found.map(
        ([c, k]) =>
          `${moneyLabel(c, who, lang)}${avg ? (es ? ' por reclamación' : ' per claim') : ''} ${es ? 'fue' : 'was'} ${money(first[k])}`,
      );
      return es
        ? `${avg ? 'En promedio, para' : 'Para'} ${what}, ${joinList(parts, lang)}.`
        : `${avg ? 'On average, for' : 'For'} ${what}, ${joinList(parts, lang)}.`;
    }
  }
  if (rows.length === 1 && keys.length === 2 && keys.includes('provider_name') && keys.includes('visit_count')) {
    const n = countValue(first.visit_count);
    return es
      ? `El proveedor que más aparece${scope} es ${cellText(first.provider_name)}, con ${n} reclamaci${n === 1 ? 'ón' : 'ones'}.`
      : `The provider that appears most often${scope} is ${cellText(first.provider_name)}, with ${n} claim${n === 1 ? '' : 's'}.`;
  }
  if (keys.length === 1 && keys[0] === 'provider_name') {
    const head = es
      ? `${cap(who.subject)} tuvo reclamaciones${type} con ${total} proveedor${total === 1 ? '' : 'es'}${scope}`
      : `${cap(who.subject)} had ${type}claims with ${total} provider${total === 1 ? '' : 's'}${scope}`;
    if (total > MAX_LIST_LINES) return `${head}. ${es ? LISTED_WITH_ANSWER_ES : LISTED_WITH_ANSWER}`;
    return `${head}: ${joinList(
      rows.map((r) => cellText(r.provider_name)),
      lang,
    )}.`;
  }
  if (isClaimRow(first)) return claimRows(rows, total, intent, lang);
  if (rows.length === 1)
    return `${es ? 'Esto es lo que encontré' : "Here's what I found"}: ${genericRow(first, lang)}.`;
  if (total > MAX_LIST_LINES)
    return es
      ? `Encontré ${total} resultados. ${LISTED_WITH_ANSWER_ES}`
      : `I found ${total} results. ${LISTED_WITH_ANSWER}`;
  const lines = rows.map((r) => `- ${genericRow(r, lang)}`);
  return [es ? `Encontré ${total} resultados:` : `I found ${total} results:`, ...lines].join('\n');
}
