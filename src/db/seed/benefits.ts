/**
 * Benefits, claim status and accumulators for the seed, from the claims generate.ts made.
 *
 * Everything here draws from its OWN random stream (the seed XOR a constant), after the claims
 * exist: the original sequence, and so every original claim's values and claim id, is unchanged.
 * Denied and pending claims are new rows appended after the original ones.
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

  const claims: SeedClaim[] = input.claims.map((c) => {
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
  });

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
  for (const c of claims) {
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

  return { claims: [...claims, ...extra], planYearLimits, planServices, accumulators, familyTotals, visitCounts };
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
