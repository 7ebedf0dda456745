/**
 * The one schema catalog. The SQL prompt renders it, the validator enforces it,
 * and a test checks the database matches it. Change a fact here, nowhere else.
 */

export type ColumnType = 'bigint' | 'integer' | 'text' | 'date' | 'numeric(10,2)' | 'boolean';

export interface ColumnSpec {
  readonly type: ColumnType;
  readonly description: string;
  /** Allowed values, when the column is an enumeration. */
  readonly values?: readonly string[];
}

/**
 * What one row of a table is about, for family privacy (docs/family-privacy.md):
 * - `person`: one person's data; the database shows it only to people who may see that person
 *   (member_name and relationship_code say whose it is);
 * - `family`: a family-level total; the database shows the family's own total only to someone who
 *   may see everyone in the family, and to anyone else the total over the people they may see;
 * - `plan`: the terms of the family's plan (no person data); everyone in the family may read them;
 * - `reference`: the same for every member (no member data at all).
 */
export type RowSubject = 'person' | 'family' | 'plan' | 'reference';

/** A join between two catalog tables: equal columns, this table's first. */
export interface JoinKey {
  readonly table: string;
  readonly on: readonly (readonly [string, string])[];
}

export interface TableSpec {
  readonly description: string;
  /**
   * The column that ties every row to one family; every reference to the table in a member query
   * must be pinned to the signed-in family on it. `null` for reference tables, which hold no member rows.
   */
  readonly scopeColumn: string | null;
  readonly rowSubject: RowSubject;
  /** How the database holds it (views run with their owner's rights over row-level-secured tables). */
  readonly relkind: 'table' | 'view';
  readonly columns: Readonly<Record<string, ColumnSpec>>;
  /** How it joins the other catalog tables (the prompt shows these; joins on them are not cross products). */
  readonly joins?: readonly JoinKey[];
}

export const RELATIONSHIP_CODES = ['subscriber', 'spouse', 'son', 'daughter', 'other'] as const;
export type RelationshipCode = (typeof RELATIONSHIP_CODES)[number];

export const CLAIM_TYPES = ['Medical', 'RX'] as const;
export type ClaimType = (typeof CLAIM_TYPES)[number];

export const CLAIM_STATUSES = ['paid', 'denied', 'pending', 'adjusted'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export const NETWORKS = ['in_network', 'out_of_network'] as const;
export type Network = (typeof NETWORKS)[number];

/** Service categories of cost sharing (plan_cost_sharing) and of claims (claims_history.service_category). */
export const SERVICE_CATEGORIES = [
  'preventive_care',
  'primary_care',
  'specialist',
  'urgent_care',
  'emergency_room',
  'hospital_stay',
  'lab',
  'imaging',
  'physical_therapy',
  'mental_health',
  'generic_drug',
  'preferred_brand_drug',
  'non_preferred_drug',
  'chiropractic',
  'occupational_therapy',
  'speech_therapy',
] as const;
export type ServiceCategory = (typeof SERVICE_CATEGORIES)[number];

export const PLAN_TYPES = ['PPO', 'HMO', 'EPO', 'HDHP'] as const;
export type PlanType = (typeof PLAN_TYPES)[number];

export const COVERAGE_LEVELS = ['individual', 'family'] as const;
export const FAMILY_DEDUCTIBLE_KINDS = ['embedded', 'aggregate'] as const;
export const DENIAL_GROUP_CODES = ['CO', 'PR', 'OA', 'PI'] as const;

const MEMBER_ID = {
  type: 'bigint',
  description: "The family's subscriber id, shared by everyone in the family (10 digits).",
} as const satisfies ColumnSpec;
const MEMBER_NAME = { type: 'text', description: 'Full name of the person this row is about.' } as const;
const RELATIONSHIP = {
  type: 'text',
  description: 'How the person relates to the subscriber.',
  values: RELATIONSHIP_CODES,
} as const satisfies ColumnSpec;
const PLAN_YEAR = { type: 'integer', description: 'Plan year (the calendar year, January 1 to December 31).' } as const;
const NETWORK = {
  type: 'text',
  description: "'in_network' or 'out_of_network' (each has its own deductible and maximum).",
  values: NETWORKS,
} as const satisfies ColumnSpec;
const SERVICE_CATEGORY = {
  type: 'text',
  description:
    'Kind of service: preventive_care (checkups, vaccines), primary_care (family doctor, pediatrician), specialist, urgent_care, emergency_room, hospital_stay, lab, imaging (x-ray, CT, MRI), physical_therapy, occupational_therapy, speech_therapy, chiropractic, mental_health, and prescription drugs by tier: generic_drug, preferred_brand_drug, non_preferred_drug.',
  values: SERVICE_CATEGORIES,
} as const satisfies ColumnSpec;
const AS_OF = {
  type: 'date',
  description: 'The date these totals were last updated (claims processed by then).',
} as const;

/**
 * Tables a member query may read. Anything not listed here is rejected by the validator.
 * Every one with a scope column is pinned to the signed-in family, on every reference.
 */
export const MEMBER_TABLES = {
  claims_history: {
    description: 'One row per medical or pharmacy (RX) claim of a family on the health plan.',
    scopeColumn: 'member_id',
    rowSubject: 'person',
    relkind: 'table',
    columns: {
      claim_id: { type: 'bigint', description: 'Unique claim number.' },
      member_id: MEMBER_ID,
      member_name: { type: 'text', description: 'Full name of the person who received the care.' },
      relationship_code: {
        type: 'text',
        description: 'How the patient relates to the subscriber.',
        values: RELATIONSHIP_CODES,
      },
      claim_type: {
        type: 'text',
        description: "'Medical' for doctor/hospital care, 'RX' for prescriptions (pharmacy).",
        values: CLAIM_TYPES,
      },
      claim_date: { type: 'date', description: 'Date of service.' },
      provider_name: { type: 'text', description: 'Doctor, clinic, hospital or pharmacy.' },
      diagnosis_code: { type: 'text', description: 'ICD-10 diagnosis code.' },
      procedure_code: { type: 'text', description: 'CPT procedure code (Medical claims).' },
      ndc_code: { type: 'text', description: 'National Drug Code (RX claims).' },
      charged_amount: { type: 'numeric(10,2)', description: 'What the provider billed.' },
      allowed_amount: {
        type: 'numeric(10,2)',
        description: 'What the plan allows for the service; "total spend" sums this.',
      },
      plan_paid_amount: { type: 'numeric(10,2)', description: 'What the plan paid.' },
      patient_responsibility: {
        type: 'numeric(10,2)',
        description: 'What the member owes (out of pocket: copay, coinsurance, deductible).',
      },
      claim_status: {
        type: 'text',
        description:
          "'paid'; 'denied' (the plan paid nothing: see denial_code); 'pending' (received, not processed yet); 'adjusted' (paid, then reprocessed).",
        values: CLAIM_STATUSES,
      },
      processed_date: { type: 'date', description: 'When the plan processed the claim; NULL while pending.' },
      denial_code: {
        type: 'text',
        description:
          'Claim Adjustment Reason Code of a denied claim, or of the part of a paid claim the plan did not pay; NULL otherwise. Explained in denial_reasons.',
      },
      service_category: SERVICE_CATEGORY,
      network: { ...NETWORK, description: "Whether the provider was 'in_network' or 'out_of_network'." },
      deductible_amount: {
        type: 'numeric(10,2)',
        description: 'Part of patient_responsibility applied to the deductible.',
      },
      copay_amount: { type: 'numeric(10,2)', description: 'Part of patient_responsibility that was a copay.' },
      coinsurance_amount: {
        type: 'numeric(10,2)',
        description: 'Part of patient_responsibility that was coinsurance.',
      },
      not_covered_amount: {
        type: 'numeric(10,2)',
        description:
          'Rest of patient_responsibility: owed but not a deductible, copay or coinsurance amount (e.g. charges not covered); does not count toward the out-of-pocket maximum.',
      },
    },
    joins: [{ table: 'denial_reasons', on: [['denial_code', 'reason_code']] }],
  },
  plan_benefits: {
    description:
      "The family's plan per plan year and network: deductibles and out-of-pocket maximums. No out_of_network row: the plan does not cover out-of-network care (except emergencies).",
    scopeColumn: 'member_id',
    rowSubject: 'plan',
    relkind: 'view',
    columns: {
      member_id: MEMBER_ID,
      plan_name: { type: 'text', description: 'Name of the plan.' },
      plan_type: { type: 'text', description: 'PPO, HMO, EPO or HDHP (high-deductible).', values: PLAN_TYPES },
      coverage_level: {
        type: 'text',
        description: "'individual' (one person covered: the individual amounts apply) or 'family'.",
        values: COVERAGE_LEVELS,
      },
      family_deductible_kind: {
        type: 'text',
        description:
          "'embedded': each person also has an individual deductible inside the family one; 'aggregate': the family deductible must be met before the plan shares costs for anyone.",
        values: FAMILY_DEDUCTIBLE_KINDS,
      },
      plan_year: PLAN_YEAR,
      network: NETWORK,
      deductible_individual: { type: 'numeric(10,2)', description: 'Deductible for one person per plan year.' },
      deductible_family: { type: 'numeric(10,2)', description: 'Deductible for the whole family per plan year.' },
      oop_max_individual: {
        type: 'numeric(10,2)',
        description: 'Out-of-pocket maximum for one person per plan year; after it the plan pays 100%.',
      },
      oop_max_family: {
        type: 'numeric(10,2)',
        description: 'Out-of-pocket maximum for the whole family per plan year.',
      },
    },
    joins: [
      {
        table: 'accumulators',
        on: [
          ['plan_year', 'plan_year'],
          ['network', 'network'],
        ],
      },
      {
        table: 'family_accumulators',
        on: [
          ['plan_year', 'plan_year'],
          ['network', 'network'],
        ],
      },
    ],
  },
  plan_cost_sharing: {
    description:
      'What the member pays per service category, plan year and network: copay, coinsurance, whether the deductible applies first, and visit limits.',
    scopeColumn: 'member_id',
    rowSubject: 'plan',
    relkind: 'view',
    columns: {
      member_id: MEMBER_ID,
      plan_year: PLAN_YEAR,
      service_category: SERVICE_CATEGORY,
      network: NETWORK,
      covered: { type: 'boolean', description: 'Whether the plan covers this service in this network.' },
      copay: { type: 'numeric(10,2)', description: 'Fixed amount per visit or fill; NULL when there is no copay.' },
      coinsurance_percent: {
        type: 'integer',
        description: 'Percent of the allowed amount the member pays; NULL when there is no coinsurance.',
      },
      deductible_applies: {
        type: 'boolean',
        description: 'Whether the member pays the full allowed amount until the deductible is met.',
      },
      visit_limit: { type: 'integer', description: 'Visits covered per person per plan year; NULL when unlimited.' },
    },
    joins: [
      {
        table: 'visit_counts',
        on: [
          ['plan_year', 'plan_year'],
          ['service_category', 'service_category'],
        ],
      },
      {
        table: 'claims_history',
        on: [
          ['service_category', 'service_category'],
          ['network', 'network'],
        ],
      },
    ],
  },
  accumulators: {
    description:
      "Each person's running totals per plan year and network from the plan's records (the source of truth for how much of a deductible or maximum is left).",
    scopeColumn: 'member_id',
    rowSubject: 'person',
    relkind: 'table',
    columns: {
      member_id: MEMBER_ID,
      member_name: MEMBER_NAME,
      relationship_code: RELATIONSHIP,
      plan_year: PLAN_YEAR,
      network: NETWORK,
      deductible_met: { type: 'numeric(10,2)', description: "Amount applied to this person's deductible so far." },
      oop_met: {
        type: 'numeric(10,2)',
        description: "Amount counted toward this person's out-of-pocket maximum so far.",
      },
      as_of_date: AS_OF,
    },
    joins: [
      {
        table: 'plan_benefits',
        on: [
          ['plan_year', 'plan_year'],
          ['network', 'network'],
        ],
      },
    ],
  },
  family_accumulators: {
    description:
      "The family's running totals per plan year and network, over the people the signed-in person may see: when includes_everyone is false, private family members' amounts are not included.",
    scopeColumn: 'member_id',
    rowSubject: 'family',
    relkind: 'view',
    columns: {
      member_id: MEMBER_ID,
      plan_year: PLAN_YEAR,
      network: NETWORK,
      deductible_met: { type: 'numeric(10,2)', description: 'Amount applied to the family deductible so far.' },
      oop_met: { type: 'numeric(10,2)', description: 'Amount counted toward the family out-of-pocket maximum so far.' },
      people_included: { type: 'integer', description: 'How many people these totals include.' },
      includes_everyone: {
        type: 'boolean',
        description: "Whether everyone in the family is included (false: some people's amounts are private).",
      },
      as_of_date: AS_OF,
    },
    joins: [
      {
        table: 'plan_benefits',
        on: [
          ['plan_year', 'plan_year'],
          ['network', 'network'],
        ],
      },
    ],
  },
  visit_counts: {
    description:
      'Visits each person has used per plan year of services that have a visit limit (see plan_cost_sharing.visit_limit).',
    scopeColumn: 'member_id',
    rowSubject: 'person',
    relkind: 'table',
    columns: {
      member_id: MEMBER_ID,
      member_name: MEMBER_NAME,
      relationship_code: RELATIONSHIP,
      plan_year: PLAN_YEAR,
      service_category: SERVICE_CATEGORY,
      visits_used: { type: 'integer', description: 'Visits used so far this plan year.' },
      as_of_date: AS_OF,
    },
    joins: [
      {
        table: 'plan_cost_sharing',
        on: [
          ['plan_year', 'plan_year'],
          ['service_category', 'service_category'],
        ],
      },
    ],
  },
  denial_reasons: {
    description:
      'Why a claim (or part of one) was not paid, in plain words, and what the member can do (reference data, the same for everyone).',
    scopeColumn: null,
    rowSubject: 'reference',
    relkind: 'table',
    columns: {
      reason_code: { type: 'text', description: 'Claim Adjustment Reason Code (matches claims_history.denial_code).' },
      group_code: {
        type: 'text',
        description: 'CO: the member does not owe it; PR: the member may owe it; OA/PI: other adjustments.',
        values: DENIAL_GROUP_CODES,
      },
      title: { type: 'text', description: 'Short name of the reason.' },
      explanation: { type: 'text', description: 'What happened, in plain words.' },
      next_steps: { type: 'text', description: 'What the member can do next.' },
      title_es: { type: 'text', description: 'title in Spanish (for a question asked in Spanish).' },
      explanation_es: { type: 'text', description: 'explanation in Spanish.' },
      next_steps_es: { type: 'text', description: 'next_steps in Spanish.' },
    },
    joins: [{ table: 'claims_history', on: [['reason_code', 'denial_code']] }],
  },
} as const satisfies Record<string, TableSpec>;

export type MemberTableName = keyof typeof MEMBER_TABLES;

/** The catalog entry of a table name, if it is one (any case). */
export function memberTable(name: string): TableSpec | undefined {
  const key = name.toLowerCase();
  return Object.hasOwn(MEMBER_TABLES, key) ? (MEMBER_TABLES as Record<string, TableSpec>)[key] : undefined;
}

/**
 * Functions a member query may call, by kind. Deny by default: a name not here is rejected,
 * whatever its schema prefix, quoting or case. Each one was reviewed: no side effects, no access
 * to anything but its arguments, and work linear in its input rows (sorting for the window and
 * ordered-set kinds); text functions cannot grow their input (no repeat, lpad).
 */
export const ALLOWED_FUNCTIONS = {
  aggregate: ['count', 'sum', 'avg', 'min', 'max', 'string_agg'],
  /** Window functions: only with OVER (...); sum/avg/count/min/max may take OVER too. */
  window: ['row_number', 'rank', 'dense_rank', 'lag', 'lead'],
  /** Ordered-set aggregates: only with WITHIN GROUP (ORDER BY ...). */
  orderedSet: ['percentile_cont'],
  datetime: ['date_trunc', 'date_part', 'extract', 'to_char', 'make_date', 'age', 'current_date', 'now'],
  string: ['lower', 'upper', 'trim', 'length', 'concat', 'initcap', 'left', 'right', 'substring'],
  math: ['round', 'abs', 'ceil', 'floor'],
  conditional: ['coalesce', 'nullif', 'greatest', 'least'],
} as const;

export const ALLOWED_FUNCTION_NAMES: ReadonlySet<string> = new Set(Object.values(ALLOWED_FUNCTIONS).flat());
/** Allowed only as window functions, with OVER. */
export const WINDOW_ONLY_FUNCTIONS: ReadonlySet<string> = new Set(ALLOWED_FUNCTIONS.window);
/** Allowed only with WITHIN GROUP (ORDER BY ...). */
export const ORDERED_SET_FUNCTIONS: ReadonlySet<string> = new Set(ALLOWED_FUNCTIONS.orderedSet);

/** Types a member query may CAST to. */
export const ALLOWED_CAST_TYPES: ReadonlySet<string> = new Set([
  'date',
  'text',
  'varchar',
  'integer',
  'int',
  'bigint',
  'numeric',
  'decimal',
  'interval',
]);

/**
 * Hard limits, each written once: the question guard, the validator, the database port and the
 * admin API enforce them; the pages read the ones they show from frontend/limits.js, generated
 * from here (`npm run gen:frontend-limits`; a unit test fails when the two differ).
 */
export const LIMITS = {
  /** A member's question, in characters (after trimming). */
  questionMaxChars: 300,
  /** Model-written SQL, in characters. */
  sqlMaxChars: 2000,
  /** Rows a member query returns; more is "too many rows". */
  rowCap: 200,
  /** A prompt template's system text or body (admin), in characters. */
  templateTextMaxChars: 40_000,
  /** An admin's change, publish or rollback note, in characters. */
  changeNoteMaxChars: 2000,
  /** Turns a conversation keeps (older ones are deleted as new ones arrive). */
  conversationTurnsKept: 10,
  /** Earlier turns the prompts show a model (the newest ones). */
  conversationTurnsInPrompt: 4,
} as const;

/**
 * Bounds on the size and shape of member SQL, so that checking it stays within a few
 * milliseconds (SQL_TOO_COMPLEX) and running it cannot multiply rows without end
 * (SQL_TOO_EXPENSIVE). Each is several times what an honest member question needs.
 */
export const SQL_BOUNDS = {
  /** Lexical tokens in one statement (the eval set's largest reference query has 110). */
  maxTokens: 300,
  /** Parentheses and brackets open at once. */
  maxNesting: 8,
  /** SELECTs inside SELECTs (sub-queries, CTE bodies, derived tables) open at once. */
  maxQueryNesting: 4,
  /** Items of one parenthesized list: IN (...), function arguments, ARRAY[...]. */
  maxListItems: 50,
  /** CASE expressions open at once. */
  maxCaseNesting: 4,
  /** SELECTs joined by UNION, INTERSECT or EXCEPT. */
  maxSetBranches: 8,
  /**
   * node-sql-parser's work, in input reads (src/validate/parse.ts), about 0.08 µs each: honest
   * queries take 1,000–22,000 (the eval sets' largest); a nested syntax error takes millions.
   */
  parserBudget: 40_000,
  /**
   * Join degree: the largest number of member-table scans whose rows can multiply together.
   * Every relation joined in one FROM (table, CTE reference, derived table) adds its own degree,
   * and a sub-query in an expression may run once per row, so it adds to the SELECT around it.
   */
  maxJoinDegree: 3,
  /** Relation references (tables, CTE references, derived tables) in a whole statement. */
  maxRelations: 8,
} as const;

/** How the prompt introduces each kind of allowed function (the validator enforces the same rules). */
const FUNCTION_KIND_NOTES: Readonly<Record<keyof typeof ALLOWED_FUNCTIONS, string>> = {
  aggregate: 'aggregates (also as window functions with OVER)',
  window: 'window functions, only with OVER (PARTITION BY ... ORDER BY ... [ROWS BETWEEN ... AND ...])',
  orderedSet: 'only with WITHIN GROUP (ORDER BY ...)',
  datetime: 'dates',
  string: 'text',
  math: 'numbers',
  conditional: 'conditionals',
};

/**
 * The allowed functions as SQL comments, one line per kind: the prompt's list is the validator's.
 * @example renderAllowedFunctions().split('\n')[0] // '-- Functions you may call, and no others:'
 */
export function renderAllowedFunctions(): string {
  const lines = Object.entries(ALLOWED_FUNCTIONS).map(
    ([kind, names]) => `--   ${FUNCTION_KIND_NOTES[kind as keyof typeof ALLOWED_FUNCTIONS]}: ${names.join(', ')}`,
  );
  return ['-- Functions you may call, and no others:', ...lines].join('\n');
}

/** Renders the member tables as DDL for the SQL-generation prompt, then the allowed functions. */
export function renderSchemaDdl(): string {
  const tables = Object.entries(MEMBER_TABLES as Record<string, TableSpec>)
    .map(([name, table]) => {
      const cols = Object.entries(table.columns).map(([col, spec]) => {
        const values = spec.values ? ` -- one of: ${spec.values.map((v) => `'${v}'`).join(', ')}` : '';
        return `  ${col} ${spec.type.toUpperCase()}, -- ${spec.description}${values}`;
      });
      const scope = table.scopeColumn
        ? `-- Scope: every reference needs ${name}.${table.scopeColumn} = <member_id> in its WHERE.`
        : '-- Reference data: no member_id, no scope needed.';
      const joins = (table.joins ?? []).map(
        (j) => `-- Joins ${j.table} ON ${j.on.map(([a, b]) => `${name}.${a} = ${j.table}.${b}`).join(' AND ')}`,
      );
      return [`-- ${table.description}`, scope, ...joins, `CREATE TABLE ${name} (\n${cols.join('\n')}\n);`].join('\n');
    })
    .join('\n\n');
  return `${tables}\n\n${renderAllowedFunctions()}`;
}
