/**
 * The seeded plans' benefit designs, and how seeded claims map to service categories and drug
 * tiers. Invented but realistic: a PPO with copays for office visits and coinsurance for the rest,
 * an HMO with copays and no out-of-network cover, an HDHP where everything but preventive care is
 * subject to an aggregate family deductible, and an EPO. Amounts are whole dollars for the current
 * plan year; earlier years' deductibles and maximums are lower (see limitsForYear). Physical,
 * occupational and speech therapy and chiropractic care have a yearly visit limit per person on
 * every plan (12 to 30 visits), as real plans often do; mental health care has none (parity rules
 * forbid limits stricter than for medical care).
 */
import type { PlanType, ServiceCategory } from '../../schema/catalog.ts';

export interface CostShareRule {
  readonly covered: boolean;
  /** Dollars per visit or fill. */
  readonly copay?: number;
  /** Percent of the allowed amount. */
  readonly coinsurance?: number;
  readonly deductible: boolean;
  readonly visitLimit?: number;
}

/** Whole dollars. */
export interface NetworkLimits {
  readonly dedInd: number;
  readonly dedFam: number;
  readonly oopInd: number;
  readonly oopFam: number;
}

export interface PlanDesign {
  readonly planType: PlanType;
  readonly familyDeductibleKind: 'embedded' | 'aggregate';
  readonly inNetwork: NetworkLimits;
  /** Absent: out-of-network care is not covered, except emergencies (at in-network cost). */
  readonly outOfNetwork?: NetworkLimits & { readonly coinsurance: number };
  readonly services: Readonly<Record<ServiceCategory, CostShareRule>>;
}

const copay = (dollars: number, extra: Partial<CostShareRule> = {}): CostShareRule => ({
  covered: true,
  copay: dollars,
  deductible: false,
  ...extra,
});
const coins = (percent: number, extra: Partial<CostShareRule> = {}): CostShareRule => ({
  covered: true,
  coinsurance: percent,
  deductible: true,
  ...extra,
});
const FREE: CostShareRule = { covered: true, deductible: false };

export const PLAN_DESIGNS: Readonly<Record<string, PlanDesign>> = {
  'GOLD-PPO': {
    planType: 'PPO',
    familyDeductibleKind: 'embedded',
    inNetwork: { dedInd: 500, dedFam: 1000, oopInd: 3000, oopFam: 6000 },
    outOfNetwork: { dedInd: 1000, dedFam: 2000, oopInd: 6000, oopFam: 12000, coinsurance: 40 },
    services: {
      preventive_care: FREE,
      primary_care: copay(20),
      specialist: copay(40),
      urgent_care: copay(50),
      emergency_room: copay(250),
      hospital_stay: coins(20),
      lab: coins(10),
      imaging: coins(20),
      physical_therapy: copay(40, { visitLimit: 30 }),
      mental_health: copay(20),
      generic_drug: copay(10),
      preferred_brand_drug: copay(35),
      non_preferred_drug: copay(70),
      chiropractic: copay(30, { visitLimit: 20 }),
      occupational_therapy: copay(40, { visitLimit: 30 }),
      speech_therapy: copay(40, { visitLimit: 30 }),
    },
  },
  'SILVER-HMO': {
    planType: 'HMO',
    familyDeductibleKind: 'embedded',
    inNetwork: { dedInd: 1500, dedFam: 3000, oopInd: 6000, oopFam: 12000 },
    services: {
      preventive_care: FREE,
      primary_care: copay(25),
      specialist: copay(60),
      urgent_care: copay(75),
      emergency_room: copay(350),
      hospital_stay: coins(20),
      lab: FREE,
      imaging: copay(100),
      physical_therapy: copay(40, { visitLimit: 20 }),
      mental_health: copay(25),
      generic_drug: copay(15),
      preferred_brand_drug: copay(45),
      non_preferred_drug: copay(90),
      chiropractic: copay(40, { visitLimit: 12 }),
      occupational_therapy: copay(40, { visitLimit: 20 }),
      speech_therapy: copay(40, { visitLimit: 20 }),
    },
  },
  'BRONZE-HDHP': {
    planType: 'HDHP',
    familyDeductibleKind: 'aggregate',
    inNetwork: { dedInd: 3200, dedFam: 6400, oopInd: 8000, oopFam: 16000 },
    outOfNetwork: { dedInd: 6400, dedFam: 12800, oopInd: 16000, oopFam: 32000, coinsurance: 50 },
    services: {
      preventive_care: FREE,
      primary_care: coins(20),
      specialist: coins(20),
      urgent_care: coins(20),
      emergency_room: coins(20),
      hospital_stay: coins(20),
      lab: coins(20),
      imaging: coins(20),
      physical_therapy: coins(20, { visitLimit: 20 }),
      mental_health: coins(20),
      generic_drug: coins(20),
      preferred_brand_drug: coins(20),
      non_preferred_drug: coins(40),
      chiropractic: coins(20, { visitLimit: 20 }),
      occupational_therapy: coins(20, { visitLimit: 20 }),
      speech_therapy: coins(20, { visitLimit: 20 }),
    },
  },
  'SELECT-EPO': {
    planType: 'EPO',
    familyDeductibleKind: 'embedded',
    inNetwork: { dedInd: 1000, dedFam: 2000, oopInd: 5000, oopFam: 10000 },
    services: {
      preventive_care: FREE,
      primary_care: copay(30),
      specialist: copay(50),
      urgent_care: copay(60),
      emergency_room: copay(300, { deductible: true }),
      hospital_stay: coins(25),
      lab: FREE,
      imaging: coins(25),
      physical_therapy: copay(50, { visitLimit: 25 }),
      mental_health: copay(30),
      generic_drug: copay(10),
      preferred_brand_drug: copay(40),
      non_preferred_drug: copay(75),
      chiropractic: copay(50, { visitLimit: 15 }),
      occupational_therapy: copay(50, { visitLimit: 25 }),
      speech_therapy: copay(50, { visitLimit: 25 }),
    },
  },
};

/** Deductibles and maximums `yearsBack` plan years ago: 4 % lower a year, to the nearest $50. */
export function limitsForYear(limits: NetworkLimits, yearsBack: number): NetworkLimits {
  const f = (dollars: number) => Math.round((dollars * (1 - 0.04 * yearsBack)) / 50) * 50;
  return { dedInd: f(limits.dedInd), dedFam: f(limits.dedFam), oopInd: f(limits.oopInd), oopFam: f(limits.oopFam) };
}

/** The cost-sharing rule out of network: the plan's out-of-network coinsurance after its deductible. */
export function outOfNetworkRule(design: PlanDesign, category: ServiceCategory): CostShareRule {
  const inNetwork = design.services[category];
  // Emergencies are covered at in-network cost wherever they happen.
  if (category === 'emergency_room') return inNetwork;
  const oon = design.outOfNetwork;
  if (!oon || category.endsWith('_drug')) return { covered: false, deductible: false };
  return {
    covered: true,
    coinsurance: oon.coinsurance,
    deductible: true,
    ...(inNetwork.visitLimit ? { visitLimit: inNetwork.visitLimit } : {}),
  };
}

/** Service category of a medical provider of the seed (lists.ts MEDICAL_PROVIDERS). */
export const PROVIDER_CATEGORY: Readonly<Record<string, ServiceCategory | 'hospital'>> = {
  'Riverside Family Medicine': 'primary_care',
  'Northgate Pediatrics': 'primary_care',
  'Meadowbrook Internal Medicine': 'primary_care',
  'Cedar Ridge Urgent Care': 'urgent_care',
  'Lakeview Orthopedic Associates': 'specialist',
  'Harborview Dermatology': 'specialist',
  'Maple Grove Cardiology': 'specialist',
  'Bayside Obstetrics & Gynecology': 'specialist',
  'Oakmont Eye Associates': 'specialist',
  'Summit Imaging Center': 'imaging',
  'Pinecrest Physical Therapy': 'physical_therapy',
  'Willow Creek Behavioral Health': 'mental_health',
  'Eastside Laboratory Services': 'lab',
  // Limited services (visit limits): their visits are added by benefits.ts (therapySeries), not drawn by generate.ts.
  'Northside Chiropractic': 'chiropractic',
  'Brightpath Occupational Therapy': 'occupational_therapy',
  'Clearwater Speech & Language Therapy': 'speech_therapy',
  'St. Aldric Regional Hospital': 'hospital',
  'Valley General Hospital': 'hospital',
  'Mercy Crest Medical Center': 'hospital',
};

/** Diagnoses of preventive care (checkups, vaccines): covered in full in network. */
export const PREVENTIVE_DIAGNOSES: ReadonlySet<string> = new Set(['Z00.00', 'Z00.129', 'Z23']);
/** Procedure codes of emergency-department visits. */
export const ER_PROCEDURES: ReadonlySet<string> = new Set(['99281', '99282', '99283', '99284', '99285']);
export const IMAGING_PROCEDURES: ReadonlySet<string> = new Set(['70450', '72100', '73610', '71046']);
export const LAB_PROCEDURES: ReadonlySet<string> = new Set([
  '80053',
  '85025',
  '36415',
  '83036',
  '80061',
  '81001',
  '87086',
  '87880',
]);

/** Drug tier of each seeded NDC (brand-name drugs are preferred or not; the rest are generics). */
export const NDC_TIER: Readonly<Record<string, ServiceCategory>> = {
  '00002-8215-01': 'preferred_brand_drug',
  '00173-0682-20': 'preferred_brand_drug',
  '00168-0002-30': 'non_preferred_drug',
  '43547-0353-10': 'non_preferred_drug',
};

/**
 * The service category of a claim, from what it holds (deterministic, no random draw).
 *
 * @example
 * serviceCategoryOf({ claimType: 'Medical', providerName: 'Valley General Hospital', diagnosisCode: 'S93.401A', procedureCode: '99283', ndcCode: null })
 * // 'emergency_room'
 */
export function serviceCategoryOf(claim: {
  readonly claimType: 'Medical' | 'RX';
  readonly providerName: string;
  readonly diagnosisCode: string;
  readonly procedureCode: string | null;
  readonly ndcCode: string | null;
}): ServiceCategory {
  if (claim.claimType === 'RX') return NDC_TIER[claim.ndcCode ?? ''] ?? 'generic_drug';
  if (PREVENTIVE_DIAGNOSES.has(claim.diagnosisCode)) return 'preventive_care';
  const byProvider = PROVIDER_CATEGORY[claim.providerName] ?? 'primary_care';
  if (byProvider !== 'hospital') return byProvider;
  const cpt = claim.procedureCode ?? '';
  if (ER_PROCEDURES.has(cpt)) return 'emergency_room';
  if (IMAGING_PROCEDURES.has(cpt)) return 'imaging';
  if (LAB_PROCEDURES.has(cpt)) return 'lab';
  return 'hospital_stay';
}
