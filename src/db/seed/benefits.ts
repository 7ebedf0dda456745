/**
 * Benefits, claim status and accumulators for the seed, from the claims generate.ts made.
 *
 * Everything here draws from its OWN random stream (the seed XOR a constant), after the claims
 * exist: the original sequence, and so every original claim's values and claim id, is unchanged.
 * Denied and pending claims are new rows appended after the original ones, and after them the visits
 * of the services with a visit limit that generate.ts never draws (chiropractic, occupational and
 * speech therapy: therapySeries, from a third stream of their own). Those visits are adjudicated
 * with the original claims in date order, so they take their share of the deductible and
 * out-of-pocket maximum; a visit past the plan year's limit is denied (CARC 119) and moves nothing.
 *
 * Each paid claim is adjudicated in date order against its plan year's benefits: the member's
 * share (patient_responsibility, as seeded) is split into the part applied to the deductible (while
 * the person's and family's deductible is not met), the copay, the coinsurance (at most the plan's
 * percent of the rest of the allowed amount), all capped by what is left of the out-of-pocket
 * maximums; what remains is not_covered_amount. Accumulators are the sums of those parts per
 * person (and per family), plan year and network, so they agree with the claims by construction;
 * test/db/accumulators.test.ts proves it on the loaded database with independent SQL.
 */
import type { ClaimStatus, Network, ServiceCategory } from '../../schema/catalog.ts';
import type { BaseSeedClaim, SeedFamily, SeedPerson } from './generate.ts';
import { CONDITIONS, MEDICAL_PROVIDERS, PHARMACIES, type SeedPlan } from './lists.ts';
import {
  type CostShareRule,
  limitsForYear,
  type NetworkLimits,
  outOfNetworkRule,
  PLAN_DESIGNS,
  type PlanDesign,
  serviceCategoryOf,
} from './plan-designs.ts';
import { mulberry32, Random } from './random.ts';

/** What adjudication adds to a claim. Money as decimal strings, like the rest of the seed. */
export interface ClaimAdjudication {
  readonly status: ClaimStatus;
  readonly processedDate: string | null;
  readonly denialCode: string | null;
  readonly serviceCategory: ServiceCategory;
  readonly network: Network;
  readonly deductibleAmount: string;
  readonly copayAmount: string;
  readonly coinsuranceAmount: string;
  /** The rest of the member's share: owed, but not a deductible, copay or coinsurance amount. */
  readonly notCoveredAmount: string;
}

export type SeedClaim = BaseSeedClaim & ClaimAdjudication;

export interface SeedPlanYearLimit {
  readonly planId: string;
  readonly planYear: number;
  readonly network: Network;
  readonly deductibleIndividual: string;
  readonly deductibleFamily: string;
  readonly oopMaxIndividual: string;
  readonly oopMaxFamily: string;
}

export interface SeedPlanService {
  readonly planId: string;
  readonly planYear: number;
  readonly serviceCategory: ServiceCategory;
  readonly network: Network;
  readonly covered: boolean;
  readonly copay: string | null;
  readonly coinsurancePercent: number | null;
  readonly deductibleApplies: boolean;
  readonly visitLimit: number | null;
}

export interface SeedAccumulator {
  readonly memberId: string;
  readonly personId: string;
  readonly memberName: string;
  readonly relationship: SeedPerson['relationship'];
  readonly planYear: number;
  readonly network: Network;
  readonly deductibleMet: string;
  readonly oopMet: string;
  readonly asOfDate: string;
}

export interface SeedFamilyTotal {
  readonly memberId: string;
  readonly planYear: number;
  readonly network: Network;
  readonly deductibleMet: string;
  readonly oopMet: string;
  readonly asOfDate: string;
}

export interface SeedVisitCount {
  readonly memberId: string;
  readonly personId: string;
  readonly memberName: string;
  readonly relationship: SeedPerson['relationship'];
  readonly planYear: number;
  readonly serviceCategory: ServiceCategory;
  readonly visitsUsed: number;
  readonly asOfDate: string;
}

export interface BenefitSeed {
  readonly claims: SeedClaim[];
  readonly planYearLimits: SeedPlanYearLimit[];
  readonly planServices: SeedPlanService[];
  readonly accumulators: SeedAccumulator[];
  readonly familyTotals: SeedFamilyTotal[];
  readonly visitCounts: SeedVisitCount[];
}

export interface BenefitInput {
  readonly plans: readonly SeedPlan[];
  readonly families: readonly SeedFamily[];
  readonly people: readonly SeedPerson[];
  /** The generated claims, in their final (date) order. */
  readonly claims: readonly BaseSeedClaim[];
}

/** Plan years the seed covers: the claims span three years back from today, so four calendar years. */
export const PLAN_YEARS_BACK = 3;
/** Salt of the benefits stream: same seed, a different sequence from the claims'. */
const STREAM_SALT = 0x5eedb3f1;
/** Salt of the limited-service visits' stream (therapySeries): the two streams above stay as they were. */
const SERIES_SALT = 0x7e4a9c21;
const DAY_MS = 86_400_000;
const NETWORK_ORDER: readonly Network[] = ['in_network', 'out_of_network'];

const toCents = (money: string): number => Math.round(Number(money) * 100);
const money = (cents: number): string => (cents / 100).toFixed(2);
const dollars = (d: number): string => d.toFixed(2);

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}

function designOf(planId: string): PlanDesign {
  const design = PLAN_DESIGNS[planId];
  if (!design) throw new Error(`no benefit design for plan ${planId}`);
  return design;
}

function networksOf(design: PlanDesign): readonly Network[] {
  return design.outOfNetwork ? NETWORK_ORDER : ['in_network'];
}

function limitsOf(design: PlanDesign, network: Network, yearsBack: number): NetworkLimits | undefined {
  const base = network === 'in_network' ? design.inNetwork : design.outOfNetwork;
  return base ? limitsForYear(base, yearsBack) : undefined;
}

function ruleOf(design: PlanDesign, category: ServiceCategory, network: Network): CostShareRule {
  return network === 'in_network' ? design.services[category] : outOfNetworkRule(design, category);
}

/** Running totals, in cents. */
interface Totals {
  ded: number;
  oop: number;
}

/**
 * Adds benefits, claim status, denied and pending claims and accumulators to generated seed data.
 * Pure: same input, same seed, same output.
 *
 * @example
 * const benefits = addBenefits({ plans, families, people, claims }, { today: '2026-11-25', seed: 20240601 });
 */
export function addBenefits(input: BenefitInput, opts: { readonly today: string; readonly seed: number }): BenefitSeed {
  const today = opts.today;
  const thisYear = Number(today.slice(0, 4));
  const years = Array.from({ length: PLAN_YEARS_BACK + 1 }, (_, i) => thisYear - PLAN_YEARS_BACK + i);
  const rnd = new Random(mulberry32((opts.seed ^ STREAM_SALT) >>> 0));

  const planOf = new Map(input.families.map((f) => [f.memberId, f.planId]));
  const familySize = new Map<string, number>();
  for (const p of input.people) familySize.set(p.memberId, (familySize.get(p.memberId) ?? 0) + 1);

  // ---- plan terms per plan year and network
  const planYearLimits: SeedPlanYearLimit[] = [];
  const planServices: SeedPlanService[] = [];
  for (const plan of input.plans) {
    const design = designOf(plan.planId);
    for (const year of years) {
      for (const network of networksOf(design)) {
        const l = limitsOf(design, network, thisYear - year);
        if (!l) continue;
        planYearLimits.push({
          planId: plan.planId,
          planYear: year,
          network,
          deductibleIndividual: dollars(l.dedInd),
          deductibleFamily: dollars(l.dedFam),
          oopMaxIndividual: dollars(l.oopInd),
          oopMaxFamily: dollars(l.oopFam),
        });
      }
      for (const network of NETWORK_ORDER) {
        for (const category of Object.keys(design.services) as ServiceCategory[]) {
          const rule = ruleOf(design, category, network);
          planServices.push({
            planId: plan.planId,
            planYear: year,
            serviceCategory: category,
            network,
            covered: rule.covered,
            copay: rule.copay === undefined ? null : dollars(rule.copay),
            coinsurancePercent: rule.coinsurance ?? null,
            deductibleApplies: rule.deductible,
            visitLimit: rule.visitLimit ?? null,
          });
        }
      }
    }
  }

  // ---- status, processing date, network of the generated claims (all were adjudicated: paid)
  const personTotals = new Map<string, Totals>();
  const familyTotalsMap = new Map<string, Totals>();
  const totals = (map: Map<string, Totals>, key: string): Totals => {
    let t = map.get(key);
    if (!t) {
      t = { ded: 0, oop: 0 };
      map.set(key, t);
    }
    return t;
  };

  const adjudicate = (c: BaseSeedClaim, rnd: Random): SeedClaim => {
    const planId = planOf.get(c.memberId) ?? '';
    const design = designOf(planId);
    const category = serviceCategoryOf(c);
    const outOfNetworkPossible =
      design.outOfNetwork !== undefined &&
      c.claimType === 'Medical' &&
      category !== 'emergency_room' &&
      category !== 'preventive_care';
    const network: Network = outOfNetworkPossible && rnd.chance(0.08) ? 'out_of_network' : 'in_network';
    const lag = rnd.int(3, 30);
    const adjusted = rnd.chance(0.05);
    const processedDate = minDate(today, addDays(c.claimDate, lag + (adjusted ? rnd.int(14, 60) : 0)));
    const unpaid = toCents(c.allowed) - toCents(c.planPaid) - toCents(c.patientResponsibility);
    const denialCode = unpaid > 0 ? rnd.pick(['97', '97', '50', '16']) : null;

    // Adjudication against the plan year's terms, in date order (the claims are sorted by date).
    const year = Number(c.claimDate.slice(0, 4));
    const limits = limitsOf(design, network, thisYear - year);
    const rule = ruleOf(design, category, network);
    const family = (familySize.get(c.memberId) ?? 1) > 1;
    const p = totals(personTotals, `${c.personId}|${year}|${network}`);
    const f = totals(familyTotalsMap, `${c.memberId}|${year}|${network}`);
    const allowed = toCents(c.allowed);
    let room = toCents(c.patientResponsibility);
    let d = 0;
    let k = 0;
    let i = 0;
    if (limits && rule.covered) {
      const oopRoom = Math.min(limits.oopInd * 100 - p.oop, family ? limits.oopFam * 100 - f.oop : Infinity);
      room = Math.max(0, Math.min(room, oopRoom));
      if (rule.deductible) {
        const individual = limits.dedInd * 100 - p.ded;
        const whole = limits.dedFam * 100 - f.ded;
        const dedRoom = !family
          ? individual
          : design.familyDeductibleKind === 'embedded'
            ? Math.min(individual, whole)
            : whole;
        d = Math.max(0, Math.min(room, dedRoom));
      }
      room -= d;
      k = rule.copay === undefined ? 0 : Math.min(room, rule.copay * 100);
      room -= k;
      i =
        rule.coinsurance === undefined
          ? 0
          : Math.max(0, Math.min(room, Math.round(((allowed - d - k) * rule.coinsurance) / 100)));
      p.ded += d;
      f.ded += d;
      p.oop += d + k + i;
      f.oop += d + k + i;
    }
    return {
      ...c,
      status: adjusted ? 'adjusted' : 'paid',
      processedDate,
      denialCode,
      serviceCategory: category,
      network,
      deductibleAmount: money(d),
      copayAmount: money(k),
      coinsuranceAmount: money(i),
      notCoveredAmount: money(toCents(c.patientResponsibility) - d - k - i),
    };
  };

  // The original claims and the limited-service visits, in date order (originals first on a day):
  // each draws its adjudication from its own stream, so the original claims' draws are unchanged.
  const series = therapySeries(input, today, opts.seed);
  const claims: SeedClaim[] = [];
  const seriesClaims: SeedClaim[] = [];
  for (let o = 0, v = 0; o < input.claims.length || v < series.paid.length; ) {
    const original = input.claims[o];
    const visit = series.paid[v];
    if (original && (!visit || original.claimDate <= visit.claimDate)) {
      claims.push(adjudicate(original, rnd));
      o++;
    } else if (visit) {
      seriesClaims.push(adjudicate(visit, series.rnd));
      v++;
    }
  }

  // ---- denied and pending claims: new rows after the generated ones
  const demo = new Set(input.families.slice(0, 4).map((f) => f.memberId));
  const byPerson = new Map<string, SeedClaim[]>();
  for (const c of claims) {
    const list = byPerson.get(c.personId) ?? [];
    list.push(c);
    byPerson.set(c.personId, list);
  }
  const extra: SeedClaim[] = [];
  for (const person of input.people) {
    const design = designOf(planOf.get(person.memberId) ?? '');
    const isDemo = demo.has(person.memberId);
    const age = Math.floor((Date.parse(today) - Date.parse(person.birthDate)) / (365.25 * DAY_MS));
    if (isDemo || rnd.chance(0.3)) {
      const date = addDays(today, -(isDemo ? rnd.int(10, 150) : rnd.int(5, 700)));
      extra.push(deniedClaim(rnd, person, design, date, today, age, byPerson.get(person.personId) ?? []));
    }
    if (isDemo || rnd.chance(0.25)) {
      extra.push(pendingClaim(rnd, person, addDays(today, -rnd.int(0, 20)), age));
    }
  }
  extra.sort((a, b) => (a.claimDate < b.claimDate ? -1 : a.claimDate > b.claimDate ? 1 : 0));

  // ---- accumulators: every person and family, every plan year and covered network
  const accumulators: SeedAccumulator[] = [];
  const familyTotals: SeedFamilyTotal[] = [];
  const visitCounts: SeedVisitCount[] = [];
  const visits = new Map<string, number>();
  for (const c of [...claims, ...seriesClaims]) {
    if (c.status === 'paid' || c.status === 'adjusted') {
      const key = `${c.personId}|${c.claimDate.slice(0, 4)}|${c.serviceCategory}`;
      visits.set(key, (visits.get(key) ?? 0) + 1);
    }
  }
  for (const family of input.families) {
    const design = designOf(family.planId);
    const members = input.people.filter((p) => p.memberId === family.memberId);
    const limited = (Object.keys(design.services) as ServiceCategory[]).filter((c) => design.services[c].visitLimit);
    for (const year of years) {
      for (const network of networksOf(design)) {
        for (const person of members) {
          const t = personTotals.get(`${person.personId}|${year}|${network}`) ?? { ded: 0, oop: 0 };
          accumulators.push({
            memberId: person.memberId,
            personId: person.personId,
            memberName: `${person.firstName} ${person.lastName}`,
            relationship: person.relationship,
            planYear: year,
            network,
            deductibleMet: money(t.ded),
            oopMet: money(t.oop),
            asOfDate: today,
          });
        }
        const t = familyTotalsMap.get(`${family.memberId}|${year}|${network}`) ?? { ded: 0, oop: 0 };
        familyTotals.push({
          memberId: family.memberId,
          planYear: year,
          network,
          deductibleMet: money(t.ded),
          oopMet: money(t.oop),
          asOfDate: today,
        });
      }
      for (const person of members) {
        for (const category of limited) {
          visitCounts.push({
            memberId: person.memberId,
            personId: person.personId,
            memberName: `${person.firstName} ${person.lastName}`,
            relationship: person.relationship,
            planYear: year,
            serviceCategory: category,
            visitsUsed: visits.get(`${person.personId}|${year}|${category}`) ?? 0,
            asOfDate: today,
          });
        }
      }
    }
  }

  const visitsAfter = [...seriesClaims, ...series.denied].sort((a, b) =>
    a.claimDate < b.claimDate ? -1 : a.claimDate > b.claimDate ? 1 : 0,
  );
  return {
    claims: [...claims, ...extra, ...visitsAfter],
    planYearLimits,
    planServices,
    accumulators,
    familyTotals,
    visitCounts,
  };
}

/** Zero amounts for a claim the plan did not (or not yet) pay. */
const NOTHING = { allowed: '0.00', planPaid: '0.00', patientResponsibility: '0.00' } as const;
const NO_SPLIT = {
  deductibleAmount: '0.00',
  copayAmount: '0.00',
  coinsuranceAmount: '0.00',
  notCoveredAmount: '0.00',
} as const;

interface DenialShape {
  readonly provider: string;
  readonly claimType: 'Medical' | 'RX';
  readonly diagnosis: string;
  readonly procedure: string | null;
  readonly ndc: string | null;
  readonly chargedCents: readonly [number, number];
  readonly network?: Network;
}

/** Why a seeded claim is denied, and the kind of care that fits the reason (weights repeat codes). */
const DENIAL_CODES = ['197', '197', '197', '16', '16', '16', '50', '50', '18', '18', '22', '96', '97', '97', '204'];
const OUT_OF_NETWORK_DENIAL = '242';

function denialShape(code: string, age: number, rnd: Random): DenialShape {
  switch (code) {
    case '197':
      return rnd.chance(0.5)
        ? {
            provider: 'Summit Imaging Center',
            claimType: 'Medical',
            diagnosis: 'R51.9',
            procedure: '70450',
            ndc: null,
            chargedCents: [60_000, 250_000],
          }
        : {
            provider: 'Summit Imaging Center',
            claimType: 'Medical',
            diagnosis: 'M54.50',
            procedure: '72100',
            ndc: null,
            chargedCents: [40_000, 120_000],
          };
    case '50':
      return {
        provider: 'Pinecrest Physical Therapy',
        claimType: 'Medical',
        diagnosis: 'M54.50',
        procedure: '97110',
        ndc: null,
        chargedCents: [9_000, 25_000],
      };
    case '22':
      return {
        provider: 'Maple Grove Cardiology',
        claimType: 'Medical',
        diagnosis: 'I10',
        procedure: '93000',
        ndc: null,
        chargedCents: [15_000, 60_000],
      };
    case '96':
      return {
        provider: 'Oakmont Eye Associates',
        claimType: 'Medical',
        diagnosis: 'H52.4',
        procedure: '92014',
        ndc: null,
        chargedCents: [12_000, 30_000],
      };
    case '97':
      return {
        provider: 'Eastside Laboratory Services',
        claimType: 'Medical',
        diagnosis: 'E78.5',
        procedure: '36415',
        ndc: null,
        chargedCents: [1_500, 6_000],
      };
    case '204':
      return {
        provider: rnd.pick(PHARMACIES),
        claimType: 'RX',
        diagnosis: 'L20.9',
        procedure: null,
        ndc: '00168-0002-30',
        chargedCents: [9_000, 45_000],
      };
    case OUT_OF_NETWORK_DENIAL:
      return {
        provider: 'Crestline Sports Medicine',
        claimType: 'Medical',
        diagnosis: 'S93.401A',
        procedure: '99213',
        ndc: null,
        chargedCents: [15_000, 60_000],
        network: 'out_of_network',
      };
    default:
      return {
        provider: age < 18 ? 'Northgate Pediatrics' : 'Riverside Family Medicine',
        claimType: 'Medical',
        diagnosis: 'J06.9',
        procedure: '99213',
        ndc: null,
        chargedCents: [8_000, 40_000],
      };
  }
}

function deniedClaim(
  rnd: Random,
  person: SeedPerson,
  design: PlanDesign,
  date: string,
  today: string,
  age: number,
  own: readonly SeedClaim[],
): SeedClaim {
  const codes = design.outOfNetwork ? DENIAL_CODES : [...DENIAL_CODES, OUT_OF_NETWORK_DENIAL, OUT_OF_NETWORK_DENIAL];
  let code = rnd.pick(codes);
  const processedDate = minDate(today, addDays(date, rnd.int(5, 25)));
  const base = {
    memberId: person.memberId,
    personId: person.personId,
    memberName: `${person.firstName} ${person.lastName}`,
    relationship: person.relationship,
    status: 'denied' as const,
    ...NOTHING,
    ...NO_SPLIT,
  };
  if (code === '18') {
    // A duplicate: the same service as a paid claim of the last year, sent again.
    const recent = own.filter((c) => c.claimDate >= addDays(today, -365) && c.status === 'paid');
    const original = recent.length > 0 ? rnd.pick(recent) : undefined;
    if (original) {
      return {
        ...base,
        claimType: original.claimType,
        claimDate: original.claimDate,
        providerName: original.providerName,
        diagnosisCode: original.diagnosisCode,
        procedureCode: original.procedureCode,
        ndcCode: original.ndcCode,
        charged: original.charged,
        processedDate: minDate(today, addDays(original.processedDate ?? original.claimDate, rnd.int(5, 25))),
        denialCode: '18',
        serviceCategory: original.serviceCategory,
        network: original.network,
      };
    }
    code = '16';
  }
  const shape = denialShape(code, age, rnd);
  const claim = {
    claimType: shape.claimType,
    providerName: shape.provider,
    diagnosisCode: shape.diagnosis,
    procedureCode: shape.procedure,
    ndcCode: shape.ndc,
  };
  return {
    ...base,
    ...claim,
    claimDate: date,
    charged: money(rnd.int(shape.chargedCents[0], shape.chargedCents[1])),
    processedDate,
    denialCode: code,
    serviceCategory: serviceCategoryOf(claim),
    network: shape.network ?? 'in_network',
  };
}

function pendingClaim(rnd: Random, person: SeedPerson, date: string, age: number): SeedClaim {
  const rx = rnd.chance(0.4);
  const withDrugs = CONDITIONS.filter((c) => c.ndc.length > 0);
  const condition = rx ? rnd.pick(withDrugs) : rnd.pick(CONDITIONS);
  let provider: string;
  let chargedCents: number;
  if (rx) {
    provider = rnd.pick(PHARMACIES);
    chargedCents = rnd.int(800, 45_000);
  } else {
    const eligible = MEDICAL_PROVIDERS.filter((p) => (age < 18 ? p.kind !== 'clinic' : p.kind !== 'pediatric'));
    const p = rnd.pick(eligible);
    provider = p.name;
    chargedCents = p.kind === 'hospital' ? rnd.int(150_000, 1_800_000) : rnd.int(6_000, 90_000);
  }
  const claim = {
    claimType: rx ? ('RX' as const) : ('Medical' as const),
    providerName: provider,
    diagnosisCode: condition.icd,
    procedureCode: rx ? null : rnd.pick(condition.cpt),
    ndcCode: rx ? rnd.pick(condition.ndc) : null,
  };
  return {
    memberId: person.memberId,
    personId: person.personId,
    memberName: `${person.firstName} ${person.lastName}`,
    relationship: person.relationship,
    ...claim,
    claimDate: date,
    charged: money(chargedCents),
    ...NOTHING,
    status: 'pending',
    processedDate: null,
    denialCode: null,
    serviceCategory: serviceCategoryOf(claim),
    network: 'in_network',
    ...NO_SPLIT,
  };
}

/** The services with a visit limit that generate.ts never draws, and the care each series is. */
type SeriesCategory = 'chiropractic' | 'occupational_therapy' | 'speech_therapy';
interface SeriesShape {
  readonly provider: string;
  readonly diagnosis: string;
  readonly procedures: readonly string[];
  readonly chargedCents: readonly [number, number];
  /** Who gets such a series (by age today) and how often, for people outside the demo families. */
  readonly ages: readonly [number, number];
  readonly chance: number;
}
const SERIES_SHAPES: Readonly<Record<SeriesCategory, SeriesShape>> = {
  chiropractic: {
    provider: 'Northside Chiropractic',
    diagnosis: 'M54.50',
    procedures: ['98940', '98941'],
    chargedCents: [6_000, 14_000],
    ages: [18, 120],
    chance: 0.06,
  },
  occupational_therapy: {
    provider: 'Brightpath Occupational Therapy',
    diagnosis: 'M25.641',
    procedures: ['97165', '97530', '97535'],
    chargedCents: [9_000, 22_000],
    ages: [5, 120],
    chance: 0.03,
  },
  speech_therapy: {
    provider: 'Clearwater Speech & Language Therapy',
    diagnosis: 'F80.0',
    procedures: ['92507', '92523'],
    chargedCents: [8_000, 20_000],
    ages: [2, 12],
    chance: 0.08,
  },
};

/**
 * The demo families' series, so every limited service has someone to ask about: Daniel
 * chiropractic this year, Lucas (a minor) speech therapy this year, Priya chiropractic past her
 * HMO's 12-visit limit this year (the rest denied), Robert occupational therapy last year.
 */
const DEMO_SERIES: readonly { personId: string; category: SeriesCategory; yearsBack: number; visits: number }[] = [
  { personId: '1000000001-01', category: 'chiropractic', yearsBack: 0, visits: 8 },
  { personId: '1000000001-04', category: 'speech_therapy', yearsBack: 0, visits: 10 },
  { personId: '1000000002-01', category: 'chiropractic', yearsBack: 0, visits: 14 },
  { personId: '1000000003-01', category: 'occupational_therapy', yearsBack: 1, visits: 6 },
];

/**
 * Visits of chiropractic care and occupational and speech therapy: a series of weekly-ish visits in
 * one plan year for some people (every demo series above, and a few people of the other families).
 * Visits within the plan year's limit are returned to be adjudicated with the other claims; visits
 * past it are denied with CARC 119 (benefit limit reached) and pay nothing. Draws only from its own
 * stream, which adjudication of these visits then continues (`rnd`).
 */
function therapySeries(
  input: BenefitInput,
  today: string,
  seed: number,
): { paid: BaseSeedClaim[]; denied: SeedClaim[]; rnd: Random } {
  const rnd = new Random(mulberry32((seed ^ SERIES_SALT) >>> 0));
  const thisYear = Number(today.slice(0, 4));
  // The day after the same day three years ago (29 February rolls over to 1 March).
  const threeYearsAgo = new Date(Date.UTC(thisYear - 3, Number(today.slice(5, 7)) - 1, Number(today.slice(8, 10))));
  const earliest = addDays(threeYearsAgo.toISOString().slice(0, 10), 1);
  const planOf = new Map(input.families.map((f) => [f.memberId, f.planId]));
  const demo = new Map(DEMO_SERIES.map((d) => [d.personId, d]));
  const demoFamilies = new Set(input.families.slice(0, 4).map((f) => f.memberId));
  const paid: BaseSeedClaim[] = [];
  const denied: SeedClaim[] = [];
  for (const person of input.people) {
    const age = Math.floor((Date.parse(today) - Date.parse(person.birthDate)) / (365.25 * DAY_MS));
    const wanted: { category: SeriesCategory; yearsBack: number; visits: number }[] = [];
    const fixed = demo.get(person.personId);
    if (fixed) wanted.push(fixed);
    else if (!demoFamilies.has(person.memberId)) {
      for (const category of Object.keys(SERIES_SHAPES) as SeriesCategory[]) {
        const shape = SERIES_SHAPES[category];
        if (age >= shape.ages[0] && age <= shape.ages[1] && rnd.chance(shape.chance))
          wanted.push({ category, yearsBack: rnd.int(0, 2), visits: rnd.int(4, 24) });
      }
    }
    const limits = PLAN_DESIGNS[planOf.get(person.memberId) ?? '']?.services;
    for (const w of wanted) {
      const shape = SERIES_SHAPES[w.category];
      const year = thisYear - w.yearsBack;
      const from = `${year}-01-01` > earliest ? `${year}-01-01` : earliest;
      const to = `${year}-12-31` < today ? `${year}-12-31` : today;
      const span = Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);
      const gap = Math.min(rnd.int(4, 10), Math.floor(span / Math.max(1, w.visits - 1)));
      let date = addDays(from, rnd.int(0, span - gap * (w.visits - 1)));
      const limit = limits?.[w.category]?.visitLimit ?? Infinity;
      for (let n = 0; n < w.visits; n++, date = addDays(date, gap)) {
        const claim = {
          memberId: person.memberId,
          personId: person.personId,
          memberName: `${person.firstName} ${person.lastName}`,
          relationship: person.relationship,
          claimType: 'Medical' as const,
          claimDate: date,
          providerName: shape.provider,
          diagnosisCode: shape.diagnosis,
          procedureCode: rnd.pick(shape.procedures),
          ndcCode: null,
        };
        const chargedCents = rnd.int(shape.chargedCents[0], shape.chargedCents[1]);
        if (n >= limit) {
          denied.push({
            ...claim,
            charged: money(chargedCents),
            ...NOTHING,
            status: 'denied',
            processedDate: minDate(today, addDays(date, rnd.int(5, 25))),
            denialCode: '119',
            serviceCategory: w.category,
            network: 'in_network',
            ...NO_SPLIT,
          });
          continue;
        }
        const allowed = Math.round(chargedCents * (0.5 + rnd.next() * 0.3));
        const responsibility = Math.round(allowed * (0.1 + rnd.next() * 0.3));
        paid.push({
          ...claim,
          charged: money(chargedCents),
          allowed: money(allowed),
          planPaid: money(allowed - responsibility),
          patientResponsibility: money(responsibility),
        });
      }
    }
  }
  paid.sort((a, b) => (a.claimDate < b.claimDate ? -1 : a.claimDate > b.claimDate ? 1 : 0));
  return { paid, denied, rnd };
}
