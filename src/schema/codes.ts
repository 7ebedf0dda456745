/**
 * Plain-word descriptions of the codes a claim carries, for the table under an answer ("Drug",
 * "Service", "Condition" next to the code). A small lookup for the codes the synthetic seed uses
 * (src/db/seed/lists.ts: CONDITIONS, and the emergency-room visit codes); a unit test fails when
 * the seed uses a code that has no description here. The drug codes are NDC-shaped values the
 * seed pairs with a condition: each is described by the medicine a plan would typically see for
 * that condition — this is not a drug database. An unknown code shows as the code alone.
 */

/** ICD-10 diagnosis codes. */
export const DIAGNOSIS_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'Z00.00': 'Routine adult checkup',
  'Z00.129': 'Routine child checkup',
  Z23: 'Vaccination',
  'J06.9': 'Cold (upper respiratory infection)',
  'J02.9': 'Sore throat',
  'E11.9': 'Type 2 diabetes',
  I10: 'High blood pressure',
  'E78.5': 'High cholesterol',
  'J45.909': 'Asthma',
  'F41.1': 'Anxiety',
  'K21.9': 'Acid reflux',
  'M54.50': 'Low back pain',
  'S93.401A': 'Sprained ankle',
  'N39.0': 'Urinary tract infection',
  'L20.9': 'Eczema',
  'H52.4': 'Reading vision (presbyopia)',
  'R51.9': 'Headache',
};

/** CPT procedure codes. */
export const PROCEDURE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  '99392': 'Well-child visit (ages 1–4)',
  '99393': 'Well-child visit (ages 5–11)',
  '99395': 'Preventive visit (ages 18–39)',
  '99396': 'Preventive visit (ages 40–64)',
  '99213': 'Office visit',
  '99214': 'Office visit (longer)',
  '99281': 'Emergency room visit (minor)',
  '99282': 'Emergency room visit (low)',
  '99283': 'Emergency room visit (moderate)',
  '99284': 'Emergency room visit (high)',
  '99285': 'Emergency room visit (severe)',
  '80053': 'Blood test (metabolic panel)',
  '80061': 'Cholesterol test (lipid panel)',
  '83036': 'Blood sugar test (A1C)',
  '85025': 'Blood count (CBC)',
  '36415': 'Blood draw',
  '81001': 'Urine test',
  '87086': 'Urine culture',
  '87880': 'Strep test',
  '90471': 'Vaccine given',
  '90686': 'Flu shot',
  '93000': 'Heart rhythm test (ECG)',
  '94010': 'Breathing test (spirometry)',
  '90834': 'Therapy session (45 min)',
  '90837': 'Therapy session (60 min)',
  '43235': 'Upper endoscopy',
  '97110': 'Physical therapy exercises',
  '72100': 'Lower back X-ray',
  '73610': 'Ankle X-ray',
  '29540': 'Ankle strapping',
  '70450': 'Head CT scan',
  '92014': 'Eye exam',
};

/** NDC-shaped drug codes of the seed, by the medicine they stand for. */
export const DRUG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  '00093-4155-73': 'Amoxicillin (antibiotic)',
  '65862-0008-05': 'Ciprofloxacin (antibiotic)',
  '00093-1048-01': 'Metformin (diabetes)',
  '00002-8215-01': 'Insulin (diabetes)',
  '68180-0513-03': 'Lisinopril (blood pressure)',
  '00378-0208-01': 'Amlodipine (blood pressure)',
  '00591-0405-01': 'Atorvastatin (cholesterol)',
  '16714-0234-01': 'Simvastatin (cholesterol)',
  '00173-0682-20': 'Albuterol inhaler (asthma)',
  '59762-3304-01': 'Montelukast (asthma)',
  '43547-0353-10': 'Sertraline (anxiety)',
  '00904-6289-61': 'Omeprazole (acid reflux)',
  '00904-5853-61': 'Ibuprofen (pain)',
  '00168-0002-30': 'Hydrocortisone cream (skin)',
};

/** The code columns of a claim and the table of descriptions for each. */
export const CODE_DESCRIPTIONS = {
  ndc_code: DRUG_DESCRIPTIONS,
  procedure_code: PROCEDURE_DESCRIPTIONS,
  diagnosis_code: DIAGNOSIS_DESCRIPTIONS,
} as const satisfies Readonly<Record<string, Readonly<Record<string, string>>>>;

export type CodeColumn = keyof typeof CODE_DESCRIPTIONS;

/**
 * The description of a code, or undefined when the lookup does not know it.
 * @example
 * describeCode('procedure_code', '99213') // 'Office visit'
 * describeCode('ndc_code', '00000-0000-00') // undefined
 */
export function describeCode(column: CodeColumn, code: string): string | undefined {
  const table: Readonly<Record<string, string>> = CODE_DESCRIPTIONS[column];
  return Object.hasOwn(table, code) ? table[code] : undefined;
}
