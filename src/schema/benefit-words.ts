/**
 * Member words for benefits: which service category a phrase names ("a specialist", "PT", "a
 * generic prescription"), how to say each category back, and the topics the data does not hold
 * (prior authorization, finding a doctor, cost estimates, premiums, dental care), which are refused with a
 * pointer to customer service. One list, read by the question guard, the offline engine and the
 * answers, so a word means the same thing everywhere.
 */
import type { ServiceCategory } from './catalog.ts';

export interface ServiceWords {
  readonly category: ServiceCategory;
  /** Matched on the lower-cased question. */
  readonly re: RegExp;
  /** How an answer names it: 'a specialist visit'. */
  readonly phrase: string;
}

/** Most specific first: the first match wins for overlapping words. */
export const SERVICE_WORDS: readonly ServiceWords[] = [
  {
    category: 'occupational_therapy',
    re: /\b(occupational therap(y|ist)|ot (visits?|sessions?|appointments?))\b/,
    phrase: 'occupational therapy',
  },
  {
    category: 'speech_therapy',
    re: /\b(speech( and language| & language|-language)? therap(y|ist)|speech pathologist|speech-language pathologist|speech (visits?|sessions?|lessons?))\b/,
    phrase: 'speech therapy',
  },
  {
    category: 'chiropractic',
    re: /\b(chiropract(ic|ors?)|chiros?)\b/,
    phrase: 'chiropractic care',
  },
  {
    category: 'physical_therapy',
    re: /\b(physical therap(y|ist)|physio(therapy)?|pt (visits?|sessions?|appointments?)|pt\b(?= visits?)|rehab)\b/,
    phrase: 'physical therapy',
  },
  {
    category: 'mental_health',
    re: /\b(mental health|behavioral health|therapist|counsel(l)?ing|counsel(l)?or|psychiatrist|psychologist|talk therapy)\b/,
    phrase: 'mental health care',
  },
  { category: 'urgent_care', re: /\burgent care\b/, phrase: 'urgent care' },
  { category: 'emergency_room', re: /\b(emergency room|emergency|er visits?|the er)\b/, phrase: 'the emergency room' },
  {
    category: 'preventive_care',
    re: /\b(preventive|preventative|check-?ups?|annual (physical|exam)|wellness (visit|exam)|vaccines?|flu shots?|immuni[sz]ations?|screenings?)\b/,
    phrase: 'preventive care (checkups and vaccines)',
  },
  {
    category: 'specialist',
    re: /\b(specialists?|cardiologist|dermatologist|orthopedi(c|st)s?|ob-?gyn|gynecologist|eye doctor|ophthalmologist|allergist|neurologist)\b/,
    phrase: 'a specialist visit',
  },
  {
    category: 'primary_care',
    re: /\b(primary care|pcp|family doctor|regular doctor|pediatrician|office visits?|doctor'?s? visits?|sick visits?)\b/,
    phrase: 'a primary care visit',
  },
  {
    category: 'hospital_stay',
    re: /\b(hospital stays?|hospitali[sz]ation|inpatient|admitted|hospital)\b/,
    phrase: 'a hospital stay',
  },
  { category: 'lab', re: /\b(labs?|lab tests?|lab work|blood (work|tests?)|bloodwork)\b/, phrase: 'lab tests' },
  {
    category: 'imaging',
    re: /\b(imaging|x-?rays?|mri|mris|ct scans?|cat scans?|ultrasounds?|scans?)\b/,
    phrase: 'imaging (x-rays, CT and MRI)',
  },
  {
    category: 'non_preferred_drug',
    re: /\bnon-?preferred\b/,
    phrase: 'a non-preferred brand prescription',
  },
  { category: 'generic_drug', re: /\bgenerics?\b/, phrase: 'a generic prescription' },
  {
    category: 'preferred_brand_drug',
    re: /\b(preferred brand|brand[- ]name|brand)\b/,
    phrase: 'a preferred brand-name prescription',
  },
];

export const DRUG_CATEGORIES: readonly ServiceCategory[] = [
  'generic_drug',
  'preferred_brand_drug',
  'non_preferred_drug',
];
const DRUG_WORDS = /\b(prescriptions?|drugs?|medications?|medicines?|meds|pills?|rx|pharmacy)\b/;

/**
 * The service categories a question names: the first matching category (drug tiers count as one
 * word each), or every drug tier for "prescriptions" without a tier.
 *
 * @example
 * serviceCategoriesIn("What's my copay to see a specialist?") // ['specialist']
 * serviceCategoriesIn('What do prescriptions cost me?') // ['generic_drug', 'preferred_brand_drug', 'non_preferred_drug']
 */
export function serviceCategoriesIn(question: string): ServiceCategory[] {
  const q = question.toLowerCase();
  const found = SERVICE_WORDS.find((w) => w.re.test(q));
  if (found) return [found.category];
  return DRUG_WORDS.test(q) ? [...DRUG_CATEGORIES] : [];
}

/** How an answer names a category: 'a specialist visit'. */
export function categoryPhrase(category: ServiceCategory): string {
  return SERVICE_WORDS.find((w) => w.category === category)?.phrase ?? category.replace(/_/g, ' ');
}

/** What members ask that neither the claims nor the benefits hold. */
export const NotInData = {
  PRIOR_AUTHORIZATION: 'prior_authorization',
  PROVIDER_SEARCH: 'provider_search',
  COST_ESTIMATE: 'cost_estimate',
  PREMIUM: 'premium',
  /** Dental care: not in the medical and pharmacy claims, nor in the plan's benefits (usually a separate plan). */
  DENTAL: 'dental',
} as const;
export type NotInData = (typeof NotInData)[keyof typeof NotInData];

const NOT_IN_DATA: readonly (readonly [NotInData, RegExp])[] = [
  [
    NotInData.PRIOR_AUTHORIZATION,
    /\b(prior auth(ori[sz]ation)?s?|pre-?auth(ori[sz]ation|ori[sz]ed?)?s?|pre-?approv(al|ed|e)|pre-?cert(ification)?|authori[sz]ation|authori[sz]ed|referrals?)\b/,
  ],
  [
    NotInData.PROVIDER_SEARCH,
    /\b(find|finding|recommend|search for|looking for|locate|suggest)\b[^?.]*\b(doctors?|providers?|specialists?|dentists?|therapists?|clinics?|hospitals?|pediatricians?|physicians?|surgeons?|ob-?gyns?|[a-z]+ologists?|[a-z]+iatrists?)\b|\bnear me\b|\bnearby\b|\baccepting new patients\b|\b(is|are)\b[^?]*\b(in[- ]network|in (my|our|the) network)\b|\b(doctors?|providers?|specialists?|hospitals?|clinics?)\b[^?.]*\b(take my insurance|in[- ]network)\b/,
  ],
  [
    NotInData.COST_ESTIMATE,
    /\b(estimate[sd]?|quote|price (of|for)|prices?)\b|^(?=[^?.]*\b(will|would|going to)\b)(?=[^?.]*\bcost\b)(?=[^?.]*\b(surgery|procedure|operation|replacement|delivery|birth|colonoscopy|mri|ct|scan|x-?ray|treatment|test)\b)/,
  ],
  [NotInData.PREMIUM, /\bpremiums?\b/],
  [
    NotInData.DENTAL,
    /\b(dentists?|dental|orthodontists?|orthodontics?|orthodontia|teeth|tooth|root canals?|dentures?|oral surgeons?)\b/,
  ],
];

/**
 * The topic of a question the data cannot answer, if it is one.
 *
 * @example
 * notInDataTopic('Do I need prior authorization for an MRI?') // 'prior_authorization'
 * notInDataTopic("What's my copay for an MRI?") // undefined
 */
export function notInDataTopic(question: string): NotInData | undefined {
  const q = question.toLowerCase().replace(/[\u2018\u2019]/g, "'");
  return NOT_IN_DATA.find(([, re]) => re.test(q))?.[0];
}
