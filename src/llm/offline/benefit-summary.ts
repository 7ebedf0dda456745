/**
 * Plain answers for benefit and claim-status rows (the SQL of benefits.ts, or any SQL with the
 * same columns). Every figure is a value of the rows, said in member words with what it means:
 * what is left of a deductible or maximum, what a service costs, why a claim was denied and what
 * to do. When the family totals leave out people whose claims are private, the answer says so.
 */
import { longDate } from '../../core/format.ts';
import type { Cell, Row } from '../../core/ports.ts';
import { categoryPhrase } from '../../schema/benefit-words.ts';
import { SERVICE_CATEGORIES, type ServiceCategory } from '../../schema/catalog.ts';
import { type BenefitContext, type BenefitIntent, BenefitKind, parseBenefitQuestion } from './benefits.ts';
import { formatLongDate, parseIsoDate } from './dates.ts';
import { formatMoney } from './money.ts';

const PRIVATE_NOTE =
  "This counts only the people whose claims you can see; amounts of family members whose claims are private to them are not included, so the family's real total may be higher.";

function money(v: Cell | undefined): string {
  return formatMoney(v ?? null) ?? '$0.00';
}

function isZero(v: Cell | undefined): boolean {
  return Number(v ?? 0) === 0;
}

function dateText(v: Cell | undefined): string {
  const d = typeof v === 'string' ? parseIsoDate(v.slice(0, 10)) : undefined;
  return d ? formatLongDate(d) : String(v ?? '');
}

function text(v: Cell | undefined): string {
  return (
    String(v ?? '')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
      .replace(/[\u0000-\u001f\u007f]+/g, ' ')
      .trim()
      .slice(0, 400)
  );
}

function truthy(v: Cell | undefined): boolean {
  return v === true || v === 't' || v === 'true';
}

function sentence(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** 'you' / 'your' for the asker's own rows, the person's first name otherwise. */
function who(intent: BenefitIntent, row: Row): { subject: string; possessive: string; has: string } {
  if (intent.subject.kind === 'self' || row.member_name === undefined)
    return { subject: 'you', possessive: 'your', has: 'have' };
  const first = text(row.member_name).split(' ')[0] ?? 'they';
  return { subject: first, possessive: `${first}'s`, has: 'has' };
}

function networkWords(row: Row, intent: BenefitIntent): string {
  return (row.network ?? intent.network) === 'out_of_network' ? 'out-of-network ' : '';
}

// ---------------------------------------------------------------- deductible and maximum

/** The columns of a deductible answer, or of an out-of-pocket maximum answer (English and Spanish alike). */
function limitColumns(deductible: boolean): readonly [string, string, string, string, string, string] {
  return deductible
    ? [
        'deductible_individual',
        'deductible_family',
        'deductible_met',
        'deductible_left',
        'family_deductible_met',
        'family_deductible_left',
      ]
    : ['oop_max_individual', 'oop_max_family', 'oop_met', 'oop_left', 'family_oop_met', 'family_oop_left'];
}

function limitAnswer(intent: BenefitIntent, rows: readonly Row[]): string {
  const ded = intent.kind === BenefitKind.DEDUCTIBLE;
  const [ind, fam, met, left, famMet, famLeft] = limitColumns(ded);
  const thing = ded ? 'deductible' : 'out-of-pocket maximum';
  const parts: string[] = [];
  for (const row of rows.slice(0, 4)) {
    const w = who(intent, row);
    const year = row.plan_year ?? intent.planYear;
    const net = networkWords(row, intent);
    const aggregate = row.family_deductible_kind === 'aggregate' && row.coverage_level === 'family' && ded;
    const individualCoverage = row.coverage_level === 'individual';
    if (intent.subject.kind === 'family' && !individualCoverage) {
      const done = isZero(row[famLeft]);
      const everyone = truthy(row.includes_everyone);
      const counted = everyone
        ? 'your family'
        : `counting the ${row.people_included} ${Number(row.people_included) === 1 ? 'person' : 'people'} whose claims you can see, your family`;
      parts.push(
        done
          ? `Yes: ${counted} has met its ${money(row[fam])} ${net}family ${thing} for ${year} (${money(row[famMet])} so far).`
          : `${everyone ? 'Not yet' : 'Not as far as I can see'}: ${counted} has ${ded ? 'met' : 'paid'} ${money(row[famMet])} of its ${money(row[fam])} ${net}family ${thing} for ${year}, so ${money(row[famLeft])} is left.`,
      );
      if (!ded && done)
        parts.push(
          'The plan now pays 100% of covered in-network care for everyone in the family for the rest of the year.',
        );
      if (!truthy(row.includes_everyone)) parts.push(PRIVATE_NOTE);
      continue;
    }
    if (aggregate) {
      parts.push(
        `Your plan has a ${money(row[fam])} ${net}family deductible for ${year} that the whole family meets together (family coverage on this plan has no separate individual deductible). Your family has met ${money(row[famMet])} of it, so ${money(row[famLeft])} is left; ${w.possessive} own claims counted ${money(row[met])}.`,
      );
      if (!truthy(row.includes_everyone)) parts.push(PRIVATE_NOTE);
      continue;
    }
    const reached = isZero(row[left]);
    // Embedded family amounts: once the family total is met, nobody in the family owes more of it.
    const familyMet = !individualCoverage && row[famLeft] !== undefined && isZero(row[famLeft]);
    if (familyMet && !reached) {
      parts.push(
        ded
          ? `${sentence(w.subject)} ${w.has} met ${money(row[met])} of ${w.possessive} ${money(row[ind])} ${net}deductible for ${year}, but the family deductible of ${money(row[fam])} has been met (${money(row[famMet])}), so ${money(row[famLeft])} is left for anyone in the family: the plan now shares the cost of covered care.`
          : `${sentence(w.subject)} ${w.has} paid ${money(row[met])} toward ${w.possessive} ${money(row[ind])} ${net}out-of-pocket maximum for ${year}, but the family maximum of ${money(row[fam])} has been reached (${money(row[famMet])}), so ${money(row[famLeft])} is left: the plan now pays 100% of covered care for everyone in the family.`,
      );
      if (!truthy(row.includes_everyone)) parts.push(PRIVATE_NOTE);
      continue;
    }
    if (ded) {
      parts.push(
        reached
          ? `${sentence(w.subject)} ${w.has} met ${w.possessive} ${money(row[ind])} ${net}deductible for ${year}, so none is left: the plan now shares the cost of covered care.`
          : `${sentence(w.subject)} ${w.has} met ${money(row[met])} of ${w.possessive} ${money(row[ind])} ${net}deductible for ${year}, so ${money(row[left])} is left.`,
      );
    } else {
      parts.push(
        reached
          ? `${sentence(w.subject)} ${w.has} reached ${w.possessive} ${money(row[ind])} ${net}out-of-pocket maximum for ${year}: the plan now pays 100% of covered care for the rest of the year.`
          : `${sentence(w.subject)} ${w.has} paid ${money(row[met])} toward ${w.possessive} ${money(row[ind])} ${net}out-of-pocket maximum for ${year}, so ${money(row[left])} more until the plan pays 100% of covered care.`,
      );
    }
    if (!individualCoverage && row[famLeft] !== undefined) {
      const famDone = isZero(row[famLeft]);
      parts.push(
        famDone
          ? `The family ${thing} of ${money(row[fam])} has been met (${money(row[famMet])}), which also counts for everyone in the family.`
          : `Toward the ${money(row[fam])} family ${thing}, your family has ${ded ? 'met' : 'paid'} ${money(row[famMet])} (${money(row[famLeft])} left); if the family total is reached first, that counts for everyone.`,
      );
      if (!truthy(row.includes_everyone)) parts.push(PRIVATE_NOTE);
    }
  }
  const asOf = rows[0]?.as_of_date;
  if (asOf !== undefined && asOf !== null)
    parts.push(`These totals are as of ${dateText(asOf)}; claims still being processed are not counted yet.`);
  return parts.join(' ');
}

// ---------------------------------------------------------------- cost sharing and visits

function ruleWords(row: Row): string {
  if (!truthy(row.covered)) return 'it is not covered by your plan';
  const copay = row.copay !== null && row.copay !== undefined ? money(row.copay) : undefined;
  const pct =
    row.coinsurance_percent !== null && row.coinsurance_percent !== undefined
      ? Number(row.coinsurance_percent)
      : undefined;
  const deductible = truthy(row.deductible_applies);
  const share =
    copay && pct
      ? `a ${copay} copay plus ${pct}% of the allowed amount`
      : copay
        ? `a ${copay} copay`
        : pct
          ? `${pct}% of the allowed amount (coinsurance)`
          : undefined;
  if (!share)
    return deductible
      ? 'you pay the full allowed cost until your deductible is met, then nothing'
      : 'it is covered in full: you pay nothing';
  return deductible ? `you pay the full allowed cost until your deductible is met, then ${share}` : `you pay ${share}`;
}

function costAnswer(intent: BenefitIntent, rows: readonly Row[]): string {
  const lines = rows.slice(0, SERVICE_CATEGORIES.length).map((row) => {
    const category = String(row.service_category) as ServiceCategory;
    const net = (row.network ?? intent.network) === 'out_of_network' ? ' out of network' : ' in network';
    let s = `For ${categoryPhrase(category)}${net}, ${ruleWords(row)}.`;
    if (truthy(row.covered) && row.visit_limit !== null && row.visit_limit !== undefined)
      s += ` Your plan covers up to ${row.visit_limit} visits per person per year.`;
    return s;
  });
  const deductibleFirst = rows.some((r) => truthy(r.deductible_applies) && truthy(r.covered));
  if (deductibleFirst) lines.push('Ask "How much of my deductible is left?" to see where you stand.');
  lines.push(
    'What you pay in a year never goes above your out-of-pocket maximum. For a cost estimate for a specific service, please call customer service.',
  );
  return rows.length > 1 ? lines.map((l, i) => (i < rows.length ? `- ${l}` : l)).join('\n') : lines.join(' ');
}

function visitsAnswer(intent: BenefitIntent, rows: readonly Row[]): string {
  const parts = rows.slice(0, 5).map((row) => {
    const w = who(intent, row);
    const category = String(row.service_category) as ServiceCategory;
    const year = intent.planYear;
    if (!truthy(row.covered)) return `${sentence(categoryPhrase(category))} is not covered by your plan.`;
    const used = Number(row.visits_used ?? 0);
    let s = `${sentence(categoryPhrase(category))} is covered: your plan covers up to ${row.visit_limit} visits per person per year. ${sentence(w.subject)} ${w.has} used ${used} in ${year}, so ${row.visits_left} ${Number(row.visits_left) === 1 ? 'is' : 'are'} left.`;
    s += ` For each visit, ${ruleWords(row)}.`;
    return s;
  });
  return parts.join(' ');
}

// ---------------------------------------------------------------- claims

function claimName(row: Row, intent: BenefitIntent): string {
  const whose = intent.subject.kind === 'self' ? 'Your' : `${text(row.member_name).split(' ')[0]}'s`;
  return `${whose} claim from ${text(row.provider_name)} on ${dateText(row.claim_date)}`;
}

function statusAnswer(intent: BenefitIntent, rows: readonly Row[]): string {
  const [first, ...rest] = rows;
  if (!first) return "I didn't find that claim.";
  const name = claimName(first, intent);
  let s: string;
  switch (first.claim_status) {
    case 'pending':
      s = `${name} has been received and is still being processed, so nothing has been paid yet.`;
      break;
    case 'denied':
      s = `${name} was denied${first.processed_date ? ` on ${dateText(first.processed_date)}` : ''}${first.denial_reason ? `: ${text(first.denial_reason).toLowerCase()}` : ''}. Ask me why it was denied to see what you can do.`;
      break;
    default: {
      const adjusted = first.claim_status === 'adjusted' ? ' (and later reprocessed)' : '';
      s = `${name} was paid${first.processed_date ? ` on ${dateText(first.processed_date)}` : ''}${adjusted}: the plan paid ${money(first.plan_paid_amount)} and your share is ${money(first.patient_responsibility)}.`;
      if (first.denial_reason) s += ` Part of the bill was not paid: ${text(first.denial_reason).toLowerCase()}.`;
    }
  }
  if (rest.length > 0) {
    const others = rest.map((r) => `${dateText(r.claim_date)} (${text(r.claim_status)})`).join(', ');
    s += ` Earlier claims there: ${others}.`;
  }
  return s;
}

function pendingAnswer(intent: BenefitIntent, rows: readonly Row[], rowCount: number): string {
  const whose = intent.subject.kind === 'self' ? 'your' : intent.subject.kind === 'family' ? "your family's" : 'those';
  const lines = rows
    .slice(0, 5)
    .map(
      (r) =>
        `- ${dateText(r.claim_date)}: ${text(r.member_name)}, ${r.claim_type === 'RX' ? 'prescription' : 'medical'} claim at ${text(r.provider_name)} (${money(r.charged_amount)} billed)`,
    );
  const more = rowCount > lines.length ? [`...and ${rowCount - lines.length} more.`] : [];
  const head =
    rowCount === 1
      ? `One of ${whose} claims is still being processed:`
      : `${rowCount} of ${whose} claims are still being processed:`;
  return [
    head,
    ...lines,
    ...more,
    'Pending claims are not paid yet and do not count toward your deductible until they are processed.',
  ].join('\n');
}

function deniedAnswer(intent: BenefitIntent, rows: readonly Row[], rowCount: number): string {
  const [first, ...rest] = rows;
  if (!first) return "I didn't find a denied claim.";
  const parts = [
    `${claimName(first, intent)} (${money(first.charged_amount)} billed) was denied: ${text(first.explanation)}`,
    `What you can do: ${text(first.next_steps)}`,
  ];
  if (rest.length > 0) {
    parts.push(
      `${rowCount - 1} other denied claim${rowCount - 1 === 1 ? '' : 's'}: ${rest
        .map((r) => `${dateText(r.claim_date)} at ${text(r.provider_name)} (${text(r.title).toLowerCase()})`)
        .join('; ')}.`,
    );
  }
  return parts.join(' ');
}

function countAnswer(intent: BenefitIntent, n: number): string {
  const whose = intent.subject.kind === 'self' ? 'your' : intent.subject.kind === 'family' ? "your family's" : 'those';
  const what = intent.kind === BenefitKind.DENIED ? 'denied' : 'still being processed';
  if (n === 0) return `None of ${whose} claims ${intent.kind === BenefitKind.DENIED ? 'were' : 'are'} ${what}.`;
  const verb = intent.kind === BenefitKind.DENIED ? (n === 1 ? 'was' : 'were') : n === 1 ? 'is' : 'are';
  const next =
    intent.kind === BenefitKind.DENIED
      ? ' Ask me why it was denied to see what you can do.'
      : ' Pending claims are not paid yet and do not count toward your deductible until they are processed.';
  return `${n} of ${whose} claims ${verb} ${what}.${next}`;
}

// ---------------------------------------------------------------- Spanish

const CATEGORIA_ES: Readonly<Record<ServiceCategory, string>> = {
  preventive_care: 'atención preventiva (chequeos y vacunas)',
  primary_care: 'una visita de atención primaria',
  specialist: 'una visita al especialista',
  urgent_care: 'atención de urgencia',
  emergency_room: 'la sala de emergencias',
  hospital_stay: 'una hospitalización',
  lab: 'análisis de laboratorio',
  imaging: 'imágenes (radiografías, tomografías y resonancias)',
  physical_therapy: 'fisioterapia',
  mental_health: 'salud mental',
  generic_drug: 'un medicamento genérico',
  preferred_brand_drug: 'un medicamento de marca preferido',
  non_preferred_drug: 'un medicamento de marca no preferido',
  chiropractic: 'atención quiropráctica',
  occupational_therapy: 'terapia ocupacional',
  speech_therapy: 'terapia del habla',
};
const categoriaEs = (v: Cell | undefined) =>
  CATEGORIA_ES[String(v) as ServiceCategory] ?? String(v ?? '').replace(/_/g, ' ');

function quien(intent: BenefitIntent, row: Row): { sujeto: string; su: string } {
  if (intent.subject.kind === 'self' || row.member_name === undefined) return { sujeto: 'Usted', su: 'su' };
  const first = text(row.member_name).split(' ')[0] ?? '';
  return { sujeto: first, su: `el de ${first}:` };
}

const NOTA_PRIVADA =
  'Esto cuenta solo a las personas cuyas reclamaciones puede ver; los montos de familiares cuya información es privada no están incluidos, así que el total real de la familia puede ser mayor.';

function limiteEs(intent: BenefitIntent, rows: readonly Row[]): string {
  const ded = intent.kind === BenefitKind.DEDUCTIBLE;
  const [ind, fam, met, left, famMet, famLeft] = limitColumns(ded);
  const cosa = ded ? 'deducible' : 'máximo de gastos de bolsillo';
  const parts: string[] = [];
  for (const row of rows.slice(0, 4)) {
    const year = row.plan_year ?? intent.planYear;
    const individual = row.coverage_level === 'individual';
    if (intent.subject.kind === 'family' && !individual) {
      parts.push(
        `Su familia lleva ${money(row[famMet])} de su ${cosa} familiar de ${money(row[fam])} para ${year}; le quedan ${money(row[famLeft])}.`,
      );
    } else {
      const w = quien(intent, row);
      const familiaCumplida = !individual && row[famLeft] !== undefined && isZero(row[famLeft]);
      const aggregate = ded && row.family_deductible_kind === 'aggregate' && !individual;
      if (aggregate)
        parts.push(
          `Su plan tiene un deducible familiar de ${money(row[fam])} para ${year} que la familia cumple en conjunto. La familia lleva ${money(row[famMet])}, así que quedan ${money(row[famLeft])}; las reclamaciones propias cuentan ${money(row[met])}.`,
        );
      else if (familiaCumplida && !isZero(row[left]))
        parts.push(
          `${w.sujeto} lleva ${money(row[met])} de ${w.su} ${cosa} de ${money(row[ind])} para ${year}, pero el ${cosa} familiar de ${money(row[fam])} ya se cumplió (${money(row[famMet])}), así que quedan ${money(row[famLeft])} para todos en la familia.`,
        );
      else
        parts.push(
          `${w.sujeto} lleva ${money(row[met])} de ${w.su} ${cosa} de ${money(row[ind])} para ${year}, así que quedan ${money(row[left])}.`,
        );
    }
    if (row.includes_everyone !== undefined && !truthy(row.includes_everyone)) parts.push(NOTA_PRIVADA);
  }
  const asOf = rows[0]?.as_of_date;
  if (asOf !== undefined && asOf !== null)
    parts.push(`Estos totales son al ${fechaEs(asOf)}; las reclamaciones en proceso todavía no cuentan.`);
  return parts.join(' ');
}

function fechaEs(v: Cell | undefined): string {
  return typeof v === 'string' && parseIsoDate(v.slice(0, 10)) ? longDate(v.slice(0, 10), 'es') : String(v ?? '');
}

function reglaEs(row: Row): string {
  if (!truthy(row.covered)) return 'no está cubierto por su plan';
  const copay = row.copay !== null && row.copay !== undefined ? money(row.copay) : undefined;
  const pct =
    row.coinsurance_percent !== null && row.coinsurance_percent !== undefined
      ? Number(row.coinsurance_percent)
      : undefined;
  const parte =
    copay && pct
      ? `un copago de ${copay} más el ${pct}% del monto permitido`
      : copay
        ? `un copago de ${copay}`
        : pct
          ? `el ${pct}% del monto permitido (coseguro)`
          : undefined;
  const deducible = truthy(row.deductible_applies);
  if (!parte)
    return deducible
      ? 'paga el costo permitido completo hasta cumplir su deducible, y después nada'
      : 'está cubierto por completo: no paga nada';
  return deducible
    ? `paga el costo permitido completo hasta cumplir su deducible, y después ${parte}`
    : `paga ${parte}`;
}

function spanishBenefit(
  intent: BenefitIntent,
  rows: readonly Row[],
  rowCount: number,
  has: (...keys: string[]) => boolean,
): string | undefined {
  const first = rows[0] as Row;
  if (intent.count && has('claim_count')) {
    const n = Number(first.claim_count);
    return intent.kind === BenefitKind.DENIED
      ? `${n} de sus reclamaciones ${n === 1 ? 'fue denegada' : 'fueron denegadas'}.`
      : `${n} de sus reclamaciones ${n === 1 ? 'está' : 'están'} todavía en proceso.`;
  }
  switch (intent.kind) {
    case BenefitKind.DEDUCTIBLE:
      return has('deductible_family', 'family_deductible_met', 'family_deductible_left')
        ? limiteEs(intent, rows)
        : undefined;
    case BenefitKind.OUT_OF_POCKET_MAX:
      return has('oop_max_family', 'family_oop_met', 'family_oop_left') ? limiteEs(intent, rows) : undefined;
    case BenefitKind.COST_SHARING:
      if (!has('service_category', 'covered', 'copay', 'coinsurance_percent', 'deductible_applies')) return undefined;
      return rows
        .slice(0, SERVICE_CATEGORIES.length)
        .map((r) => {
          let line = `Para ${categoriaEs(r.service_category)}${r.network === 'out_of_network' ? ' fuera de la red' : ' dentro de la red'}, ${reglaEs(r)}.`;
          if (truthy(r.covered) && r.visit_limit !== null && r.visit_limit !== undefined)
            line += ` Su plan cubre hasta ${r.visit_limit} visitas por persona al año.`;
          return line;
        })
        .join(' ');
    case BenefitKind.VISITS_LEFT:
      if (!has('visit_limit', 'visits_used', 'visits_left')) return undefined;
      return rows
        .slice(0, 5)
        .map((r) =>
          truthy(r.covered)
            ? `Su plan cubre hasta ${r.visit_limit} visitas de ${categoriaEs(r.service_category)} por persona al año; ${quien(intent, r).sujeto === 'Usted' ? 'usted lleva' : `${quien(intent, r).sujeto} lleva`} ${Number(r.visits_used ?? 0)} en ${intent.planYear}, así que ${Number(r.visits_left) === 1 ? 'queda' : 'quedan'} ${r.visits_left}.`
            : `${categoriaEs(r.service_category)}: no está cubierto por su plan.`,
        )
        .join(' ');
    case BenefitKind.PENDING: {
      if (!has('claim_date', 'provider_name', 'charged_amount')) return undefined;
      const lines = rows
        .slice(0, 5)
        .map(
          (r) =>
            `- ${fechaEs(r.claim_date)}: ${text(r.member_name)}, ${text(r.provider_name)} (${money(r.charged_amount)} facturado)`,
        );
      return [
        rowCount === 1
          ? 'Una de sus reclamaciones está todavía en proceso:'
          : `${rowCount} de sus reclamaciones están todavía en proceso:`,
        ...lines,
        'Las reclamaciones en proceso todavía no se han pagado ni cuentan para su deducible.',
      ].join('\n');
    }
    case BenefitKind.DENIED: {
      if (has('explanation_es', 'next_steps_es', 'claim_date'))
        return `Su reclamación de ${text(first.provider_name)} del ${fechaEs(first.claim_date)} (${money(first.charged_amount)} facturado) fue denegada. Motivo: ${text(first.explanation_es)} Qué puede hacer: ${text(first.next_steps_es)}`;
      // SQL that read the English reason (a model may write it so): said as such.
      if (!has('explanation', 'next_steps', 'claim_date')) return undefined;
      return `Su reclamación de ${text(first.provider_name)} del ${fechaEs(first.claim_date)} (${money(first.charged_amount)} facturado) fue denegada. Motivo (en inglés): ${text(first.explanation)} Qué puede hacer: ${text(first.next_steps)}`;
    }
    case BenefitKind.CLAIM_STATUS: {
      if (!has('claim_status', 'claim_date', 'provider_name')) return undefined;
      const estado =
        { paid: 'pagada', adjusted: 'pagada y luego reprocesada', denied: 'denegada', pending: 'todavía en proceso' }[
          String(first.claim_status)
        ] ?? text(first.claim_status);
      return `Su reclamación de ${text(first.provider_name)} del ${fechaEs(first.claim_date)} está ${estado}.`;
    }
  }
  return undefined;
}

/**
 * The answer for benefit or claim-status rows, or `undefined` when the rows do not have the
 * columns this kind of answer needs (the generic summary takes them).
 *
 * @example
 * summarizeBenefit(intent, [{ member_name: 'Daniel Whitfield', deductible_individual: '500.00', ... }], 1)
 */
export function summarizeBenefit(
  intent: BenefitIntent,
  rows: readonly Row[],
  rowCount = rows.length,
): string | undefined {
  const first = rows[0];
  if (!first) return undefined;
  const has = (...keys: string[]) => keys.every((k) => k in first);
  if (intent.lang === 'es') return spanishBenefit(intent, rows, rowCount, has);
  if (intent.count && has('claim_count') && (intent.kind === BenefitKind.DENIED || intent.kind === BenefitKind.PENDING))
    return countAnswer(intent, Number(first.claim_count));
  switch (intent.kind) {
    case BenefitKind.DEDUCTIBLE:
      return has('deductible_family', 'family_deductible_met', 'family_deductible_left')
        ? limitAnswer(intent, rows)
        : undefined;
    case BenefitKind.OUT_OF_POCKET_MAX:
      return has('oop_max_family', 'family_oop_met', 'family_oop_left') ? limitAnswer(intent, rows) : undefined;
    case BenefitKind.COST_SHARING:
      return has('service_category', 'covered', 'copay', 'coinsurance_percent', 'deductible_applies')
        ? costAnswer(intent, rows)
        : undefined;
    case BenefitKind.VISITS_LEFT:
      return has('visit_limit', 'visits_used', 'visits_left') ? visitsAnswer(intent, rows) : undefined;
    case BenefitKind.CLAIM_STATUS:
      return has('claim_status', 'claim_date', 'provider_name') ? statusAnswer(intent, rows) : undefined;
    case BenefitKind.PENDING:
      return has('claim_date', 'provider_name', 'charged_amount') ? pendingAnswer(intent, rows, rowCount) : undefined;
    case BenefitKind.DENIED:
      return has('explanation', 'next_steps', 'claim_date') ? deniedAnswer(intent, rows, rowCount) : undefined;
  }
}

/**
 * The engine's summary for a benefit or claim-status question, or `undefined` when the question is
 * not one or the rows are not shaped for it (the claims summary answers).
 *
 * @example
 * benefitSummaryReply('Which of my claims are still pending?', rows, rows.length, { today })
 */
export function benefitSummaryReply(
  question: string,
  rows: readonly Row[],
  rowCount: number,
  ctx: BenefitContext,
): string | undefined {
  const parsed = parseBenefitQuestion(question, ctx);
  if (!parsed?.ok) return undefined;
  return summarizeBenefit(parsed.intent, rows, rowCount);
}
