/**
 * "What I looked up" for questions about the plan and where a person stands in it — deductibles,
 * out-of-pocket maximums, cost sharing, visit limits — read from the validated SQL over
 * plan_benefits, plan_cost_sharing, accumulators, family_accumulators and visit_counts: whose
 * totals (roster people relative to the asker, or the family), which plan year, which network,
 * which kinds of care, and what is measured. Conditions it cannot read are counted, never guessed.
 */
import { joinList } from '../core/format.ts';
import type { Lang } from '../core/language.ts';
import type { Roster } from '../core/roster.ts';
import { CATEGORY_WORDS } from '../schema/vocabulary.ts';
import { columnOf, columnsIn, conjuncts, isNode, literalOf, type Node, operatorOf } from './ast.ts';
import type { FilterKind, Interpretation, MeasureKind } from './interpret.ts';
import { PERSON_COLUMNS, type PersonPart, personPart, type Who, whoOf } from './people.ts';
import { textPatterns } from './predicate.ts';

/** Tables about the plan and the running totals against it. */
const BENEFIT_TABLES: ReadonlySet<string> = new Set([
  'plan_benefits',
  'plan_cost_sharing',
  'accumulators',
  'family_accumulators',
  'visit_counts',
]);

function tablesOf(ast: Node): { names: string[]; joins: Node[] } {
  const from = Array.isArray(ast.from) ? ast.from.filter(isNode) : [];
  const names = from.map((f) => (typeof f.table === 'string' ? f.table.toLowerCase() : '')).filter(Boolean);
  const joins = from.flatMap((f) => conjuncts(f.on));
  return { names, joins };
}

/** True when the query reads the plan's terms or the totals against them. */
export function readsBenefits(ast: Node): boolean {
  return tablesOf(ast).names.some((t) => BENEFIT_TABLES.has(t));
}

type Topic = 'deductible' | 'out_of_pocket' | 'cost_sharing' | 'visits';

const TOPIC_MEASURE: Readonly<Record<Topic, MeasureKind>> = {
  deductible: 'deductible',
  out_of_pocket: 'out_of_pocket',
  cost_sharing: 'cost_sharing',
  visits: 'visits',
};

/** A join key (`a.plan_year = b.plan_year`): column against column, no meaning of its own. */
function isJoinKey(c: Node): boolean {
  return c.type === 'binary_expr' && operatorOf(c) === '=' && !!columnOf(c.left) && !!columnOf(c.right);
}

interface Subject {
  /** 'you have', 'Tomas (your spouse) has', 'your family has' */
  readonly has: string;
  readonly who: Who;
}

function subjectOf(who: Who, family: boolean, lang: Lang): Subject {
  const es = lang === 'es';
  if (family && who.scope === 'family') return { has: es ? 'su familia ha' : 'your family has', who };
  const self = who.scope === 'people' && who.people.length === 1 && who.people[0]?.kinship === 'self';
  if (self) return { has: es ? 'usted ha' : 'you have', who };
  if (who.scope === 'family')
    return { has: es ? `cada persona de ${who.text} ha` : `each person in ${who.text} has`, who };
  const many = who.people.length > 1;
  return { has: es ? `${who.text} ${many ? 'han' : 'ha'}` : `${who.text} ${many ? 'have' : 'has'}`, who };
}

const T = {
  en: {
    lookedUp: 'What I looked up:',
    deductible: (s: Subject | undefined) =>
      s
        ? `the deductible and how much of it ${s.has} met`
        : "your plan's deductible (for one person and for the family)",
    outOfPocket: (s: Subject | undefined) =>
      s
        ? `the out-of-pocket maximum and how much ${s.has} paid toward it`
        : "your plan's out-of-pocket maximum (for one person and for the family)",
    familyToo: "with the family's total",
    costSharing: (categories: string) =>
      `what your plan covers and what you pay (copay, coinsurance, whether the deductible applies)${categories ? ` for ${categories}` : ''}`,
    visits: (s: Subject | undefined, categories: string) =>
      `the ${categories ? `${categories} ` : ''}visits ${s ? `${s.has} used` : 'used'} and the plan's visit limit`,
    year: (y: number) => `in the ${y} plan year`,
    network: (v: string) => (v === 'in_network' ? 'in network' : 'out of network'),
    privateNote: (names: string[]) =>
      `${joinList(names, 'en')}'s amounts are private, so they are not counted here.`.replace(
        /^(.+ and .+)'s amounts are/,
        'The amounts of $1 are',
      ),
    unexplained: (n: number) =>
      `The search also had ${n === 1 ? 'a condition' : `${n} conditions`} I can't put in plain words.`,
  },
  es: {
    lookedUp: 'Lo que busqué:',
    deductible: (s: Subject | undefined) =>
      s ? `el deducible y cuánto ${s.has} cubierto` : 'el deducible de su plan (por persona y por familia)',
    outOfPocket: (s: Subject | undefined) =>
      s
        ? `el máximo de gastos de bolsillo y cuánto ${s.has} pagado hacia él`
        : 'el máximo de gastos de bolsillo de su plan (por persona y por familia)',
    familyToo: 'con el total de la familia',
    costSharing: (categories: string) =>
      `lo que cubre su plan y lo que usted paga (copago, coseguro, si aplica el deducible)${categories ? ` por ${categories}` : ''}`,
    visits: (s: Subject | undefined, categories: string) =>
      `las visitas${categories ? ` de ${categories}` : ''} que ${s ? `${s.has} usado` : 'se han usado'} y el límite de visitas del plan`,
    year: (y: number) => `en el año del plan ${y}`,
    network: (v: string) => (v === 'in_network' ? 'dentro de la red' : 'fuera de la red'),
    privateNote: (names: string[]) =>
      `Los montos de ${joinList(names, 'es')} son privados, así que no se cuentan aquí.`,
    unexplained: (n: number) =>
      `La búsqueda también tenía ${n === 1 ? 'una condición' : `${n} condiciones`} que no puedo explicar en palabras sencillas.`,
  },
} as const;

/**
 * The interpretation of a benefits query, or undefined when the query does not read the plan's
 * terms or totals (then it is a claims query).
 *
 * @example
 * interpretBenefits(parseSelect("SELECT deductible_individual FROM plan_benefits WHERE member_id = 1000000001 AND plan_year = 2026 AND network = 'in_network'"), roster, 'en')
 * // { text: "What I looked up: your plan's deductible (for one person and for the family), in the 2026 plan year, in network.", ... }
 */
export function interpretBenefits(ast: Node, roster: Roster, lang: Lang): Interpretation | undefined {
  const { names, joins } = tablesOf(ast);
  if (!names.some((t) => BENEFIT_TABLES.has(t))) return undefined;
  const t = T[lang];
  let unexplained = 0;
  const person: Node[] = [];
  let year: number | undefined;
  let network: string | undefined;
  const categories: string[] = [];
  for (const c of [...conjuncts(ast.where), ...joins.filter((j) => !isJoinKey(j))]) {
    const cols = columnsIn(c);
    if (cols.size === 1 && cols.has('member_id')) continue;
    if ([...cols].every((x) => PERSON_COLUMNS.has(x))) {
      person.push(c);
      continue;
    }
    if (cols.size === 1 && cols.has('plan_year') && c.type === 'binary_expr' && operatorOf(c) === '=') {
      const y = Number(literalOf(c.right));
      if (Number.isInteger(y) && year === undefined) {
        year = y;
        continue;
      }
    }
    if (cols.size === 1 && (cols.has('network') || cols.has('service_category'))) {
      const col = cols.has('network') ? 'network' : 'service_category';
      const p = textPatterns(c, col);
      const values = p && !p.negated && p.patterns.length === 0 ? p.exact.map((v) => v.toLowerCase()) : [];
      if (col === 'network' && values.length === 1 && (values[0] === 'in_network' || values[0] === 'out_of_network')) {
        network = values[0];
        continue;
      }
      if (col === 'service_category' && values.length > 0 && values.every((v) => Object.hasOwn(CATEGORY_WORDS, v))) {
        categories.push(...values);
        continue;
      }
    }
    unexplained++;
  }

  const selected = columnsIn(ast.columns);
  const has = (...cols: string[]) => cols.some((c) => selected.has(c));
  const reads = (table: string) => names.includes(table);
  const family = reads('family_accumulators');
  const personal = reads('accumulators') || reads('visit_counts');
  const topics: Topic[] = [];
  if (has('deductible_individual', 'deductible_family', 'deductible_met')) topics.push('deductible');
  if (has('oop_max_individual', 'oop_max_family', 'oop_met')) topics.push('out_of_pocket');
  if (reads('visit_counts') && has('visits_used')) topics.push('visits');
  if (reads('plan_cost_sharing') && has('copay', 'coinsurance_percent', 'covered', 'deductible_applies'))
    topics.push('cost_sharing');
  if (topics.length === 0) unexplained++;

  const who: Who = personal || family ? whoOf(personal ? person : [], roster, lang) : planWho(lang);
  if (who.scope === 'unknown') unexplained++;
  const met = has('deductible_met', 'oop_met', 'visits_used');
  const subject = met ? subjectOf(who, family && !reads('accumulators'), lang) : undefined;
  const familyToo = family && reads('accumulators');
  const cats = joinList(
    categories.map((c) => CATEGORY_WORDS[c as keyof typeof CATEGORY_WORDS][lang]),
    lang,
  );

  const phrases = topics.map((topic) => {
    if (topic === 'deductible') return t.deductible(subject);
    if (topic === 'out_of_pocket') return t.outOfPocket(subject);
    if (topic === 'visits') return t.visits(subject, cats);
    return t.costSharing(topics.includes('visits') ? '' : cats);
  });
  const where = [
    familyToo && subject ? t.familyToo : undefined,
    year !== undefined ? t.year(year) : undefined,
    network ? t.network(network) : undefined,
  ].filter((x): x is string => !!x);
  let text = `${t.lookedUp} ${joinList(phrases.length ? phrases : [t.costSharing(cats)], lang)}${where.map((w) => `, ${w}`).join('')}.`;
  // A private person named outright, and — for a family total — everyone private to the asker.
  const hidden: PersonPart[] = who.people.filter((p) => !p.visible);
  const privateToAsker = family || (personal && who.scope === 'family') ? roster.filter((p) => !p.visible) : [];
  for (const p of privateToAsker.map((x) => personPart(roster, x, lang)))
    if (!hidden.some((h) => h.firstName === p.firstName)) hidden.push(p);
  if (hidden.length) text += ` ${t.privateNote(hidden.map((p) => p.firstName))}`;
  if (unexplained > 0) text += ` ${t.unexplained(unexplained)}`;

  const filters: { kind: FilterKind; text: string }[] = [];
  if (cats) filters.push({ kind: 'service', text: cats });
  if (network) filters.push({ kind: 'network', text: t.network(network) });
  const dates =
    year !== undefined
      ? { from: `${year}-01-01`, to: `${year}-12-31`, text: t.year(year) }
      : { text: lang === 'es' ? 'en todos los años del plan' : 'in every plan year' };
  return {
    text,
    lang,
    parts: {
      who,
      dates,
      filters,
      measure: { kind: TOPIC_MEASURE[topics[0] ?? 'cost_sharing'], columns: [], text: phrases.join('; ') },
      unexplained,
    },
  };
}

/** The plan's terms are the same for everyone in the family: no person is read. */
function planWho(lang: Lang): Who {
  return { scope: 'family', people: [], notIncluded: [], text: lang === 'es' ? 'su plan' : 'your plan' };
}
