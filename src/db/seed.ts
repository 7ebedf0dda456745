/**
 * Deterministic synthetic data: plans, families, people and their claims. Every name, provider
 * and id here is invented (first/last name lists below; no real person's data). Same options →
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
import type pg from 'pg';
import type { ClaimType, RelationshipCode } from '../schema/catalog.ts';

export interface SeedOptions {
  /** Families in total, demo families included (default 500). */
  readonly families?: number;
  /** Dates are spread over the 3 years before this day (default: today, UTC). 'YYYY-MM-DD' or a Date. */
  readonly today?: string | Date;
  /** PRNG seed (default 20240601). */
  readonly seed?: number;
}

export interface SeedPlan {
  readonly planId: string;
  readonly name: string;
  readonly deductible: string;
  readonly outOfPocketMax: string;
  readonly adultAge: number;
  readonly guardiansSeeMinors: boolean;
}

export interface SeedPerson {
  readonly personId: string;
  readonly memberId: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly relationship: RelationshipCode;
  readonly birthDate: string;
}

export interface SeedClaim {
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

export interface SeedData {
  readonly plans: SeedPlan[];
  readonly families: { memberId: string; planId: string }[];
  readonly people: SeedPerson[];
  readonly claims: SeedClaim[];
}

export interface FamilySummary {
  readonly memberId: string;
  readonly planId: string;
  readonly people: { personId: string; name: string; relationship: RelationshipCode; birthDate: string }[];
}

export const DEMO_MEMBER_IDS = {
  /** subscriber, spouse, adult daughter, minor son */
  family: '1000000001',
  /** subscriber only */
  single: '1000000002',
  /** subscriber, adult son, minor 'other' (grandchild) */
  grandparent: '1000000003',
  /** plan with adult_age 16: a 16-year-old daughter is private, a 12-year-old son is not */
  teenPrivacy: '1000000004',
} as const;

export const PLANS: readonly SeedPlan[] = [
  {
    planId: 'GOLD-PPO',
    name: 'Gold PPO',
    deductible: '500.00',
    outOfPocketMax: '3000.00',
    adultAge: 18,
    guardiansSeeMinors: true,
  },
  {
    planId: 'SILVER-HMO',
    name: 'Silver HMO',
    deductible: '1500.00',
    outOfPocketMax: '6000.00',
    adultAge: 18,
    guardiansSeeMinors: true,
  },
  {
    planId: 'BRONZE-HDHP',
    name: 'Bronze High-Deductible',
    deductible: '3200.00',
    outOfPocketMax: '8000.00',
    adultAge: 18,
    guardiansSeeMinors: true,
  },
  {
    planId: 'SELECT-EPO',
    name: 'Select EPO (teen privacy)',
    deductible: '1000.00',
    outOfPocketMax: '5000.00',
    adultAge: 16,
    guardiansSeeMinors: true,
  },
];

// Invented name lists: common given names and surnames, combined at random.
const FEMALE_NAMES = [
  'Olivia',
  'Emma',
  'Ava',
  'Mia',
  'Isabella',
  'Harper',
  'Chloe',
  'Grace',
  'Lily',
  'Hannah',
  'Zoe',
  'Nora',
  'Maya',
  'Leah',
  'Aaliyah',
  'Camila',
  'Rosa',
  'Ingrid',
  'Fatima',
  'Mei',
  'Priya',
  'Ana',
  'Julia',
  'Claire',
  'Naomi',
  'Ruth',
  'Margaret',
  'Linda',
  'Patricia',
  'Deborah',
  'Keisha',
  'Yuki',
  'Sofia',
  'Elena',
  'Teresa',
] as const;
const MALE_NAMES = [
  'Liam',
  'Noah',
  'Oliver',
  'Elijah',
  'James',
  'Lucas',
  'Mateo',
  'Ethan',
  'Henry',
  'Owen',
  'Caleb',
  'Isaac',
  'Marcus',
  'Andre',
  'Diego',
  'Ravi',
  'Kenji',
  'Omar',
  'Tomas',
  'Samuel',
  'David',
  'Michael',
  'Robert',
  'Thomas',
  'Walter',
  'Gerald',
  'Darnell',
  'Hiro',
  'Luis',
  'Anton',
  'Felix',
  'Jonah',
  'Victor',
  'Wesley',
] as const;
const LAST_NAMES = [
  'Whitfield',
  'Okafor',
  'Lindqvist',
  'Raman',
  'Alvarez',
  'Brennan',
  'Castillo',
  'Delacroix',
  'Eriksen',
  'Fairbanks',
  'Gallagher',
  'Hartley',
  'Ibarra',
  'Jankowski',
  'Kowalczyk',
  'Lombardi',
  'Mendoza',
  'Nakamura',
  'Oyelaran',
  'Petrov',
  'Quintero',
  'Rasmussen',
  'Sandoval',
  'Thornton',
  'Underwood',
  'Vasquez',
  'Whitaker',
  'Xiong',
  'Yamamoto',
  'Zielinski',
  'Abernathy',
  'Bellamy',
  'Chowdhury',
  'Dunmore',
  'Ellison',
  'Fitzgerald',
  'Greenberg',
  'Holloway',
  'Iverson',
  'Jeffries',
  'Kincaid',
  'Larkspur',
  'Montague',
  'Novak',
  'Osei',
  'Pemberton',
  'Ramirez',
  'Sutherland',
  'Tran',
  'Valdez',
  'Winslow',
  'Adeyemi',
  'Bergstrom',
  'Calloway',
] as const;

const MEDICAL_PROVIDERS = [
  { name: 'Riverside Family Medicine', kind: 'clinic' },
  { name: 'Northgate Pediatrics', kind: 'pediatric' },
  { name: 'Cedar Ridge Urgent Care', kind: 'clinic' },
  { name: 'Lakeview Orthopedic Associates', kind: 'clinic' },
  { name: 'Summit Imaging Center', kind: 'clinic' },
  { name: 'Harborview Dermatology', kind: 'clinic' },
  { name: 'Maple Grove Cardiology', kind: 'clinic' },
  { name: 'Pinecrest Physical Therapy', kind: 'clinic' },
  { name: 'Bayside Obstetrics & Gynecology', kind: 'clinic' },
  { name: 'Oakmont Eye Associates', kind: 'clinic' },
  { name: 'Willow Creek Behavioral Health', kind: 'clinic' },
  { name: 'Meadowbrook Internal Medicine', kind: 'clinic' },
  { name: 'St. Aldric Regional Hospital', kind: 'hospital' },
  { name: 'Valley General Hospital', kind: 'hospital' },
  { name: 'Mercy Crest Medical Center', kind: 'hospital' },
  { name: 'Eastside Laboratory Services', kind: 'lab' },
] as const;

const PHARMACIES = [
  'CareWell Pharmacy',
  'Main Street Drug',
  'Greenleaf Pharmacy',
  'QuickFill Pharmacy #214',
  'Sunrise Apothecary',
  'HomeDirect Mail Order Pharmacy',
] as const;

/** ICD-10 codes with CPT codes that fit them (Medical) and NDC-shaped drug codes (RX). */
const CONDITIONS = [
  { icd: 'Z00.00', cpt: ['99395', '99396', '80053', '85025', '36415'], ndc: [] },
  { icd: 'Z00.129', cpt: ['99393', '99392', '90471'], ndc: [] },
  { icd: 'Z23', cpt: ['90471', '90686'], ndc: [] },
  { icd: 'J06.9', cpt: ['99213', '87880'], ndc: ['00093-4155-73', '65862-0008-05'] },
  { icd: 'J02.9', cpt: ['99213', '87880'], ndc: ['00093-4155-73'] },
  { icd: 'E11.9', cpt: ['99214', '83036', '80053'], ndc: ['00093-1048-01', '00002-8215-01'] },
  { icd: 'I10', cpt: ['99214', '93000'], ndc: ['68180-0513-03', '00378-0208-01'] },
  { icd: 'E78.5', cpt: ['99213', '80061'], ndc: ['00591-0405-01', '16714-0234-01'] },
  { icd: 'J45.909', cpt: ['99214', '94010'], ndc: ['00173-0682-20', '59762-3304-01'] },
  { icd: 'F41.1', cpt: ['90834', '90837', '99213'], ndc: ['43547-0353-10'] },
  { icd: 'K21.9', cpt: ['99213', '43235'], ndc: ['00904-6289-61'] },
  { icd: 'M54.50', cpt: ['99213', '97110', '72100'], ndc: ['00904-5853-61'] },
  { icd: 'S93.401A', cpt: ['99283', '73610', '29540'], ndc: ['00904-5853-61'] },
  { icd: 'N39.0', cpt: ['99213', '81001', '87086'], ndc: ['65862-0008-05'] },
  { icd: 'L20.9', cpt: ['99213'], ndc: ['00168-0002-30'] },
  { icd: 'H52.4', cpt: ['92014'], ndc: [] },
  { icd: 'R51.9', cpt: ['99213', '70450'], ndc: ['00904-5853-61'] },
] as const;

/** Mulberry32: a tiny, fast, seedable PRNG; same seed, same sequence. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  constructor(readonly next: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
}

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
  const families: SeedData['families'] = [];
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

  const claims: SeedClaim[] = [];
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

  return { plans: [...PLANS], families, people, claims };
}

function makeClaim(rnd: Random, person: SeedPerson, type: ClaimType, date: string, age: number): SeedClaim {
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

/**
 * Loads the seed into an empty, migrated database. Needs a role that bypasses row-level
 * security (the local superuser): claims_history has FORCE ROW LEVEL SECURITY.
 *
 * @example
 * await seedDatabase(adminPool, { families: 500, today: '2025-06-30' });
 */
export async function seedDatabase(pool: pg.Pool, options: SeedOptions = {}): Promise<SeedData> {
  const data = buildSeedData(options);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const who = await client.query<{ ok: boolean }>(
      'SELECT rolsuper OR rolbypassrls AS ok FROM pg_catalog.pg_roles WHERE rolname = current_user',
    );
    if (!who.rows[0]?.ok) throw new Error('seeding needs a superuser or BYPASSRLS role (claims_history forces RLS)');
    await client.query(
      `INSERT INTO public.plans (plan_id, name, deductible, out_of_pocket_max)
       SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::numeric[])`,
      [
        data.plans.map((p) => p.planId),
        data.plans.map((p) => p.name),
        data.plans.map((p) => p.deductible),
        data.plans.map((p) => p.outOfPocketMax),
      ],
    );
    await client.query(
      `INSERT INTO public.plan_policies (plan_id, adult_age, guardians_see_minors)
       SELECT * FROM unnest($1::text[], $2::int[], $3::boolean[])`,
      [data.plans.map((p) => p.planId), data.plans.map((p) => p.adultAge), data.plans.map((p) => p.guardiansSeeMinors)],
    );
    await client.query(
      'INSERT INTO public.families (member_id, plan_id) SELECT * FROM unnest($1::bigint[], $2::text[])',
      [data.families.map((f) => f.memberId), data.families.map((f) => f.planId)],
    );
    await client.query(
      `INSERT INTO public.people (person_id, member_id, first_name, last_name, relationship_code, birth_date)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::date[])`,
      [
        data.people.map((p) => p.personId),
        data.people.map((p) => p.memberId),
        data.people.map((p) => p.firstName),
        data.people.map((p) => p.lastName),
        data.people.map((p) => p.relationship),
        data.people.map((p) => p.birthDate),
      ],
    );
    const BATCH = 5000;
    for (let i = 0; i < data.claims.length; i += BATCH) {
      const batch = data.claims.slice(i, i + BATCH);
      await client.query(
        `INSERT INTO public.claims_history (member_id, person_id, member_name, relationship_code, claim_type,
           claim_date, provider_name, diagnosis_code, procedure_code, ndc_code, charged_amount, allowed_amount,
           plan_paid_amount, patient_responsibility)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[],
           $8::text[], $9::text[], $10::text[], $11::numeric[], $12::numeric[], $13::numeric[], $14::numeric[])`,
        [
          batch.map((c) => c.memberId),
          batch.map((c) => c.personId),
          batch.map((c) => c.memberName),
          batch.map((c) => c.relationship),
          batch.map((c) => c.claimType),
          batch.map((c) => c.claimDate),
          batch.map((c) => c.providerName),
          batch.map((c) => c.diagnosisCode),
          batch.map((c) => c.procedureCode),
          batch.map((c) => c.ndcCode),
          batch.map((c) => c.charged),
          batch.map((c) => c.allowed),
          batch.map((c) => c.planPaid),
          batch.map((c) => c.patientResponsibility),
        ],
      );
    }
    await client.query('COMMIT');
    await client.query('ANALYZE public.claims_history, public.people, public.families');
    return data;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Seeds only when there are no families yet; returns whether it seeded.
 *
 * @example
 * if (await seedIfEmpty(adminPool)) console.log('seeded');
 */
export async function seedIfEmpty(pool: pg.Pool, options: SeedOptions = {}): Promise<boolean> {
  const res = await pool.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM public.families) AS any');
  if (res.rows[0]?.any) return false;
  await seedDatabase(pool, options);
  return true;
}

/**
 * Families and their people, for the `claims members` CLI and the chat page's picker
 * (needs an admin or claims_admin connection: claims_app cannot read people).
 *
 * @example
 * const families = await listFamilies(adminPool);
 */
export async function listFamilies(pool: pg.Pool): Promise<FamilySummary[]> {
  const res = await pool.query<{
    member_id: string;
    plan_id: string;
    person_id: string;
    name: string;
    relationship_code: RelationshipCode;
    birth_date: string;
  }>(
    `SELECT f.member_id::text AS member_id, f.plan_id, p.person_id, p.first_name || ' ' || p.last_name AS name,
            p.relationship_code, to_char(p.birth_date, 'YYYY-MM-DD') AS birth_date
     FROM public.families f JOIN public.people p ON p.member_id = f.member_id
     ORDER BY f.member_id, p.person_id`,
  );
  const byMember = new Map<string, FamilySummary>();
  for (const r of res.rows) {
    let family = byMember.get(r.member_id);
    if (!family) {
      family = { memberId: r.member_id, planId: r.plan_id, people: [] };
      byMember.set(r.member_id, family);
    }
    family.people.push({
      personId: r.person_id,
      name: r.name,
      relationship: r.relationship_code,
      birthDate: r.birth_date,
    });
  }
  return [...byMember.values()];
}
