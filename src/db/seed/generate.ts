/**
 * Deterministic synthetic data: plans, families, people and their claims. Every name, provider
 * and id is invented (the lists in lists.ts; no real person's data). Same options →
 * same rows, so tests can rely on them.
 *
 * Well-known demo families (always present, whatever `families` is):
 *
 * | member_id  | plan        | people (person_id suffix: relationship, age today)                              |
 * |------------|-------------|----------------------------------------------------------------------------------|
 * | 1000000001 | GOLD-PPO    | -01 Daniel Whitfield subscriber 48, -02 Elena Whitfield spouse 46,               |
 * |            |             | -03 Sophie Whitfield daughter 22 (adult), -04 Lucas Whitfield son 11 (minor)     |
 * | 1000000002 | SILVER-HMO  | -01 Priya Raman subscriber 35 (lives alone)                                      |
 * | 1000000003 | BRONZE-HDHP | -01 Robert Okafor subscriber 61, -02 Samuel Okafor son 19 (adult),               |
 * |            |             | -03 Amara Okafor other 9 (grandchild, minor)                                     |
 * | 1000000004 | SELECT-EPO  | -01 Grace Lindqvist subscriber 44, -02 Tomas Lindqvist spouse 45,                |
 * |            |             | -03 Nora Lindqvist daughter 16 (adult on this plan: adult_age 16),               |
 * |            |             | -04 Leo Lindqvist son 12 (minor)                                                 |
 *
 * Every demo person has claims of both types in each of the last three years.
 */
import type { ClaimType, RelationshipCode } from '../../schema/catalog.ts';
import { addBenefits, type BenefitSeed, type SeedClaim } from './benefits.ts';
import {
  CONDITIONS,
  DEMO_MEMBER_IDS,
  FEMALE_NAMES,
  LAST_NAMES,
  MALE_NAMES,
  MEDICAL_PROVIDERS,
  PHARMACIES,
  PLANS,
  type SeedPlan,
} from './lists.ts';
import { mulberry32, Random } from './random.ts';

export interface SeedOptions {
  /** Families in total, demo families included (default 500). */
  readonly families?: number;
  /** Dates are spread over the 3 years before this day (default: today, UTC). 'YYYY-MM-DD' or a Date. */
  readonly today?: string | Date;
  /** PRNG seed (default 20240601). */
  readonly seed?: number;
}

export interface SeedPerson {
  readonly personId: string;
  readonly memberId: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly relationship: RelationshipCode;
  readonly birthDate: string;
}

/** A claim as generate.ts makes it; benefits.ts adds status, category and the cost split (SeedClaim). */
export interface BaseSeedClaim {
  readonly memberId: string;
  readonly personId: string;
  readonly memberName: string;
  readonly relationship: RelationshipCode;
  readonly claimType: ClaimType;
  readonly claimDate: string;
  readonly providerName: string;
  readonly diagnosisCode: string;
  readonly procedureCode: string | null;
  readonly ndcCode: string | null;
  /** Money as decimal strings ('123.45'). */
  readonly charged: string;
  readonly allowed: string;
  readonly planPaid: string;
  readonly patientResponsibility: string;
}

export interface SeedFamily {
  readonly memberId: string;
  readonly planId: string;
}

export interface SeedData extends BenefitSeed {
  readonly plans: SeedPlan[];
  readonly families: SeedFamily[];
  readonly people: SeedPerson[];
  /** The generated claims in date order, then the denied and pending claims benefits.ts adds. */
  readonly claims: SeedClaim[];
}

export type { SeedClaim } from './benefits.ts';

const DAY_MS = 86_400_000;

function toDay(d: string | Date): Date {
  const iso = typeof d === 'string' ? d : d.toISOString().slice(0, 10);
  if (!/^\d{4}-\d\d-\d\d$/.test(iso)) throw new RangeError('today must be YYYY-MM-DD');
  return new Date(`${iso}T00:00:00Z`);
}

function fmt(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** A birth date `years` old today plus `extraDays` (0–364) older. */
function birthDate(today: Date, years: number, extraDays: number): string {
  const d = new Date(Date.UTC(today.getUTCFullYear() - years, today.getUTCMonth(), today.getUTCDate()));
  return fmt(new Date(d.getTime() - extraDays * DAY_MS));
}

function cents(n: number): string {
  return (n / 100).toFixed(2);
}

/**
 * Builds the seed rows in memory (pure: same options, same data).
 *
 * @example
 * const data = buildSeedData({ families: 50, today: '2025-06-30' });
 */
export function buildSeedData(options: SeedOptions = {}): SeedData {
  const familyCount = options.families ?? 500;
  const today = toDay(options.today ?? new Date());
  const rnd = new Random(mulberry32(options.seed ?? 20240601));
  const families: SeedFamily[] = [];
  const people: SeedPerson[] = [];

  const addPerson = (
    memberId: string,
    n: number,
    firstName: string,
    lastName: string,
    relationship: RelationshipCode,
    birth: string,
  ) => {
    const personId = `${memberId}-${String(n).padStart(2, '0')}`;
    people.push({ personId, memberId, firstName, lastName, relationship, birthDate: birth });
  };

  // The demo families; birthdays a few months back so ages stay put for a while.
  const demo = (memberId: string, planId: string, members: [string, RelationshipCode, number][], last: string) => {
    families.push({ memberId, planId });
    members.forEach(([first, rel, age], i) => {
      addPerson(memberId, i + 1, first, last, rel, birthDate(today, age, 100 + i * 20));
    });
  };
  demo(
    DEMO_MEMBER_IDS.family,
    'GOLD-PPO',
    [
      ['Daniel', 'subscriber', 48],
      ['Elena', 'spouse', 46],
      ['Sophie', 'daughter', 22],
      ['Lucas', 'son', 11],
    ],
    'Whitfield',
  );
  demo(DEMO_MEMBER_IDS.single, 'SILVER-HMO', [['Priya', 'subscriber', 35]], 'Raman');
  demo(
    DEMO_MEMBER_IDS.grandparent,
    'BRONZE-HDHP',
    [
      ['Robert', 'subscriber', 61],
      ['Samuel', 'son', 19],
      ['Amara', 'other', 9],
    ],
    'Okafor',
  );
  demo(
    DEMO_MEMBER_IDS.teenPrivacy,
    'SELECT-EPO',
    [
      ['Grace', 'subscriber', 44],
      ['Tomas', 'spouse', 45],
      ['Nora', 'daughter', 16],
      ['Leo', 'son', 12],
    ],
    'Lindqvist',
  );
  const demoIds = new Set(families.map((f) => f.memberId));

  const usedIds = new Set(demoIds);
  while (families.length < familyCount) {
    let memberId: string;
    do {
      memberId = String(rnd.int(1_000_100_000, 9_999_999_999));
    } while (usedIds.has(memberId));
    usedIds.add(memberId);
    const planId = rnd.pick(PLANS).planId;
    families.push({ memberId, planId });

    const last = rnd.pick(LAST_NAMES);
    const subscriberFemale = rnd.chance(0.5);
    const subscriberAge = rnd.int(22, 78);
    let n = 1;
    addPerson(
      memberId,
      n++,
      rnd.pick(subscriberFemale ? FEMALE_NAMES : MALE_NAMES),
      last,
      'subscriber',
      birthDate(today, subscriberAge, rnd.int(0, 364)),
    );
    if (rnd.chance(0.6)) {
      const spouseAge = Math.max(20, subscriberAge + rnd.int(-6, 6));
      const spouseLast = rnd.chance(0.8) ? last : rnd.pick(LAST_NAMES);
      addPerson(
        memberId,
        n++,
        rnd.pick(subscriberFemale ? MALE_NAMES : FEMALE_NAMES),
        spouseLast,
        'spouse',
        birthDate(today, spouseAge, rnd.int(0, 364)),
      );
    }
    // Dependents are covered until 26; parents were at least 18 when they were born.
    const maxChildAge = Math.min(25, subscriberAge - 18);
    const children = maxChildAge < 0 ? 0 : rnd.pick([0, 0, 1, 1, 2, 2, 2, 3]);
    for (let c = 0; c < children; c++) {
      const daughter = rnd.chance(0.5);
      addPerson(
        memberId,
        n++,
        rnd.pick(daughter ? FEMALE_NAMES : MALE_NAMES),
        last,
        daughter ? 'daughter' : 'son',
        birthDate(today, rnd.int(0, maxChildAge), rnd.int(0, 364)),
      );
    }
    if (rnd.chance(0.08)) {
      addPerson(
        memberId,
        n++,
        rnd.pick(rnd.chance(0.5) ? FEMALE_NAMES : MALE_NAMES),
        rnd.chance(0.5) ? last : rnd.pick(LAST_NAMES),
        'other',
        birthDate(today, rnd.int(2, 17), rnd.int(0, 364)),
      );
    }
  }

  const claims: BaseSeedClaim[] = [];
  for (const person of people) {
    const demoPerson = demoIds.has(person.memberId);
    const perYear = demoPerson ? 6 : rnd.int(1, 10);
    const age = Math.floor((today.getTime() - toDay(person.birthDate).getTime()) / (365.25 * DAY_MS));
    for (let yearBack = 0; yearBack < 3; yearBack++) {
      for (let k = 0; k < perYear; k++) {
        // Demo people alternate Medical and RX, so each year has both.
        const type: ClaimType = demoPerson ? (k % 2 === 0 ? 'Medical' : 'RX') : rnd.chance(0.65) ? 'Medical' : 'RX';
        const daysBack = yearBack * 365 + rnd.int(0, 364);
        const date = fmt(new Date(today.getTime() - daysBack * DAY_MS));
        claims.push(makeClaim(rnd, person, type, date, age));
      }
    }
  }
  claims.sort((a, b) => (a.claimDate < b.claimDate ? -1 : a.claimDate > b.claimDate ? 1 : 0));

  // Benefits, claim status and accumulators come from their own random stream (benefits.ts), so
  // everything above, the claims' values and order included, is what it always was.
  const benefits = addBenefits(
    { plans: PLANS, families, people, claims },
    { today: fmt(today), seed: options.seed ?? 20240601 },
  );
  return { plans: [...PLANS], families, people, ...benefits };
}

function makeClaim(rnd: Random, person: SeedPerson, type: ClaimType, date: string, age: number): BaseSeedClaim {
  const withDrugs = CONDITIONS.filter((c) => c.ndc.length > 0);
  const condition = type === 'RX' ? rnd.pick(withDrugs) : rnd.pick(CONDITIONS);
  let provider: string;
  let chargedCents: number;
  if (type === 'RX') {
    provider = rnd.pick(PHARMACIES);
    chargedCents = rnd.int(800, 45_000);
  } else {
    const eligible = MEDICAL_PROVIDERS.filter((p) =>
      age < 18 ? p.kind !== 'clinic' || rnd.chance(0.6) : p.kind !== 'pediatric',
    );
    const p = rnd.pick(eligible.length > 0 ? eligible : MEDICAL_PROVIDERS);
    provider = p.name;
    chargedCents = p.kind === 'hospital' ? rnd.int(150_000, 1_800_000) : rnd.int(6_000, 90_000);
  }
  // Integer cents keep the rule exact: responsibility + plan paid ≤ allowed ≤ charged.
  const allowed = Math.round(chargedCents * (0.35 + rnd.next() * 0.6));
  const responsibility = Math.round(allowed * (rnd.chance(0.3) ? 0 : rnd.next() * 0.45));
  const unpaid = rnd.chance(0.1) ? Math.round((allowed - responsibility) * rnd.next()) : 0; // denied in part
  const planPaid = allowed - responsibility - unpaid;
  return {
    memberId: person.memberId,
    personId: person.personId,
    memberName: `${person.firstName} ${person.lastName}`,
    relationship: person.relationship,
    claimType: type,
    claimDate: date,
    providerName: provider,
    diagnosisCode: condition.icd,
    procedureCode: type === 'Medical' ? rnd.pick(condition.cpt) : null,
    ndcCode: type === 'RX' ? rnd.pick(condition.ndc) : null,
    charged: cents(chargedCents),
    allowed: cents(allowed),
    planPaid: cents(planPaid),
    patientResponsibility: cents(responsibility),
  };
}
