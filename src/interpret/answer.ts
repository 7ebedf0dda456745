/**
 * The deterministic answer: built only from the rows and the interpretation of the validated
 * SQL, so every figure in it is a cell of the rows. The pipeline sends it when a model's summary
 * fails the number guard (and it is what the member can always fall back on).
 */
import { countOf, joinList, longDate, money } from '../core/format.ts';
import type { Lang } from '../core/language.ts';
import type { Cell, Row } from '../core/ports.ts';
import { isMoneyColumn, MONEY_NOUNS, type MoneyColumn } from '../schema/vocabulary.ts';
import type { Interpretation } from './interpret.ts';

const MAX_LINES = 5;

function text(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return '—';
  return (
    String(cell)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
      .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 80)
  );
}

function isDate(cell: Cell | undefined): cell is string {
  return typeof cell === 'string' && /^\d{4}-\d{2}-\d{2}/.test(cell);
}

const LABELS: Readonly<Record<Lang, Readonly<Record<MoneyColumn, string>>>> = {
  en: {
    charged_amount: 'billed',
    allowed_amount: 'full cost',
    plan_paid_amount: 'plan paid',
    patient_responsibility: 'out-of-pocket share',
    copay_amount: 'copays',
    coinsurance_amount: 'coinsurance',
    deductible_amount: 'toward the deductible',
  },
  es: {
    charged_amount: 'facturado',
    allowed_amount: 'costo total',
    plan_paid_amount: 'pagó el plan',
    patient_responsibility: 'parte de bolsillo',
    copay_amount: 'copagos',
    coinsurance_amount: 'coseguro',
    deductible_amount: 'hacia el deducible',
  },
};

function claimLine(row: Row, lang: Lang): string {
  const head = [
    isDate(row.claim_date) ? longDate(row.claim_date.slice(0, 10), lang) : undefined,
    row.member_name !== undefined ? text(row.member_name) : undefined,
    row.provider_name !== undefined ? text(row.provider_name) : undefined,
  ].filter(Boolean);
  const amounts = (Object.keys(LABELS[lang]) as MoneyColumn[])
    .filter((c) => row[c] !== undefined && money(row[c]) !== undefined)
    .map((c) => `${LABELS[lang][c]} ${money(row[c])}`);
  const others = Object.entries(row)
    .filter(
      ([k]) =>
        !['claim_date', 'member_name', 'provider_name', 'relationship_code', 'claim_type'].includes(k) &&
        !isMoneyColumn(k),
    )
    .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${isDate(v) ? longDate(v.slice(0, 10), lang) : text(v)}`);
  return `${head.join(', ')}${amounts.length || others.length ? ` (${[...amounts, ...others].join(', ')})` : ''}`;
}

type Unit = 'money' | 'percent' | 'count' | 'yesno';

/** Columns of the plan and its totals in member words, with how each value is said. */
const COLUMN_WORDS: Readonly<Record<string, { en: string; es: string; unit?: Unit }>> = {
  deductible_individual: { en: 'deductible for one person', es: 'deducible por persona', unit: 'money' },
  deductible_family: { en: 'family deductible', es: 'deducible familiar', unit: 'money' },
  deductible_met: { en: 'met toward the deductible', es: 'cubierto del deducible', unit: 'money' },
  deductible_left: { en: 'deductible left', es: 'deducible restante', unit: 'money' },
  family_deductible_met: { en: 'family deductible met', es: 'deducible familiar cubierto', unit: 'money' },
  family_deductible_left: { en: 'family deductible left', es: 'deducible familiar restante', unit: 'money' },
  oop_max_individual: {
    en: 'out-of-pocket maximum for one person',
    es: 'máximo de bolsillo por persona',
    unit: 'money',
  },
  oop_max_family: { en: 'family out-of-pocket maximum', es: 'máximo de bolsillo familiar', unit: 'money' },
  oop_met: { en: 'paid toward the out-of-pocket maximum', es: 'pagado hacia el máximo de bolsillo', unit: 'money' },
  oop_left: { en: 'left until the out-of-pocket maximum', es: 'restante hasta el máximo de bolsillo', unit: 'money' },
  family_oop_met: {
    en: 'family paid toward its out-of-pocket maximum',
    es: 'pagado por la familia hacia su máximo',
    unit: 'money',
  },
  family_oop_left: {
    en: 'family left until its out-of-pocket maximum',
    es: 'restante de la familia hasta su máximo',
    unit: 'money',
  },
  copay: { en: 'copay', es: 'copago', unit: 'money' },
  coinsurance_percent: { en: 'coinsurance', es: 'coseguro', unit: 'percent' },
  covered: { en: 'covered', es: 'cubierto', unit: 'yesno' },
  deductible_applies: { en: 'deductible applies first', es: 'aplica primero el deducible', unit: 'yesno' },
  visit_limit: { en: 'visits covered per year', es: 'visitas cubiertas por año', unit: 'count' },
  visits_used: { en: 'visits used', es: 'visitas usadas', unit: 'count' },
  visits_left: { en: 'visits left', es: 'visitas restantes', unit: 'count' },
  includes_everyone: {
    en: 'includes everyone in the family',
    es: 'incluye a toda la familia',
    unit: 'yesno',
  },
  people_included: { en: 'people included', es: 'personas incluidas', unit: 'count' },
  plan_year: { en: 'plan year', es: 'año del plan' },
  as_of_date: { en: 'as of', es: 'al' },
  claim_status: { en: 'status', es: 'estado' },
  processed_date: { en: 'processed', es: 'procesada' },
  service_category: { en: 'kind of care', es: 'tipo de atención' },
};

function said(value: Cell | undefined, unit: Unit | undefined, lang: Lang): string {
  if (value === null || value === undefined) return lang === 'es' ? 'ninguno' : 'none';
  if (isDate(value)) return longDate(value.slice(0, 10), lang);
  if (unit === 'money') return money(value) ?? text(value);
  if (unit === 'percent') return `${text(value)}%`;
  if (unit === 'yesno' && typeof value === 'boolean') return value ? (lang === 'es' ? 'sí' : 'yes') : 'no';
  return text(value);
}

function genericLine(row: Row, lang: Lang): string {
  return Object.entries(row)
    .map(([k, v]) => {
      const known = COLUMN_WORDS[k];
      if (known) return `${known[lang]}: ${said(v, known.unit, lang)}`;
      const name = k.replace(/_/g, ' ');
      if (isDate(v)) return `${name}: ${longDate(v.slice(0, 10), lang)}`;
      if (/amount|paid|cost|billed|share|responsib|total|sum|avg|average|spent|copays|coinsurance/i.test(k) && money(v))
        return `${name}: ${money(v)}`;
      return `${name}: ${text(v)}`;
    })
    .join(', ');
}

function lines(rows: readonly Row[], lang: Lang, line: (r: Row, l: Lang) => string): string[] {
  const out = rows.slice(0, MAX_LINES).map((r) => `- ${line(r, lang)}`);
  if (rows.length > MAX_LINES)
    out.push(lang === 'es' ? `...y ${rows.length - MAX_LINES} más.` : `...and ${rows.length - MAX_LINES} more.`);
  return out;
}

/**
 * A plain answer from the rows alone, in the member's language.
 *
 * @example
 * answerFromRows([{ full_cost: '339.52', member_share: '38.31' }], interpretation, 'en')
 * // 'Full cost: $339.52. Out-of-pocket share: $38.31.'
 */
export function answerFromRows(
  rows: readonly Row[],
  interpretation: Interpretation | undefined,
  lang: Lang = 'en',
): string {
  const es = lang === 'es';
  const first = rows[0];
  if (!first) return es ? 'No encontré reclamaciones que coincidan.' : "I didn't find any claims that match.";
  const kind = interpretation?.parts.measure.kind;
  const values = Object.values(first);
  const single = rows.length === 1;

  if (single && (kind === 'count' || kind === 'provider_count') && values.length === 1) {
    const n = countOf(values[0]);
    if (n !== undefined) {
      if (kind === 'provider_count')
        return es
          ? `${n} proveedor${n === 1 ? '' : 'es'} distinto${n === 1 ? '' : 's'}.`
          : `${n} different provider${n === 1 ? '' : 's'}.`;
      return es ? `${n} reclamaci${n === 1 ? 'ón' : 'ones'}.` : `${n} claim${n === 1 ? '' : 's'}.`;
    }
  }
  const columns = interpretation?.parts.measure.columns ?? [];
  if (
    single &&
    (kind === 'total' || kind === 'average' || kind === 'highest' || kind === 'lowest') &&
    columns.length === values.length
  ) {
    if (values.every((v) => v === null))
      return es ? 'No encontré reclamaciones que coincidan.' : "I didn't find any claims that match.";
    const prefix = kind === 'average' ? (es ? 'Promedio por reclamación — ' : 'Average per claim — ') : '';
    const parts = columns.map((c, i) => {
      const label = MONEY_NOUNS[lang][c];
      return `${label.charAt(0).toUpperCase()}${label.slice(1)}: ${money(values[i]) ?? text(values[i])}.`;
    });
    return `${prefix}${parts.join(' ')}`;
  }
  if (single && kind === 'top_provider' && first.provider_name !== undefined) {
    const n = values.map(countOf).find((v) => v !== undefined);
    const provider = text(first.provider_name);
    if (n === undefined) return `${provider}.`;
    return es
      ? `${provider}, con ${n} reclamaci${n === 1 ? 'ón' : 'ones'}.`
      : `${provider}, with ${n} claim${n === 1 ? '' : 's'}.`;
  }
  if (Object.keys(first).length === 1 && first.provider_name !== undefined) {
    const names = rows.slice(0, MAX_LINES).map((r) => text(r.provider_name));
    const more = rows.length - names.length;
    const list =
      more > 0 ? `${names.join(', ')} ${es ? 'y' : 'and'} ${more} ${es ? 'más' : 'more'}` : joinList(names, lang);
    return es
      ? `${rows.length} proveedor${rows.length === 1 ? '' : 'es'}: ${list}.`
      : `${rows.length} provider${rows.length === 1 ? '' : 's'}: ${list}.`;
  }
  if (first.claim_date !== undefined) {
    const head = es
      ? `Encontré ${rows.length} reclamaci${rows.length === 1 ? 'ón' : 'ones'}:`
      : `I found ${rows.length} claim${rows.length === 1 ? '' : 's'}:`;
    return [head, ...lines(rows, lang, claimLine)].join('\n');
  }
  if (single) return `${genericLine(first, lang)}.`;
  return [
    es ? `Encontré ${rows.length} resultados:` : `I found ${rows.length} results:`,
    ...lines(rows, lang, genericLine),
  ].join('\n');
}
