/**
 * Turns the claim_date conditions of a query into one concrete range, evaluating the date
 * arithmetic the models write (literals, casts, CURRENT_DATE, date_trunc, make_date, intervals,
 * extract) against the day the question was asked. Unknown shapes return undefined: the
 * interpretation then says it could not put that condition in words.
 */
import { columnOf, functionArgs, functionName, isNode, literalOf, type Node, operatorOf } from './ast.ts';

/** Inclusive `from`, exclusive `until`, as 'YYYY-MM-DD'; either may be open. */
export interface DateRange {
  readonly from?: string;
  readonly until?: string;
}

interface Day {
  y: number;
  m: number;
  d: number;
}

function toIso(t: Day): string {
  const date = new Date(Date.UTC(t.y, t.m - 1, t.d));
  return date.toISOString().slice(0, 10);
}

function fromIso(iso: string): Day | undefined {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(iso.trim());
  if (!m) return undefined;
  const day = { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
  const check = new Date(Date.UTC(day.y, day.m - 1, day.d));
  return check.getUTCMonth() === day.m - 1 && check.getUTCDate() === day.d ? day : undefined;
}

interface Interval {
  months: number;
  days: number;
}

function intervalOf(node: Node): Interval | undefined {
  if (node.type !== 'interval') return undefined;
  const text = `${literalOf(node.expr) ?? ''} ${typeof node.unit === 'string' ? node.unit : ''}`.toLowerCase().trim();
  const out: Interval = { months: 0, days: 0 };
  const re = /(\d+)\s*(years?|mons?|months?|weeks?|days?)/g;
  let any = false;
  for (const m of text.matchAll(re)) {
    any = true;
    const n = Number(m[1]);
    const unit = m[2] ?? '';
    if (unit.startsWith('year')) out.months += 12 * n;
    else if (unit.startsWith('mon')) out.months += n;
    else if (unit.startsWith('week')) out.days += 7 * n;
    else out.days += n;
  }
  return any ? out : undefined;
}

function shift(day: Day, iv: Interval, sign: 1 | -1): Day {
  const idx = day.y * 12 + (day.m - 1) + sign * iv.months;
  const y = Math.floor(idx / 12);
  const m = (idx % 12) + 1;
  const dim = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const base = new Date(Date.UTC(y, m - 1, Math.min(day.d, dim) + sign * iv.days));
  return { y: base.getUTCFullYear(), m: base.getUTCMonth() + 1, d: base.getUTCDate() };
}

type Value = { kind: 'date'; day: Day } | { kind: 'number'; n: number } | { kind: 'interval'; iv: Interval };

/** Evaluates a constant date/number expression (no column references). */
export function evalConst(node: unknown, today: string): Value | undefined {
  if (!isNode(node)) return undefined;
  if (node.type === 'date' && typeof node.value === 'string') {
    const day = fromIso(node.value);
    return day ? { kind: 'date', day } : undefined;
  }
  const lit = literalOf(node);
  if (typeof lit === 'number') return { kind: 'number', n: lit };
  if (typeof lit === 'string') {
    const day = fromIso(lit);
    if (day) return { kind: 'date', day };
    if (/^\d+$/.test(lit)) return { kind: 'number', n: Number(lit) };
    return undefined;
  }
  const iv = intervalOf(node);
  if (iv) return { kind: 'interval', iv };
  if (node.type === 'cast' || node.type === 'expr') return evalConst(node.expr, today);
  if (node.type === 'function') {
    const name = functionName(node);
    const args = functionArgs(node);
    if (name === 'current_date' || name === 'now' || name === 'current_timestamp') {
      const day = fromIso(today);
      return day ? { kind: 'date', day } : undefined;
    }
    if (name === 'date_trunc') {
      const unit = String(literalOf(args[0]) ?? '').toLowerCase();
      const v = evalConst(args[1], today);
      if (v?.kind !== 'date') return undefined;
      const { y, m, d } = v.day;
      if (unit === 'year') return { kind: 'date', day: { y, m: 1, d: 1 } };
      if (unit === 'quarter') return { kind: 'date', day: { y, m: m - ((m - 1) % 3), d: 1 } };
      if (unit === 'month') return { kind: 'date', day: { y, m, d: 1 } };
      if (unit === 'day') return v;
      if (unit === 'week') {
        const dow = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7; // Monday = 0
        return { kind: 'date', day: shift(v.day, { months: 0, days: dow }, -1) };
      }
      return undefined;
    }
    if (name === 'make_date') {
      const [y, m, d] = args.map((a) => evalConst(a, today));
      if (y?.kind === 'number' && m?.kind === 'number' && d?.kind === 'number') {
        const day = fromIso(`${y.n}-${m.n}-${d.n}`);
        return day ? { kind: 'date', day } : undefined;
      }
      return undefined;
    }
    if (name === 'date_part') {
      const field = String(literalOf(args[0]) ?? '').toLowerCase();
      return partOf(field, evalConst(args[1], today));
    }
    return undefined;
  }
  if (node.type === 'extract' && isNode(node.args)) {
    return partOf(String(node.args.field ?? '').toLowerCase(), evalConst(node.args.source, today));
  }
  if (node.type === 'binary_expr') {
    const op = operatorOf(node);
    const l = evalConst(node.left, today);
    const r = evalConst(node.right, today);
    if (!l || !r) return undefined;
    if (op === '+' || op === '-') {
      const sign = op === '+' ? 1 : -1;
      if (l.kind === 'date' && r.kind === 'interval') return { kind: 'date', day: shift(l.day, r.iv, sign) };
      if (l.kind === 'date' && r.kind === 'number')
        return { kind: 'date', day: shift(l.day, { months: 0, days: r.n }, sign) };
      if (op === '+' && l.kind === 'interval' && r.kind === 'date') return { kind: 'date', day: shift(r.day, l.iv, 1) };
      if (l.kind === 'number' && r.kind === 'number') return { kind: 'number', n: l.n + sign * r.n };
    }
  }
  return undefined;
}

function partOf(field: string, v: Value | undefined): Value | undefined {
  if (v?.kind !== 'date') return undefined;
  if (field === 'year') return { kind: 'number', n: v.day.y };
  if (field === 'month') return { kind: 'number', n: v.day.m };
  if (field === 'day') return { kind: 'number', n: v.day.d };
  return undefined;
}

/** What a claim_date-side expression is: the date itself, or one of its parts / truncations. */
type DateSide =
  | { kind: 'date' }
  | { kind: 'part'; field: 'year' | 'month' }
  | { kind: 'trunc'; unit: 'year' | 'month' };

function dateSide(node: unknown): DateSide | undefined {
  if (!isNode(node)) return undefined;
  if (columnOf(node) === 'claim_date') return { kind: 'date' };
  if (node.type === 'cast') return dateSide(node.expr);
  if (node.type === 'extract' && isNode(node.args) && columnOf(node.args.source) === 'claim_date') {
    const f = String(node.args.field ?? '').toLowerCase();
    return f === 'year' || f === 'month' ? { kind: 'part', field: f } : undefined;
  }
  if (node.type === 'function') {
    const name = functionName(node);
    const args = functionArgs(node);
    const unit = String(literalOf(args[0]) ?? '').toLowerCase();
    if (name === 'date_part' && columnOf(args[1]) === 'claim_date' && (unit === 'year' || unit === 'month'))
      return { kind: 'part', field: unit };
    if (name === 'date_trunc' && dateSide(args[1])?.kind === 'date' && (unit === 'year' || unit === 'month'))
      return { kind: 'trunc', unit };
  }
  return undefined;
}

const FLIP: Readonly<Record<string, string>> = { '>': '<', '<': '>', '>=': '<=', '<=': '>=', '=': '=' };

/** A range narrowed by one more bound. */
function narrow(r: DateRange, add: DateRange): DateRange {
  const from = [r.from, add.from]
    .filter((x): x is string => !!x)
    .sort()
    .at(-1);
  const until = [r.until, add.until].filter((x): x is string => !!x).sort()[0];
  return { ...(from ? { from } : {}), ...(until ? { until } : {}) };
}

function bound(op: string, day: Day): DateRange | undefined {
  const iso = toIso(day);
  const next = toIso(shift(day, { months: 0, days: 1 }, 1));
  if (op === '>=') return { from: iso };
  if (op === '>') return { from: next };
  if (op === '<') return { until: iso };
  if (op === '<=') return { until: next };
  if (op === '=') return { from: iso, until: next };
  return undefined;
}

/**
 * The range one claim_date condition allows, or undefined when it is not a shape we read.
 * `{}` never comes back for a recognised condition: every shape narrows something.
 */
export function dateCondition(node: Node, today: string, context: DateRange = {}): DateRange | undefined {
  if (node.type !== 'binary_expr') return undefined;
  const op = operatorOf(node);
  if (op === 'BETWEEN') {
    const side = dateSide(node.left);
    const list = isNode(node.right) && Array.isArray(node.right.value) ? node.right.value : [];
    const lo = evalConst(list[0], today);
    const hi = evalConst(list[1], today);
    if (side?.kind !== 'date' || lo?.kind !== 'date' || hi?.kind !== 'date') return undefined;
    return narrow(bound('>=', lo.day) ?? {}, bound('<=', hi.day) ?? {});
  }
  if (!(op in FLIP)) return undefined;
  let side = dateSide(node.left);
  let value = evalConst(node.right, today);
  let effective = op;
  if (!side) {
    side = dateSide(node.right);
    value = evalConst(node.left, today);
    effective = FLIP[op] ?? op;
  }
  if (!side || !value) return undefined;
  if (side.kind === 'date' && value.kind === 'date') return bound(effective, value.day);
  if (side.kind === 'trunc' && value.kind === 'date' && effective === '=') {
    const start = value.day;
    const end = shift(start, { months: side.unit === 'year' ? 12 : 1, days: 0 }, 1);
    return { from: toIso(start), until: toIso(end) };
  }
  if (side.kind === 'part' && value.kind === 'number' && side.field === 'year') {
    const y = value.n;
    if (effective === '=') return { from: `${y}-01-01`, until: `${y + 1}-01-01` };
    if (effective === '>=') return { from: `${y}-01-01` };
    if (effective === '>') return { from: `${y + 1}-01-01` };
    if (effective === '<') return { until: `${y}-01-01` };
    if (effective === '<=') return { until: `${y + 1}-01-01` };
  }
  if (side.kind === 'part' && value.kind === 'number' && side.field === 'month' && effective === '=') {
    // A month number alone is a month of the year the rest of the query already pins down.
    const year = yearOf(context);
    if (year === undefined || value.n < 1 || value.n > 12) return undefined;
    const start = { y: year, m: value.n, d: 1 };
    return { from: toIso(start), until: toIso(shift(start, { months: 1, days: 0 }, 1)) };
  }
  return undefined;
}

function yearOf(r: DateRange): number | undefined {
  if (!r.from || !r.until) return undefined;
  const a = Number(r.from.slice(0, 4));
  const lastDay = toIso(shift(fromIso(r.until) as Day, { months: 0, days: 1 }, -1));
  return a === Number(lastDay.slice(0, 4)) ? a : undefined;
}

/**
 * Folds claim_date conditions into one range. Returns the range and the conditions it could
 * not read.
 */
export function dateRangeOf(conditions: readonly Node[], today: string): { range: DateRange; unread: Node[] } {
  let range: DateRange = {};
  const unread: Node[] = [];
  const later: Node[] = [];
  for (const c of conditions) {
    const r = dateCondition(c, today);
    if (r) range = narrow(range, r);
    else later.push(c);
  }
  for (const c of later) {
    const r = dateCondition(c, today, range);
    if (r) range = narrow(range, r);
    else unread.push(c);
  }
  return { range, unread };
}

export { fromIso, toIso };
