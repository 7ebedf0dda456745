/**
 * "What I looked up", derived from the SQL that passed validation — never from the model's
 * words. Whose claims (roster people, said relative to the asker), which type, the concrete
 * date range, provider / service / amount / diagnosis filters and the measure in member words.
 * Whatever model wrote the SQL, the member can check the reading at a glance.
 */
import { isoParts, joinList, longDate, MONTHS, moneyFromCents, previousDay } from '../core/format.ts';
import type { Lang } from '../core/language.ts';
import type { Roster } from '../core/roster.ts';
import type { ClaimType } from '../schema/catalog.ts';
import {
  CATEGORY_WORDS,
  DIAGNOSES,
  diagnosisOf,
  ER_PROCEDURE_CODES,
  isMoneyColumn,
  MONEY_NOUNS,
  MONEY_WORDS,
  type MoneyColumn,
  STATUS_WORDS,
  serviceKindOf,
} from '../schema/vocabulary.ts';
import {
  columnOf,
  columnsIn,
  conjuncts,
  isNode,
  literalOf,
  type Node,
  operatorOf,
  parseSelect,
  subquery,
  unwrap,
} from './ast.ts';
import { interpretBenefits } from './benefits.ts';
import { type DateRange, dateRangeOf } from './dates.ts';
import { PERSON_COLUMNS, type PersonPart, type Who, whoOf } from './people.ts';
import { evaluate, textPatterns } from './predicate.ts';

export type { PersonPart };

export type MeasureKind =
  | 'count'
  | 'total'
  | 'average'
  | 'highest'
  | 'lowest'
  | 'largest'
  | 'smallest'
  | 'latest'
  | 'earliest'
  | 'list'
  | 'providers'
  | 'provider_count'
  | 'top_provider'
  | 'breakdown'
  // benefits (src/interpret/benefits.ts)
  | 'deductible'
  | 'out_of_pocket'
  | 'cost_sharing'
  | 'visits';

export type FilterKind =
  | 'provider'
  | 'service'
  | 'amount'
  | 'diagnosis'
  | 'procedure'
  | 'drug'
  | 'claim'
  | 'status'
  | 'network';

export interface InterpretationParts {
  readonly who: Who;
  readonly claimType?: ClaimType;
  /** Inclusive dates ('YYYY-MM-DD'); absent = open. */
  readonly dates: { readonly from?: string; readonly to?: string; readonly text: string };
  readonly filters: readonly { readonly kind: FilterKind; readonly text: string }[];
  readonly measure: { readonly kind: MeasureKind; readonly columns: readonly MoneyColumn[]; readonly text: string };
  /** Conditions of the query that could not be put in plain words. */
  readonly unexplained: number;
}

export interface Interpretation {
  readonly text: string;
  readonly parts: InterpretationParts;
  readonly lang: Lang;
}

export interface InterpretContext {
  readonly roster: Roster;
  /** 'YYYY-MM-DD': what CURRENT_DATE means for this question. */
  readonly today: string;
  readonly lang?: Lang;
}

/**
 * The interpretation of validated SQL, or undefined when it does not parse as one SELECT.
 *
 * @example
 * interpretSql("SELECT count(*) FROM claims_history WHERE member_id = 1000000001 AND relationship_code = 'subscriber' AND claim_type = 'RX'", { roster, today: '2026-12-01' })
 * // { text: 'What I looked up: the number of your prescription claims, at any date.', parts: {...} }
 */
export function interpretSql(sql: string, ctx: InterpretContext, parsed?: unknown): Interpretation | undefined {
  // The validator's AST of exactly this SQL saves a second parse; without it, parse here.
  const ast = isNode(parsed) && parsed.type === 'select' ? parsed : parseSelect(sql);
  if (!ast) return undefined;
  const lang = ctx.lang ?? 'en';
  const benefits = interpretBenefits(ast, ctx.roster, lang);
  if (benefits) return benefits;
  const t = TEXT[lang];

  let unexplained = 0;
  const where = conjuncts(ast.where);
  const groups: Record<'person' | 'type' | 'date' | 'rest', Node[]> = { person: [], type: [], date: [], rest: [] };
  let pick: { kind: 'largest' | 'smallest' | 'latest' | 'earliest'; column: string } | undefined;

  for (const c of where) {
    const picked = pickByExtreme(c, ast);
    if (picked) {
      if (picked === 'unreadable') unexplained++;
      else pick = picked;
      continue;
    }
    const cols = columnsIn(c);
    if (cols.size === 1 && cols.has('member_id')) continue; // the member scope itself
    if ([...cols].every((x) => PERSON_COLUMNS.has(x))) groups.person.push(c);
    else if (cols.size === 1 && cols.has('claim_type')) groups.type.push(c);
    else if (cols.size === 1 && cols.has('claim_date')) groups.date.push(c);
    else groups.rest.push(c);
  }

  // Whose claims
  const who = whoOf(groups.person, ctx.roster, lang);
  if (who.scope === 'unknown') unexplained++;
  const selfOnly = who.scope === 'people' && who.people.length > 0 && who.people.every((p) => p.kinship === 'self');

  // Claim type
  let claimType: ClaimType | undefined;
  if (groups.type.length) {
    const ok = (type: string) => groups.type.every((c) => evaluate(c, { claim_type: type }) === true);
    const anyUnknown = groups.type.some((c) => evaluate(c, { claim_type: 'RX' }) === undefined);
    if (anyUnknown) unexplained++;
    else if (ok('RX') && !ok('Medical')) claimType = 'RX';
    else if (ok('Medical') && !ok('RX')) claimType = 'Medical';
  }

  // Dates
  const { range, unread } = dateRangeOf(groups.date, ctx.today);
  unexplained += unread.length;
  const dates = datesOf(range, lang);

  // Other filters
  const filters: { kind: FilterKind; text: string }[] = [];
  for (const c of groups.rest) {
    const f = filterOf(c, lang, selfOnly);
    if (f) filters.push(f);
    else unexplained++;
  }

  // Measure
  const measure = measureOf(ast, pick, lang, selfOnly);
  if (!measure) unexplained++;
  const m = measure ?? { kind: 'list' as const, columns: [], text: '' };

  const selected = columnsIn(ast.columns);
  const details: string[] = [];
  if (selected.has('claim_status') && !filters.some((f) => f.kind === 'status')) details.push(t.withStatus);
  if (['explanation', 'next_steps', 'explanation_es', 'next_steps_es'].some((c) => selected.has(c)))
    details.push(t.withDenialReason);
  const claims = [claimsPhrase(who, claimType, lang), ...filters.map((f) => f.text), dates.text].join(' ');
  let text = `${t.lookedUp} ${t.measure(m.kind, m.text, claims)}${details.map((d) => `, ${d}`).join('')}.`;
  if (lang === 'es') text = text.replace(/\bde el\b/g, 'del').replace(/\ba el\b/g, 'al');
  const privateNames = [...who.people.filter((p) => !p.visible), ...who.notIncluded].map((p) => p.firstName);
  if (privateNames.length) text += ` ${t.privateNote(privateNames)}`;
  if (unexplained > 0) text += ` ${t.unexplained(unexplained)}`;
  return {
    text,
    lang,
    parts: {
      who,
      ...(claimType ? { claimType } : {}),
      dates,
      filters,
      measure: { kind: m.kind, columns: m.columns, text: m.text },
      unexplained,
    },
  };
}

// ---------------------------------------------------------------- who

function claimsPhrase(who: InterpretationParts['who'], type: ClaimType | undefined, lang: Lang): string {
  const t = TEXT[lang];
  const selfOnly = who.scope === 'people' && who.people.length === 1 && who.people[0]?.kinship === 'self';
  return t.claims(selfOnly ? undefined : who.text, type);
}

// ---------------------------------------------------------------- dates

function datesOf(range: DateRange, lang: Lang): InterpretationParts['dates'] {
  const from = range.from;
  const to = range.until ? previousDay(range.until) : undefined;
  return { ...(from ? { from } : {}), ...(to ? { to } : {}), text: TEXT[lang].dates(from, to) };
}

function isFullYear(from: string, to: string): boolean {
  return from.slice(5) === '01-01' && to.slice(5) === '12-31' && from.slice(0, 4) === to.slice(0, 4);
}

function isFullMonth(from: string, to: string): boolean {
  const a = isoParts(from);
  const b = isoParts(to);
  if (!a || !b || a[2] !== 1 || a[0] !== b[0] || a[1] !== b[1]) return false;
  return b[2] === new Date(Date.UTC(b[0], b[1], 0)).getUTCDate();
}

// ---------------------------------------------------------------- filters

function moneyText(n: number): string {
  return moneyFromCents(BigInt(Math.round(n * 100)));
}

function filterOf(c: Node, lang: Lang, selfOnly: boolean): { kind: FilterKind; text: string } | undefined {
  const t = TEXT[lang];
  const cols = [...columnsIn(c)];
  if (cols.length !== 1) return undefined;
  const col = cols[0] as string;
  if (col === 'provider_name') {
    const p = textPatterns(c, 'provider_name');
    if (!p || p.exact.length + p.patterns.length === 0) return undefined;
    if (!p.negated && p.exact.length === 0) {
      const kind = serviceKindOf(p.patterns);
      if (kind) return { kind: 'service', text: t.atService(lang === 'es' ? kind.es : kind.en) };
    }
    const names = [...p.exact, ...p.patterns.map((x) => x.replace(/^%+|%+$/g, '').replace(/%/g, ' '))];
    return { kind: 'provider', text: t.atProvider(names, p.exact.length > 0 && p.patterns.length === 0, p.negated) };
  }
  if (col === 'procedure_code' || col === 'diagnosis_code' || col === 'ndc_code' || col === 'claim_id') {
    const codes = codesOf(c, col);
    if (!codes) return undefined;
    if (col === 'procedure_code') {
      const er = [...ER_PROCEDURE_CODES].sort().join('|');
      if (!codes.negated && [...codes.values].sort().join('|') === er) return { kind: 'service', text: t.er };
      return { kind: 'procedure', text: t.codes('procedure', codes.values, codes.negated) };
    }
    if (col === 'diagnosis_code') {
      const d = codes.negated ? undefined : diagnosisOf(codes.values);
      if (d) return { kind: 'diagnosis', text: t.forDiagnosis(lang === 'es' ? d.es : d.en) };
      const named = codes.values.map((v) => {
        const known = DIAGNOSES.find((x) => x.codes.includes(v.toUpperCase()));
        return known ? `${v} (${lang === 'es' ? known.es : known.en})` : v;
      });
      return { kind: 'diagnosis', text: t.codes('diagnosis', named, codes.negated) };
    }
    if (col === 'ndc_code') return { kind: 'drug', text: t.codes('drug', codes.values, codes.negated) };
    return { kind: 'claim', text: t.codes('claim', codes.values, codes.negated) };
  }
  if (col === 'claim_status' || col === 'network' || col === 'service_category') {
    const p = textPatterns(c, col);
    if (!p || p.patterns.length > 0 || p.exact.length === 0) return undefined;
    if (col === 'claim_status') {
      const words = p.exact.map((v) => (STATUS_WORDS[lang] as Readonly<Record<string, string>>)[v.toLowerCase()]);
      if (words.some((w) => w === undefined)) return undefined;
      return { kind: 'status', text: t.status(words as string[], p.negated) };
    }
    if (col === 'network') {
      if (p.exact.length !== 1 || p.negated) return undefined;
      const v = p.exact[0]?.toLowerCase();
      if (v !== 'in_network' && v !== 'out_of_network') return undefined;
      return { kind: 'network', text: t.network(v) };
    }
    const names = p.exact.map((v) => categoryWords(v.toLowerCase(), lang));
    if (names.some((n) => n === undefined) || p.negated) return undefined;
    return { kind: 'service', text: t.forCategory(names as string[]) };
  }
  if (isMoneyColumn(col)) {
    const words = MONEY_WORDS[lang][col][selfOnly ? 'self' : 'other'];
    if (c.type !== 'binary_expr') return undefined;
    const op = operatorOf(c);
    if (op === 'BETWEEN') {
      const list = isNode(c.right) && Array.isArray(c.right.value) ? c.right.value : [];
      const lo = Number(literalOf(list[0]));
      const hi = Number(literalOf(list[1]));
      if (columnOf(c.left) !== col || !Number.isFinite(lo) || !Number.isFinite(hi)) return undefined;
      return { kind: 'amount', text: t.amountBetween(words, moneyText(lo), moneyText(hi)) };
    }
    const leftIsCol = columnOf(unwrap(c.left as Node)) === col;
    const valueNode = leftIsCol ? c.right : c.left;
    const n = Number(literalOf(valueNode));
    if (!Number.isFinite(n) || (!leftIsCol && columnOf(unwrap(c.right as Node)) !== col)) return undefined;
    const flipped: Record<string, string> = { '>': '<', '<': '>', '>=': '<=', '<=': '>=' };
    const effective = leftIsCol ? op : (flipped[op] ?? op);
    if (!['>', '<', '>=', '<=', '=', '<>', '!='].includes(effective)) return undefined;
    return { kind: 'amount', text: t.amount(words, effective, moneyText(n)) };
  }
  return undefined;
}

function categoryWords(value: string, lang: Lang): string | undefined {
  return Object.hasOwn(CATEGORY_WORDS, value) ? CATEGORY_WORDS[value as keyof typeof CATEGORY_WORDS][lang] : undefined;
}

function codesOf(c: Node, col: string): { values: string[]; negated: boolean } | undefined {
  const p = textPatterns(c, col);
  if (p && p.patterns.length === 0) return { values: p.exact, negated: p.negated };
  if (c.type === 'binary_expr' && operatorOf(c) === 'BETWEEN' && columnOf(c.left) === col) {
    const list = isNode(c.right) && Array.isArray(c.right.value) ? c.right.value : [];
    const lo = String(literalOf(list[0]) ?? '');
    const hi = String(literalOf(list[1]) ?? '');
    if (/^\d{5}$/.test(lo) && /^\d{5}$/.test(hi) && Number(hi) - Number(lo) <= 20) {
      const values: string[] = [];
      for (let n = Number(lo); n <= Number(hi); n++) values.push(String(n));
      return { values, negated: false };
    }
  }
  if (c.type === 'binary_expr' && ['=', '<>', '!='].includes(operatorOf(c))) {
    const lit = literalOf(c.right);
    if (columnOf(c.left) === col && lit !== undefined) return { values: [String(lit)], negated: operatorOf(c) !== '=' };
  }
  return undefined;
}

// ---------------------------------------------------------------- measure

type Pick = { kind: 'largest' | 'smallest' | 'latest' | 'earliest'; column: string };

/** `col = (SELECT max(col) FROM ... same conditions ...)`: the claim(s) with the extreme value. */
function pickByExtreme(c: Node, outer: Node): Pick | 'unreadable' | undefined {
  if (c.type !== 'binary_expr' || operatorOf(c) !== '=') return undefined;
  const col = columnOf(c.left);
  const sub = subquery(c.right);
  if (!col || !sub) return undefined;
  const columns = Array.isArray(sub.columns) ? sub.columns : [];
  const only = columns.length === 1 && isNode(columns[0]) ? (columns[0].expr as Node) : undefined;
  const fn = only?.type === 'aggr_func' ? String(only.name).toLowerCase() : undefined;
  const arg = only && isNode(only.args) ? columnOf(only.args.expr) : undefined;
  if ((fn !== 'max' && fn !== 'min') || arg !== col) return 'unreadable';
  // The sub-query must look at the same claims as the outer query, or the pick means something else.
  const key = (n: unknown) =>
    JSON.stringify(n, (k, v) => (k === 'parentheses' || k === 'tableList' || k === 'columnList' ? undefined : v));
  const outerRest = conjuncts(outer.where)
    .filter((x) => x !== c)
    .map(key)
    .sort();
  const inner = conjuncts(sub.where).map(key).sort();
  if (outerRest.join('\n') !== inner.join('\n')) return 'unreadable';
  if (col === 'claim_date') return { kind: fn === 'max' ? 'latest' : 'earliest', column: col };
  return { kind: fn === 'max' ? 'largest' : 'smallest', column: col };
}

interface Aggregate {
  readonly fn: string;
  readonly column?: string;
  readonly distinct: boolean;
}

function aggregateOf(expr: unknown): Aggregate | undefined {
  if (!isNode(expr)) return undefined;
  const node = unwrap(expr);
  if (node.type !== 'aggr_func') return undefined;
  const args = isNode(node.args) ? node.args : {};
  const col = columnOf(args.expr);
  return {
    fn: String(node.name).toLowerCase(),
    ...(col && col !== '*' ? { column: col } : {}),
    distinct: String(args.distinct ?? '').toUpperCase() === 'DISTINCT',
  };
}

function measureOf(
  ast: Node,
  pick: Pick | undefined,
  lang: Lang,
  selfOnly: boolean,
): { kind: MeasureKind; columns: MoneyColumn[]; text: string } | undefined {
  const t = TEXT[lang];
  const words = (c: MoneyColumn) => MONEY_WORDS[lang][c][selfOnly ? 'self' : 'other'];
  const items = (Array.isArray(ast.columns) ? ast.columns : []).filter(isNode).map((c) => c.expr);
  const aggs = items.map(aggregateOf);
  const groupBy =
    isNode(ast.groupby) && Array.isArray(ast.groupby.columns)
      ? ast.groupby.columns
      : Array.isArray(ast.groupby)
        ? ast.groupby
        : [];
  const groupCols = groupBy.map((g) => columnOf(g)).filter((x): x is string => !!x);
  const orderBy = Array.isArray(ast.orderby) ? ast.orderby.filter(isNode) : [];
  const limit = limitOf(ast);
  const distinct = isNode(ast.distinct) && String(ast.distinct.type ?? '').toUpperCase() === 'DISTINCT';

  if (groupCols.length === 1 && groupCols[0] === 'provider_name') {
    const counts = aggs.filter((a) => a?.fn === 'count');
    const desc = orderBy[0] && String(orderBy[0].type ?? '').toUpperCase() === 'DESC';
    const byCount = orderBy[0] && aggregateOf(orderBy[0].expr)?.fn === 'count';
    const byAlias =
      orderBy[0] && columnOf(orderBy[0].expr) !== undefined && columnOf(orderBy[0].expr) !== 'provider_name';
    if (counts.length && desc && (byCount || byAlias) && limit === 1) {
      return { kind: 'top_provider', columns: [], text: '' };
    }
  }
  if (groupCols.length > 0) {
    const cols = aggs.flatMap((a) => (a?.column && isMoneyColumn(a.column) ? [a.column] : []));
    const what = aggs
      .filter(Boolean)
      .map((a) => aggregateWords(a as Aggregate, lang, words))
      .filter(Boolean);
    return { kind: 'breakdown', columns: cols, text: t.breakdown(what, groupCols) };
  }
  if (aggs.length > 0 && aggs.every((a) => a !== undefined)) {
    const list = aggs as Aggregate[];
    if (list.every((a) => a.fn === 'count' && a.distinct && a.column === 'provider_name'))
      return { kind: 'provider_count', columns: [], text: '' };
    if (list.every((a) => a.fn === 'count' && !a.distinct)) return { kind: 'count', columns: [], text: '' };
    const money = list.filter((a) => a.column && isMoneyColumn(a.column));
    if (money.length === list.length) {
      const fn = list[0]?.fn;
      const cols = money.map((a) => a.column as MoneyColumn);
      if (list.every((a) => a.fn === fn)) {
        const joined = cols.map(words).join(lang === 'es' ? ' y el total de ' : ' and the total of ');
        if (fn === 'sum') return { kind: 'total', columns: cols, text: joined };
        if (fn === 'avg') return { kind: 'average', columns: cols, text: joined };
        if (fn === 'max') return { kind: 'highest', columns: cols, text: joined };
        if (fn === 'min') return { kind: 'lowest', columns: cols, text: joined };
      }
    }
    if (list.length === 1 && list[0]?.column === 'claim_date' && (list[0].fn === 'max' || list[0].fn === 'min'))
      return { kind: list[0].fn === 'max' ? 'latest' : 'earliest', columns: [], text: '' };
    const what = list.map((a) => aggregateWords(a, lang, words));
    if (what.every(Boolean)) {
      const cols = money.map((a) => a.column as MoneyColumn);
      return { kind: 'total', columns: cols, text: joinList(what as string[], lang) };
    }
    return undefined;
  }
  if (aggs.some((a) => a !== undefined)) return undefined; // aggregates mixed with plain columns, no GROUP BY

  const plain = items.map((e) => (isNode(e) ? columnOf(unwrap(e)) : undefined));
  if (plain.some((c) => c === undefined)) return undefined;
  if (distinct && plain.length === 1 && plain[0] === 'provider_name')
    return { kind: 'providers', columns: [], text: '' };
  if (pick) {
    if (pick.kind === 'latest' || pick.kind === 'earliest') return { kind: pick.kind, columns: [], text: '' };
    if (isMoneyColumn(pick.column))
      return { kind: pick.kind, columns: [pick.column], text: MONEY_NOUNS[lang][pick.column] };
    return undefined;
  }
  const first = orderBy[0];
  if (first && limit !== undefined && limit <= 3) {
    const col = columnOf(first.expr);
    const desc = String(first.type ?? '').toUpperCase() === 'DESC';
    if (col === 'claim_date')
      return { kind: desc ? 'latest' : 'earliest', columns: [], text: limit > 1 ? String(limit) : '' };
    if (col && isMoneyColumn(col))
      return { kind: desc ? 'largest' : 'smallest', columns: [col], text: MONEY_NOUNS[lang][col] };
    return undefined;
  }
  return { kind: 'list', columns: [], text: '' };
}

function aggregateWords(a: Aggregate, lang: Lang, words: (c: MoneyColumn) => string): string | undefined {
  const t = TEXT[lang];
  if (a.fn === 'count') return a.distinct && a.column === 'provider_name' ? t.aggr.providerCount : t.aggr.count;
  if (!a.column || !isMoneyColumn(a.column)) return undefined;
  const w = words(a.column);
  if (a.fn === 'sum') return t.aggr.sum(w);
  if (a.fn === 'avg') return t.aggr.avg(w);
  if (a.fn === 'max') return t.aggr.max(w);
  if (a.fn === 'min') return t.aggr.min(w);
  return undefined;
}

function limitOf(ast: Node): number | undefined {
  const lim = ast.limit;
  if (!isNode(lim) || !Array.isArray(lim.value) || lim.value.length === 0) return undefined;
  const v = literalOf(lim.value[0]);
  return typeof v === 'number' ? v : undefined;
}

// ---------------------------------------------------------------- words

interface Words {
  lookedUp: string;
  claims(whoText: string | undefined, type: ClaimType | undefined): string;
  dates(from: string | undefined, to: string | undefined): string;
  measure(kind: MeasureKind, text: string, claims: string): string;
  privateNote(names: string[]): string;
  unexplained(n: number): string;
  atService(kind: string): string;
  atProvider(names: string[], exact: boolean, negated: boolean): string;
  er: string;
  status(words: string[], negated: boolean): string;
  withStatus: string;
  withDenialReason: string;
  network(value: 'in_network' | 'out_of_network'): string;
  forCategory(names: string[]): string;
  forDiagnosis(what: string): string;
  codes(kind: 'procedure' | 'diagnosis' | 'drug' | 'claim', values: string[], negated: boolean): string;
  amount(words: string, op: string, amount: string): string;
  amountBetween(words: string, lo: string, hi: string): string;
  breakdown(what: (string | undefined)[], by: string[]): string;
  aggr: {
    count: string;
    providerCount: string;
    sum(w: string): string;
    avg(w: string): string;
    max(w: string): string;
    min(w: string): string;
  };
}

const monthYear = (iso: string, lang: Lang) => {
  const p = isoParts(iso) as [number, number, number];
  const m = MONTHS[lang][p[1] - 1] ?? '';
  return lang === 'es' ? `${m} de ${p[0]}` : `${m} ${p[0]}`;
};

const EN_OPS: Readonly<Record<string, string>> = {
  '>': 'is more than',
  '>=': 'is at least',
  '<': 'is less than',
  '<=': 'is at most',
  '=': 'is exactly',
  '<>': 'is not',
  '!=': 'is not',
};
const ES_OPS: Readonly<Record<string, string>> = {
  '>': 'es mayor que',
  '>=': 'es al menos',
  '<': 'es menor que',
  '<=': 'es como máximo',
  '=': 'es exactamente',
  '<>': 'no es',
  '!=': 'no es',
};

const GROUP_WORDS: Readonly<Record<Lang, Readonly<Record<string, string>>>> = {
  en: {
    provider_name: 'provider',
    member_name: 'person',
    relationship_code: 'person',
    claim_type: 'type of claim',
    claim_date: 'date',
  },
  es: {
    provider_name: 'proveedor',
    member_name: 'persona',
    relationship_code: 'persona',
    claim_type: 'tipo de reclamación',
    claim_date: 'fecha',
  },
};

const TEXT: Readonly<Record<Lang, Words>> = {
  en: {
    lookedUp: 'What I looked up:',
    claims: (who, type) => {
      const kind = type === 'RX' ? 'prescription ' : type === 'Medical' ? 'medical ' : '';
      return who === undefined ? `your ${kind}claims` : `${kind}claims of ${who}`;
    },
    dates: (from, to) => {
      if (from && to) {
        if (from === to) return `on ${longDate(from)}`;
        if (isFullYear(from, to)) return `in ${from.slice(0, 4)}`;
        if (isFullMonth(from, to)) return `in ${monthYear(from, 'en')}`;
        const sameYear = from.slice(0, 4) === to.slice(0, 4);
        return `from ${sameYear ? longDate(from).replace(/, \d{4}$/, '') : longDate(from)} to ${longDate(to)}`;
      }
      if (from) return `since ${longDate(from)}`;
      if (to) return `up to ${longDate(to)}`;
      return 'over all dates on file';
    },
    measure: (kind, text, claims) => {
      switch (kind) {
        case 'count':
          return `the number of ${claims}`;
        case 'total':
          return `the total of ${text} for ${claims}`;
        case 'average':
          return `the average per claim of ${text} for ${claims}`;
        case 'highest':
          return `the highest single amount of ${text} among ${claims}`;
        case 'lowest':
          return `the lowest single amount of ${text} among ${claims}`;
        case 'largest':
          return `the claim with the highest ${text} among ${claims}`;
        case 'smallest':
          return `the claim with the lowest ${text} among ${claims}`;
        case 'latest':
          return text ? `the ${text} most recent of ${claims}` : `the most recent of ${claims}`;
        case 'earliest':
          return text ? `the ${text} earliest of ${claims}` : `the earliest of ${claims}`;
        case 'providers':
          return `the providers on ${claims}`;
        case 'provider_count':
          return `how many different providers appear on ${claims}`;
        case 'top_provider':
          return `the provider that appears most often on ${claims}`;
        case 'breakdown':
          return `${text}, for ${claims}`;
        default:
          return `the list of ${claims}`;
      }
    },
    privateNote: (names) =>
      `${names.length === 1 ? `${names[0]}'s claims are` : `The claims of ${joinList(names, 'en')} are`} private, so they are not part of this answer.`,
    unexplained: (n) =>
      `The search also had ${n === 1 ? 'a condition' : `${n} conditions`} I can't put in plain words.`,
    atService: (kind) => `at ${kind}`,
    atProvider: (names, exact, negated) => {
      const quoted = names.map((n) => `"${n}"`);
      if (negated) return `not at providers named like ${joinList(quoted, 'en')}`;
      return exact ? `at ${joinList(names, 'en')}` : `at providers with ${joinList(quoted, 'en')} in the name`;
    },
    er: 'that were emergency room visits',
    status: (words, negated) =>
      negated ? `except those ${words.join(' or ').replace(/\bthat (were|are) /g, '')}` : words.join(' or '),
    withStatus: 'with their status',
    withDenialReason: 'with why each was denied and what you can do',
    network: (v) => (v === 'in_network' ? 'at in-network providers' : 'at out-of-network providers'),
    forCategory: (names) => `for ${joinList(names, 'en').replace(/ and ([^,]+)$/, ' or $1')}`,
    forDiagnosis: (what) => `for ${what}`,
    codes: (kind, values, negated) => {
      const label = { procedure: 'procedure code', diagnosis: 'diagnosis', drug: 'drug code', claim: 'claim number' }[
        kind
      ];
      const plural = label === 'diagnosis' ? 'diagnoses' : `${label}s`;
      return `${negated ? 'except' : 'with'} ${values.length > 1 ? plural : label} ${joinList(values, 'en')}`;
    },
    amount: (words, op, amount) => `where ${words} ${EN_OPS[op] ?? op} ${amount}`,
    amountBetween: (words, lo, hi) => `where ${words} is between ${lo} and ${hi}`,
    breakdown: (what, by) =>
      `${joinList(
        what.filter((w): w is string => !!w),
        'en',
      )} per ${by.map((b) => GROUP_WORDS.en[b] ?? b).join(' and ')}`,
    aggr: {
      count: 'the number of claims',
      providerCount: 'the number of different providers',
      sum: (w) => `the total of ${w}`,
      avg: (w) => `the average of ${w}`,
      max: (w) => `the highest ${w.replace(/^the /, '')}`,
      min: (w) => `the lowest ${w.replace(/^the /, '')}`,
    },
  },
  es: {
    lookedUp: 'Lo que busqué:',
    claims: (who, type) => {
      const kind = type === 'RX' ? ' de recetas' : type === 'Medical' ? ' médicas' : '';
      return who === undefined ? `sus reclamaciones${kind}` : `las reclamaciones${kind} de ${who}`;
    },
    dates: (from, to) => {
      if (from && to) {
        if (from === to) return `el ${longDate(from, 'es')}`;
        if (isFullYear(from, to)) return `en ${from.slice(0, 4)}`;
        if (isFullMonth(from, to)) return `en ${monthYear(from, 'es')}`;
        return `del ${longDate(from, 'es')} al ${longDate(to, 'es')}`;
      }
      if (from) return `desde el ${longDate(from, 'es')}`;
      if (to) return `hasta el ${longDate(to, 'es')}`;
      return 'en todas las fechas registradas';
    },
    measure: (kind, text, claims) => {
      switch (kind) {
        case 'count':
          return `el número de ${claims}`;
        case 'total':
          return `el total de ${text} en ${claims}`;
        case 'average':
          return `el promedio por reclamación de ${text} en ${claims}`;
        case 'highest':
          return `el monto más alto de ${text} entre ${claims}`;
        case 'lowest':
          return `el monto más bajo de ${text} entre ${claims}`;
        case 'largest':
          return `la reclamación con el mayor ${text} entre ${claims}`;
        case 'smallest':
          return `la reclamación con el menor ${text} entre ${claims}`;
        case 'latest':
          return text ? `las ${text} más recientes de ${claims}` : `la más reciente de ${claims}`;
        case 'earliest':
          return text ? `las ${text} primeras de ${claims}` : `la primera de ${claims}`;
        case 'providers':
          return `los proveedores de ${claims}`;
        case 'provider_count':
          return `cuántos proveedores distintos aparecen en ${claims}`;
        case 'top_provider':
          return `el proveedor que más aparece en ${claims}`;
        case 'breakdown':
          return `${text}, para ${claims}`;
        default:
          return `la lista de ${claims}`;
      }
    },
    privateNote: (names) =>
      `Las reclamaciones de ${joinList(names, 'es')} son privadas, así que no forman parte de esta respuesta.`,
    unexplained: (n) =>
      `La búsqueda también tenía ${n === 1 ? 'una condición' : `${n} condiciones`} que no puedo explicar en palabras sencillas.`,
    atService: (kind) => `en ${kind}`,
    atProvider: (names, exact, negated) => {
      const quoted = names.map((n) => `"${n}"`);
      if (negated) return `excepto en proveedores como ${joinList(quoted, 'es')}`;
      return exact ? `en ${joinList(names, 'es')}` : `en proveedores con ${joinList(quoted, 'es')} en el nombre`;
    },
    er: 'que fueron visitas a la sala de emergencias',
    status: (words, negated) =>
      negated ? `excepto las ${words.join(' o ').replace(/\bque (se |siguen )/g, '')}` : words.join(' o '),
    withStatus: 'con su estado',
    withDenialReason: 'con el motivo de cada negación y qué puede hacer',
    network: (v) => (v === 'in_network' ? 'con proveedores de la red' : 'con proveedores fuera de la red'),
    forCategory: (names) => `de ${joinList(names, 'es').replace(/ y ([^,]+)$/, ' o $1')}`,
    forDiagnosis: (what) => `por ${what}`,
    codes: (kind, values, negated) => {
      const label = {
        procedure: 'código de procedimiento',
        diagnosis: 'diagnóstico',
        drug: 'código de medicamento',
        claim: 'número de reclamación',
      }[kind];
      return `${negated ? 'excepto' : 'con'} ${label} ${joinList(values, 'es')}`;
    },
    amount: (words, op, amount) => `donde ${words} ${ES_OPS[op] ?? op} ${amount}`,
    amountBetween: (words, lo, hi) => `donde ${words} está entre ${lo} y ${hi}`,
    breakdown: (what, by) =>
      `${joinList(
        what.filter((w): w is string => !!w),
        'es',
      )} por ${by.map((b) => GROUP_WORDS.es[b] ?? b).join(' y ')}`,
    aggr: {
      count: 'el número de reclamaciones',
      providerCount: 'el número de proveedores distintos',
      sum: (w) => `el total de ${w}`,
      avg: (w) => `el promedio de ${w}`,
      max: (w) => `el máximo de ${w}`,
      min: (w) => `el mínimo de ${w}`,
    },
  },
};
