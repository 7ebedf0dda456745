/**
 * What the claims' values mean in member words: kinds of providers (matched on provider_name),
 * emergency-room visits (procedure codes), the diagnoses the data holds, and the money columns
 * (the four amounts and the parts of the member's share: copays, coinsurance, deductible). The offline engine writes SQL from these, and the interpretation reads the same
 * patterns back, so "physical therapy" means one thing on both sides.
 */
import type { ClaimStatus, ServiceCategory } from './catalog.ts';

export interface ServiceKind {
  readonly key: string;
  /** provider_name ILIKE patterns, OR-ed (lower case); empty when the kind is a service category. */
  readonly patterns: readonly string[];
  /**
   * The claims' `service_category` that is exactly this kind of care: the SQL filters on it instead
   * of provider names (chiropractic care is what the claim is, wherever it was given).
   */
  readonly category?: ServiceCategory;
  readonly en: string;
  readonly es: string;
}

/** Kinds of providers members name ("the hospital", "urgent care", "a specialist"). */
export const SERVICE_KINDS: readonly ServiceKind[] = [
  {
    key: 'hospital',
    patterns: ['%hospital%', '%medical center%'],
    en: 'hospitals and medical centers',
    es: 'hospitales y centros médicos',
  },
  { key: 'urgent_care', patterns: ['%urgent care%'], en: 'urgent care', es: 'atención de urgencia' },
  { key: 'physical_therapy', patterns: ['%physical therapy%'], en: 'physical therapy', es: 'fisioterapia' },
  { key: 'lab', patterns: ['%laborator%'], en: 'labs', es: 'laboratorios' },
  { key: 'imaging', patterns: ['%imaging%'], en: 'imaging centers', es: 'centros de imágenes' },
  {
    key: 'specialist',
    patterns: [
      '%cardiology%',
      '%dermatology%',
      '%orthopedic%',
      '%obstetrics%',
      '%eye associates%',
      '%behavioral health%',
    ],
    en: 'specialists (cardiology, dermatology, orthopedics, OB-GYN, eye care, behavioral health)',
    es: 'especialistas (cardiología, dermatología, ortopedia, ginecología, ojos, salud mental)',
  },
  {
    key: 'primary_care',
    patterns: ['%family medicine%', '%internal medicine%', '%pediatric%'],
    en: 'primary care (family medicine, internal medicine, pediatrics)',
    es: 'atención primaria (medicina familiar, medicina interna, pediatría)',
  },
  { key: 'pediatrics', patterns: ['%pediatric%'], en: 'pediatricians', es: 'pediatras' },
  { key: 'cardiology', patterns: ['%cardiology%'], en: 'cardiologists', es: 'cardiólogos' },
  { key: 'dermatology', patterns: ['%dermatology%'], en: 'dermatologists', es: 'dermatólogos' },
  { key: 'orthopedics', patterns: ['%orthopedic%'], en: 'orthopedists', es: 'ortopedistas' },
  { key: 'obgyn', patterns: ['%obstetrics%'], en: 'OB-GYN', es: 'ginecología' },
  { key: 'eye', patterns: ['%eye%'], en: 'eye doctors', es: 'oftalmólogos' },
  {
    key: 'mental_health',
    patterns: ['%behavioral health%'],
    en: 'mental health (behavioral health)',
    es: 'salud mental',
  },
  { key: 'dental', patterns: ['%dental%'], en: 'dentists', es: 'dentistas' },
  // Kinds of care the claims carry as their service category.
  {
    key: 'chiropractic',
    patterns: [],
    category: 'chiropractic',
    en: 'chiropractic care',
    es: 'atención quiropráctica',
  },
  {
    key: 'occupational_therapy',
    patterns: [],
    category: 'occupational_therapy',
    en: 'occupational therapy',
    es: 'terapia ocupacional',
  },
  { key: 'speech_therapy', patterns: [], category: 'speech_therapy', en: 'speech therapy', es: 'terapia del habla' },
  {
    key: 'preventive_care',
    patterns: [],
    category: 'preventive_care',
    en: 'preventive care (checkups and vaccines)',
    es: 'atención preventiva (chequeos y vacunas)',
  },
];

/** CPT codes of emergency-department visits: how an "ER visit" shows on a claim. */
export const ER_PROCEDURE_CODES = ['99281', '99282', '99283', '99284', '99285'] as const;

export interface Diagnosis {
  readonly codes: readonly string[];
  readonly en: string;
  readonly es: string;
}

/** The ICD-10 diagnoses in the data, in member words. */
export const DIAGNOSES: readonly Diagnosis[] = [
  { codes: ['Z00.00', 'Z00.129'], en: 'routine checkups', es: 'chequeos de rutina' },
  { codes: ['Z23'], en: 'vaccines', es: 'vacunas' },
  { codes: ['J06.9'], en: 'colds', es: 'resfriados' },
  { codes: ['J02.9'], en: 'sore throats', es: 'dolor de garganta' },
  { codes: ['E11.9'], en: 'diabetes', es: 'diabetes' },
  { codes: ['I10'], en: 'high blood pressure', es: 'presión alta' },
  { codes: ['E78.5'], en: 'high cholesterol', es: 'colesterol alto' },
  { codes: ['J45.909'], en: 'asthma', es: 'asma' },
  { codes: ['F41.1'], en: 'anxiety', es: 'ansiedad' },
  { codes: ['K21.9'], en: 'acid reflux', es: 'reflujo' },
  { codes: ['M54.50'], en: 'back pain', es: 'dolor de espalda' },
  { codes: ['S93.401A'], en: 'a sprained ankle', es: 'esguince de tobillo' },
  { codes: ['N39.0'], en: 'urinary tract infections', es: 'infecciones urinarias' },
  { codes: ['L20.9'], en: 'eczema', es: 'eccema' },
  { codes: ['H52.4'], en: 'vision (reading glasses)', es: 'visión (lentes para leer)' },
  { codes: ['R51.9'], en: 'headaches', es: 'dolor de cabeza' },
  { codes: ['M25.641'], en: 'hand stiffness', es: 'rigidez de la mano' },
  { codes: ['F80.0'], en: 'a speech sound disorder', es: 'trastorno de los sonidos del habla' },
];

export const MONEY_COLUMNS = [
  'charged_amount',
  'allowed_amount',
  'plan_paid_amount',
  'patient_responsibility',
  // Parts of patient_responsibility (the claim's cost split).
  'copay_amount',
  'coinsurance_amount',
  'deductible_amount',
] as const;
export type MoneyColumn = (typeof MONEY_COLUMNS)[number];

export function isMoneyColumn(name: string): name is MoneyColumn {
  return (MONEY_COLUMNS as readonly string[]).includes(name);
}

/** Each money column as a short noun ('the claim with the highest amount billed'). */
export const MONEY_NOUNS: Readonly<Record<'en' | 'es', Readonly<Record<MoneyColumn, string>>>> = {
  en: {
    charged_amount: 'amount billed',
    allowed_amount: 'full cost',
    plan_paid_amount: 'plan payment',
    patient_responsibility: 'out-of-pocket share',
    copay_amount: 'copays',
    coinsurance_amount: 'coinsurance',
    deductible_amount: 'amount applied to the deductible',
  },
  es: {
    charged_amount: 'monto facturado',
    allowed_amount: 'costo total',
    plan_paid_amount: 'pago del plan',
    patient_responsibility: 'parte de su bolsillo',
    copay_amount: 'copagos',
    coinsurance_amount: 'coseguro',
    deductible_amount: 'monto aplicado al deducible',
  },
};

/**
 * Each money column in member words. `self` is used when the claims are the asker's own.
 */
export const MONEY_WORDS: Readonly<
  Record<'en' | 'es', Readonly<Record<MoneyColumn, { other: string; self: string }>>>
> = {
  en: {
    charged_amount: { other: 'what the provider billed', self: 'what the provider billed' },
    allowed_amount: { other: 'the full cost (the allowed amount)', self: 'the full cost (the allowed amount)' },
    plan_paid_amount: { other: 'what the plan paid', self: 'what the plan paid' },
    patient_responsibility: { other: 'the out-of-pocket share', self: 'your share (what you pay out of pocket)' },
    copay_amount: { other: 'the copays (part of the out-of-pocket share)', self: 'your copays (part of your share)' },
    coinsurance_amount: {
      other: 'the coinsurance (part of the out-of-pocket share)',
      self: 'your coinsurance (part of your share)',
    },
    deductible_amount: {
      other: 'the amount applied to the deductible (part of the out-of-pocket share)',
      self: 'what you paid toward your deductible (part of your share)',
    },
  },
  es: {
    charged_amount: { other: 'lo que facturó el proveedor', self: 'lo que facturó el proveedor' },
    allowed_amount: {
      other: 'el costo total (el monto permitido)',
      self: 'el costo total (el monto permitido)',
    },
    plan_paid_amount: { other: 'lo que pagó el plan', self: 'lo que pagó el plan' },
    patient_responsibility: {
      other: 'la parte a pagar de su bolsillo',
      self: 'su parte (lo que paga de su bolsillo)',
    },
    copay_amount: { other: 'los copagos (parte de lo pagado de bolsillo)', self: 'sus copagos (parte de su parte)' },
    coinsurance_amount: {
      other: 'el coseguro (parte de lo pagado de bolsillo)',
      self: 'su coseguro (parte de su parte)',
    },
    deductible_amount: {
      other: 'lo aplicado al deducible (parte de lo pagado de bolsillo)',
      self: 'lo que pagó hacia su deducible (parte de su parte)',
    },
  },
};

/** The service kind whose patterns are exactly these (order and case ignored). */
export function serviceKindOf(patterns: readonly string[]): ServiceKind | undefined {
  const want = [...new Set(patterns.map((p) => p.toLowerCase()))].sort().join('|');
  return SERVICE_KINDS.find((k) => k.patterns.length > 0 && [...k.patterns].sort().join('|') === want);
}

/** The diagnosis whose codes are exactly these. */
export function diagnosisOf(codes: readonly string[]): Diagnosis | undefined {
  const want = [...new Set(codes.map((c) => c.toUpperCase()))].sort().join('|');
  return DIAGNOSES.find((d) => [...d.codes].sort().join('|') === want);
}

/** Service categories (claims_history.service_category, plan_cost_sharing) as plural nouns in member words. */
export const CATEGORY_WORDS: Readonly<Record<ServiceCategory, { readonly en: string; readonly es: string }>> = {
  preventive_care: { en: 'preventive care (checkups and vaccines)', es: 'atención preventiva (chequeos y vacunas)' },
  primary_care: { en: 'primary care visits', es: 'visitas de atención primaria' },
  specialist: { en: 'specialist visits', es: 'visitas a especialistas' },
  urgent_care: { en: 'urgent care', es: 'atención de urgencia' },
  emergency_room: { en: 'the emergency room', es: 'la sala de emergencias' },
  hospital_stay: { en: 'hospital stays', es: 'estancias en el hospital' },
  lab: { en: 'lab tests', es: 'análisis de laboratorio' },
  imaging: { en: 'imaging (x-rays, CT and MRI)', es: 'imágenes (radiografías, tomografías y resonancias)' },
  physical_therapy: { en: 'physical therapy', es: 'fisioterapia' },
  mental_health: { en: 'mental health care', es: 'atención de salud mental' },
  generic_drug: { en: 'generic prescriptions', es: 'recetas genéricas' },
  preferred_brand_drug: { en: 'preferred brand-name prescriptions', es: 'recetas de marca preferidas' },
  non_preferred_drug: { en: 'non-preferred brand prescriptions', es: 'recetas de marca no preferidas' },
  chiropractic: { en: 'chiropractic care', es: 'atención quiropráctica' },
  occupational_therapy: { en: 'occupational therapy', es: 'terapia ocupacional' },
  speech_therapy: { en: 'speech therapy', es: 'terapia del habla' },
};

/** A claim's status in member words, as a relative clause ("claims that were denied"). */
export const STATUS_WORDS: Readonly<Record<'en' | 'es', Readonly<Record<ClaimStatus, string>>>> = {
  en: {
    paid: 'that were paid',
    denied: 'that were denied',
    pending: 'that are still pending (not processed yet)',
    adjusted: 'that were adjusted after payment',
  },
  es: {
    paid: 'que se pagaron',
    denied: 'que se negaron',
    pending: 'que siguen pendientes (sin procesar)',
    adjusted: 'que se ajustaron después del pago',
  },
};
