/**
 * The offline engine's words, English and Spanish (Spanish without accents: the tokenizer strips
 * them). Every phrase here is something the engine understands; a content word of a question
 * that matches none of them is reported as not understood, never silently dropped.
 */

import { MONTH_VARIANTS, MONTHS, MONTH_ABBREVIATIONS as SHORT_MONTHS } from '../../core/format.ts';

/** Words that carry no meaning of their own in a claims question. */
export const STOPWORDS: readonly string[] = `
a an the and or but nor of for in on at to from by with about into onto up off over as than then so such
ourselves you your yours he him his she her hers they them their theirs it its
this that these those there here what which who whom whose when where why how whats wheres whos hows
is are was were be been being am do does did done doing have has had having get gets got gotten getting
can could would will shall should may might must let lets please pls thanks thank hi hello hey ok okay yes no not
just only also even still yet ever again already really actually exactly roughly approximately about around plus
tell give find know saw seen look looking need needed want wanted like would check
go goes went gone going come came use used using been into visit visits visited visiting visita visitas visite visito fui
all any some each every one ones single both either neither other another same
much many lot lots overall altogether combined amount amounts money dollars dollar bucks
claim claims record records history item items entry entries charge thing things stuff
time times trip trips stay stays session sessions sesion sesiones work test tests exam exams service services care health healthcare
didnt dont doesnt havent hasnt wasnt werent isnt arent cant wont ill youre
far since until til till through thru between during within per
been being happen happened happening receive received getting made make
ago date dates day days week weeks month months year years plan insurance insurer seguro
que cual cuales como cuanto cuanta cuantos cuantas cuando donde quien quienes por para con sin sobre entre hasta desde
el la los las lo un una unos unas de del en a al y o u e mi mis me yo nos nosotros nuestro nuestra nuestros nuestras
su sus se le les es son fue fui fuimos fueron ser estar esta este estos estas ese esa eso esos esas
ha he han hemos hay tuve tuvo tuvimos tuvieron tengo tiene tenemos tienen hice hizo hecho ido ir
todo toda todos todas algun alguna alguno algunas algunos otro otra mas muy ya favor gracias hola
vez veces reclamacion reclamaciones reclamo reclamos cuenta cuentas atencion salud servicio servicios
total monto montos dinero dolares cantidad compre compro compramos recibi recibio surti
everything anything something all stuff info information details detail
`
  .split(/\s+/)
  .filter(Boolean);

/** People words, relative to the asker (see {@link PersonWord}). */
export const PEOPLE_WORDS = {
  self: ['i', 'me', 'my', 'mine', 'myself', 'yo', 'mi', 'mis', 'im', 'ive', 'id'],
  family: [
    'we',
    'us',
    'our',
    'ours',
    'family',
    'household',
    'everyone',
    'everybody',
    'all of us',
    'whole family',
    'nosotros',
    'nuestra',
    'nuestro',
    'nuestras',
    'nuestros',
    'familia',
    'toda la familia',
  ],
  spouse: ['spouse', 'wife', 'husband', 'partner', 'hubby', 'esposa', 'esposo', 'marido', 'conyuge', 'pareja'],
  son: ['son', 'sons', 'boy', 'hijo'],
  daughter: ['daughter', 'daughters', 'girl', 'hija'],
  children: ['kids', 'kid', 'children', 'child', 'childrens', 'hijos', 'hijas', 'ninos', 'nino', 'nina', 'ninas'],
  grandchild: [
    'grandchild',
    'grandchildren',
    'grandson',
    'grandsons',
    'granddaughter',
    'granddaughters',
    'grandkid',
    'grandkids',
    'nieto',
    'nieta',
    'nietos',
    'nietas',
  ],
  parent: [
    'mom',
    'mum',
    'mommy',
    'mother',
    'mama',
    'dad',
    'daddy',
    'father',
    'papa',
    'parents',
    'parent',
    'madre',
    'padre',
    'padres',
  ],
  grandparent: [
    'grandpa',
    'grandma',
    'grandfather',
    'grandmother',
    'granny',
    'grandparents',
    'grandparent',
    'abuelo',
    'abuela',
    'abuelos',
  ],
  brother: ['brother', 'brothers', 'hermano', 'hermanos'],
  sister: ['sister', 'sisters', 'hermana', 'hermanas'],
  siblings: ['siblings', 'sibling'],
} as const;
export type PersonWord = keyof typeof PEOPLE_WORDS;

export const RX_WORDS: readonly string[] = [
  'prescription',
  'prescriptions',
  'rx',
  'rxs',
  'pharmacy',
  'pharmacies',
  'drugstore',
  'drug store',
  'drug',
  'drugs',
  'medication',
  'medications',
  'medicine',
  'medicines',
  'meds',
  'refill',
  'refills',
  'refilled',
  'pill',
  'pills',
  'fill',
  'fills',
  'filled',
  'filling',
  'script',
  'scripts',
  'receta',
  'recetas',
  'medicina',
  'medicinas',
  'medicamento',
  'medicamentos',
  'farmacia',
  'farmacias',
];

export const MEDICAL_WORDS: readonly string[] = [
  'medical',
  'doctor',
  'doctors',
  'doc',
  'docs',
  'physician',
  'physicians',
  'appointment',
  'appointments',
  'office visit',
  'office visits',
  'doctor visit',
  'doctor visits',
  'checkup',
  'checkups',
  'clinic',
  'clinics',
  'surgery',
  'surgeries',
  'procedure',
  'procedures',
  'medico',
  'medicos',
  'medica',
  'medicas',
  'doctora',
  'consulta',
  'consultas',
  'cita',
  'citas',
  'clinica',
  'cirugia',
];

export interface ServicePhrase {
  readonly key: string;
  readonly phrases: readonly string[];
}

/** Kinds of care named by kind; keys are SERVICE_KINDS keys, plus 'er'. */
export const SERVICE_PHRASES: readonly ServicePhrase[] = [
  {
    key: 'er',
    phrases: [
      'er',
      'e r',
      'emergency room',
      'emergency rooms',
      'emergency department',
      'emergency',
      'emergencies',
      'sala de emergencias',
      'sala de urgencias',
      'emergencias',
      'urgencias',
    ],
  },
  { key: 'urgent_care', phrases: ['urgent care', 'urgent cares', 'walk in clinic', 'walk in', 'atencion de urgencia'] },
  {
    key: 'physical_therapy',
    phrases: [
      'physical therapy',
      'physical therapist',
      'physical therapists',
      'physiotherapy',
      'physio',
      'pt',
      'fisioterapia',
      'terapia fisica',
      'fisioterapeuta',
    ],
  },
  {
    key: 'chiropractic',
    phrases: [
      'chiropractor',
      'chiropractors',
      'chiropractic',
      'chiropractic care',
      'chiro',
      'chiros',
      'quiropractico',
      'quiropractica',
      'quiropracticos',
    ],
  },
  {
    key: 'occupational_therapy',
    phrases: [
      'occupational therapy',
      'occupational therapist',
      'occupational therapists',
      'terapia ocupacional',
      'terapeuta ocupacional',
    ],
  },
  {
    key: 'speech_therapy',
    phrases: [
      'speech therapy',
      'speech therapist',
      'speech therapists',
      'speech and language therapy',
      'speech language therapy',
      'speech pathologist',
      'speech language pathologist',
      'terapia del habla',
      'terapia de lenguaje',
      'logopeda',
    ],
  },
  {
    // Preventive care is a service category of the claims (the seed derives it from the preventive diagnoses).
    key: 'preventive_care',
    phrases: [
      'preventive care',
      'preventative care',
      'preventive',
      'preventative',
      'cuidado preventivo',
      'atencion preventiva',
    ],
  },
  {
    key: 'hospital',
    phrases: [
      'hospital',
      'hospitals',
      'hospital stay',
      'hospital stays',
      'hospitalization',
      'hospitalized',
      'inpatient',
      'medical center',
      'medical centers',
      'hospitales',
      'hospitalizacion',
    ],
  },
  {
    key: 'lab',
    phrases: [
      'lab',
      'labs',
      'lab work',
      'lab test',
      'lab tests',
      'laboratory',
      'laboratories',
      'blood work',
      'bloodwork',
      'blood test',
      'blood tests',
      'laboratorio',
      'laboratorios',
      'analisis de sangre',
    ],
  },
  {
    key: 'imaging',
    phrases: [
      'imaging',
      'x ray',
      'x rays',
      'xray',
      'xrays',
      'mri',
      'mris',
      'ct scan',
      'ct scans',
      'scan',
      'scans',
      'ultrasound',
      'ultrasounds',
      'radiology',
      'radiografia',
      'radiografias',
      'resonancia',
    ],
  },
  { key: 'specialist', phrases: ['specialist', 'specialists', 'especialista', 'especialistas'] },
  {
    key: 'primary_care',
    phrases: [
      'primary care',
      'primary care doctor',
      'pcp',
      'family doctor',
      'regular doctor',
      'general practitioner',
      'gp',
      'medico de cabecera',
      'medico familiar',
    ],
  },
  { key: 'pediatrics', phrases: ['pediatrician', 'pediatricians', 'pediatrics', 'pediatra', 'pediatras'] },
  {
    key: 'cardiology',
    phrases: ['cardiologist', 'cardiologists', 'cardiology', 'heart doctor', 'cardiologo'],
  },
  {
    key: 'dermatology',
    phrases: ['dermatologist', 'dermatologists', 'dermatology', 'skin doctor', 'dermatologo'],
  },
  {
    key: 'orthopedics',
    phrases: ['orthopedist', 'orthopedists', 'orthopedic', 'orthopedics', 'bone doctor', 'ortopedista'],
  },
  { key: 'obgyn', phrases: ['obgyn', 'ob gyn', 'gynecologist', 'obstetrician', 'ginecologo', 'ginecologa'] },
  {
    key: 'eye',
    phrases: ['eye doctor', 'eye doctors', 'optometrist', 'ophthalmologist', 'oculista', 'oftalmologo'],
  },
  {
    key: 'mental_health',
    phrases: [
      'therapist',
      'therapists',
      'therapy',
      'counseling',
      'counselor',
      'psychiatrist',
      'psychologist',
      'mental health',
      'behavioral health',
      'psicologo',
      'psiquiatra',
      'terapia',
      'salud mental',
    ],
  },
  { key: 'dental', phrases: ['dentist', 'dentists', 'dental', 'dentista', 'dentistas'] },
];

/** Diagnoses by member words → ICD-10 codes present in the data. */
export const DIAGNOSIS_PHRASES: readonly { readonly codes: readonly string[]; readonly phrases: readonly string[] }[] =
  [
    {
      codes: ['Z00.00', 'Z00.129'],
      phrases: [
        'checkup',
        'checkups',
        'check up',
        'check ups',
        'physical',
        'physicals',
        'annual exam',
        'annual physical',
        'wellness visit',
        'well visit',
        'chequeo',
        'chequeos',
      ],
    },
    {
      codes: ['Z23'],
      phrases: [
        'vaccine',
        'vaccines',
        'vaccination',
        'vaccinations',
        'shot',
        'shots',
        'flu shot',
        'immunization',
        'vacuna',
        'vacunas',
      ],
    },
    { codes: ['J06.9'], phrases: ['cold', 'colds', 'upper respiratory', 'resfriado', 'resfriados', 'catarro'] },
    { codes: ['J02.9'], phrases: ['sore throat', 'strep', 'strep throat', 'dolor de garganta', 'garganta'] },
    { codes: ['E11.9'], phrases: ['diabetes', 'diabetic', 'blood sugar', 'diabetico'] },
    {
      codes: ['I10'],
      phrases: ['blood pressure', 'high blood pressure', 'hypertension', 'presion alta', 'presion', 'hipertension'],
    },
    { codes: ['E78.5'], phrases: ['cholesterol', 'high cholesterol', 'colesterol'] },
    { codes: ['J45.909'], phrases: ['asthma', 'asma'] },
    { codes: ['F41.1'], phrases: ['anxiety', 'ansiedad'] },
    { codes: ['K21.9'], phrases: ['reflux', 'acid reflux', 'heartburn', 'gerd', 'reflujo', 'acidez'] },
    { codes: ['M54.50'], phrases: ['back pain', 'backache', 'bad back', 'dolor de espalda', 'espalda'] },
    { codes: ['S93.401A'], phrases: ['sprain', 'sprained ankle', 'ankle', 'ankle sprain', 'esguince', 'tobillo'] },
    {
      codes: ['N39.0'],
      phrases: [
        'uti',
        'utis',
        'urinary tract infection',
        'urinary infection',
        'bladder infection',
        'infeccion urinaria',
      ],
    },
    { codes: ['L20.9'], phrases: ['eczema', 'dermatitis', 'eccema'] },
    { codes: ['H52.4'], phrases: ['reading glasses', 'glasses', 'vision', 'eye exam', 'eye exams', 'vista', 'lentes'] },
    { codes: ['R51.9'], phrases: ['headache', 'headaches', 'dolor de cabeza'] },
  ];

/** Money measures by member word. 'spend' is ambiguous: it answers both the full cost and the member's share. */
export const MONEY_PHRASES = {
  charged: [
    'billed',
    'bill',
    'bills',
    'billing',
    'charged',
    'charge',
    'charges',
    'sticker price',
    'list price',
    'facturo',
    'facturaron',
    'facturado',
    'cobro',
    'cobraron',
    'cobrado',
    'factura',
    'facturas',
  ],
  allowed: [
    'allowed',
    'allowed amount',
    'allowed amounts',
    'full cost',
    'total cost',
    'cost',
    'costs',
    'costed',
    'expensive',
    'worth',
    'costo',
    'costos',
    'costo total',
    'costaron',
    'cuesta',
    'cuestan',
    'costar',
  ],
  plan: [
    'plan paid',
    'plan pay',
    'plan pays',
    'plan cover',
    'plan covered',
    'insurance paid',
    'insurance pay',
    'insurance pays',
    'insurance cover',
    'insurance covered',
    'insurer paid',
    'insurer pay',
    'covered',
    'cover',
    'coverage paid',
    'they paid',
    'they pay',
    'el plan pago',
    'el seguro pago',
    'el seguro cubrio',
    'el plan cubrio',
    'cubrio',
    'cubrieron',
    'pago el plan',
    'pago el seguro',
  ],
  copay: ['copay', 'copays', 'co pay', 'co pays', 'copayment', 'copayments', 'copago', 'copagos'],
  coinsurance: ['coinsurance', 'co insurance', 'coseguro', 'coaseguro'],
  member: [
    'out of pocket costs',
    'out of pocket cost',
    'out of pocket expenses',
    'out of pocket expense',
    'out of pocket spending',
    'out of pocket',
    'oop',
    'my share',
    'our share',
    'his share',
    'her share',
    'their share',
    'share',
    'responsibility',
    'owe',
    'owed',
    'owes',
    'owing',
    'paid',
    'pay',
    'pays',
    'paying',
    'cost me',
    'cost us',
    'costs me',
    'de mi bolsillo',
    'de bolsillo',
    'bolsillo',
    'pague',
    'pagamos',
    'pagaste',
    'pagado',
    'pago',
    'pagar',
    'debo',
    'debemos',
    'mi parte',
    'copago',
    'copagos',
  ],
  spend: [
    'spend',
    'spent',
    'spending',
    'spends',
    'expenses',
    'expense',
    'gaste',
    'gasto',
    'gastamos',
    'gastaron',
    'gastos',
    'gastado',
  ],
} as const;
export type MoneyWord = keyof typeof MONEY_PHRASES;

export const MEASURE_PHRASES = {
  count: [
    'how many',
    'how many times',
    'how often',
    'number of',
    'count',
    'cuantas',
    'cuantos',
    'cuantas veces',
    'numero de',
  ],
  average: ['average', 'avg', 'on average', 'typical', 'typically', 'mean', 'promedio', 'en promedio'],
  max: [
    'largest',
    'biggest',
    'most expensive',
    'highest',
    'costliest',
    'priciest',
    'maximum',
    'max',
    'the most',
    'most',
    'mas caro',
    'mas cara',
    'mas alto',
    'mas alta',
    'mayor',
    'maximo',
  ],
  min: [
    'smallest',
    'cheapest',
    'least expensive',
    'lowest',
    'minimum',
    'min',
    'the least',
    'least',
    'mas barato',
    'mas barata',
    'mas bajo',
    'mas baja',
    'menor',
    'minimo',
  ],
  latest: ['most recent', 'latest', 'last', 'recent', 'recently', 'newest', 'ultima', 'ultimo', 'mas reciente'],
  earliest: ['first', 'earliest', 'oldest', 'primera', 'primer', 'primero'],
  top: [
    'most often',
    'most frequent',
    'most frequently',
    'most visited',
    'favorite',
    'favourite',
    'usual',
    'usually',
    'the most',
    'mas seguido',
    'con mas frecuencia',
    'mas frecuente',
    'mas veces',
  ],
  providers: [
    'which providers',
    'what providers',
    'which doctors',
    'what doctors',
    'which pharmacies',
    'what pharmacies',
    'which pharmacy',
    'what pharmacy',
    'which hospitals',
    'what hospitals',
    'which hospital',
    'which clinics',
    'what clinics',
    'which specialists',
    'what specialists',
    'which places',
    'what places',
    'where',
    'who did',
    'names of',
    'que medicos',
    'que doctores',
    'que proveedores',
    'que farmacias',
    'cuales medicos',
    'cuales proveedores',
    'cuales farmacias',
    'donde',
  ],
  list: [
    'show',
    'list',
    'display',
    'see',
    'what claims',
    'which claims',
    'which of',
    'any',
    'did',
    'has',
    'have',
    'were',
    'was',
    'muestra',
    'muestrame',
    'lista',
    'ver',
    'que reclamaciones',
    'cuales reclamaciones',
  ],
} as const;

/** Provider nouns: words that end or fill a provider's name ("Riverside Clinic", "Main Street Drug"). */
export const PROVIDER_NOUNS: ReadonlySet<string> = new Set(
  `clinic clinics pharmacy pharmacies hospital center centre centers labs lab laboratory laboratories urgent dental
  pediatrics associates group physicians practice imaging radiology therapy orthopedic orthopedics dermatology cardiology
  drugstore drug apothecary vision wellness medicine medical health behavioral services family internal regional general
  eye care obstetrics gynecology mail order street`.split(/\s+/),
);

/** Common abbreviations and shorthand → the word meant. */
export const ABBREVIATIONS: Readonly<Record<string, string>> = {
  yr: 'year',
  wat: 'what',
  wut: 'what',
  wht: 'what',
  hw: 'how',
  yrs: 'years',
  yer: 'year',
  mo: 'month',
  mos: 'months',
  mth: 'month',
  mths: 'months',
  wk: 'week',
  wks: 'weeks',
  appt: 'appointment',
  appts: 'appointments',
  dr: 'doctor',
  drs: 'doctors',
  ins: 'insurance',
  pharm: 'pharmacy',
  hosp: 'hospital',
  u: 'you',
  ur: 'your',
  r: 'are',
  thru: 'through',
  tho: 'though',
  pls: 'please',
  plz: 'please',
  rx: 'rx',
  ytd: 'ytd',
  meds: 'meds',
  med: 'medical',
  ppl: 'people',
  '&': 'and',
};

/** Month names as the matchers read them (lower case, no accents): core/format.ts holds the one list. */
export const MONTHS_EN: readonly string[] = MONTHS.en.map((m) => m.toLowerCase());
export const MONTHS_ES: readonly string[] = MONTHS.es;
/** Short and other month spellings the questions use ('jan', 'sept', 'setiembre'): from core/format.ts. */
export const MONTH_ABBREVIATIONS: Readonly<Record<string, number>> = { ...SHORT_MONTHS.en, ...MONTH_VARIANTS };

export const NUMBER_WORDS: Readonly<Record<string, number>> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  eighteen: 18,
  twenty: 20,
  thirty: 30,
  sixty: 60,
  ninety: 90,
  uno: 1,
  un: 1,
  una: 1,
  dos: 2,
  tres: 3,
  cuatro: 4,
  cinco: 5,
  seis: 6,
  siete: 7,
  ocho: 8,
  nueve: 9,
  diez: 10,
  doce: 12,
  dieciocho: 18,
  veinte: 20,
  treinta: 30,
  noventa: 90,
};

/** Period and time words (consumed by the period matcher). */
export const PERIOD_WORDS: readonly string[] = `
today yesterday tonight this last past previous prior next so far ytd year to date current calendar ever all time to date
ago since before after between from through until quarter half beginning start end early late
hoy ayer este esta ano anos pasado pasada actual ultimo ultimos ultima ultimas desde antes despues hasta entre hace principio
`
  .split(/\s+/)
  .filter(Boolean);

/** Everything the engine knows, for typo correction. */
export function knownWords(): Set<string> {
  const words = new Set<string>();
  const add = (phrase: string) => {
    for (const w of phrase.split(/\s+/)) if (w) words.add(w);
  };
  for (const w of STOPWORDS) add(w);
  for (const list of Object.values(PEOPLE_WORDS)) for (const p of list) add(p);
  for (const p of [...RX_WORDS, ...MEDICAL_WORDS, ...PERIOD_WORDS, ...MONTHS_EN, ...MONTHS_ES]) add(p);
  for (const s of SERVICE_PHRASES) for (const p of s.phrases) add(p);
  for (const d of DIAGNOSIS_PHRASES) for (const p of d.phrases) add(p);
  for (const list of Object.values(MONEY_PHRASES)) for (const p of list) add(p);
  for (const list of Object.values(MEASURE_PHRASES)) for (const p of list) add(p);
  for (const w of Object.keys(NUMBER_WORDS)) add(w);
  for (const w of Object.keys(MONTH_ABBREVIATIONS)) add(w);
  for (const w of 'plan insurance insurer seguro over under above below more less greater lower higher least than nothing free zero dollars'.split(
    ' ',
  ))
    add(w);
  return words;
}

let categories: Map<string, string> | undefined;

/** The list a word belongs to ('rx', 'service:lab', 'people:spouse', ...), for typo tie-breaks. */
export function wordCategory(word: string): string | undefined {
  if (!categories) {
    const map = new Map<string, string>();
    const put = (key: string, list: readonly string[]) => {
      for (const phrase of list) if (!phrase.includes(' ') && !map.has(phrase)) map.set(phrase, key);
    };
    put('rx', RX_WORDS);
    put('medical', MEDICAL_WORDS);
    for (const [k, list] of Object.entries(PEOPLE_WORDS)) put(`people:${k}`, list);
    for (const s of SERVICE_PHRASES) put(`service:${s.key}`, s.phrases);
    for (const d of DIAGNOSIS_PHRASES) put(`diagnosis:${d.codes.join()}`, d.phrases);
    for (const [k, list] of Object.entries(MONEY_PHRASES)) put(`money:${k}`, list);
    categories = map;
  }
  return categories.get(word);
}
