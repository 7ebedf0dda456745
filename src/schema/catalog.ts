/**
 * The one schema catalog. The SQL prompt renders it, the validator enforces it,
 * and a test checks the database matches it. Change a fact here, nowhere else.
 */

export type ColumnType = 'bigint' | 'integer' | 'text' | 'date' | 'numeric(10,2)';

export interface ColumnSpec {
  readonly type: ColumnType;
  readonly description: string;
  /** Allowed values, when the column is an enumeration. */
  readonly values?: readonly string[];
}

export interface TableSpec {
  readonly description: string;
  /** The column that ties every row to one family; a member query must be scoped on it. */
  readonly scopeColumn: string;
  readonly columns: Readonly<Record<string, ColumnSpec>>;
}

export const RELATIONSHIP_CODES = ['subscriber', 'spouse', 'son', 'daughter', 'other'] as const;
export type RelationshipCode = (typeof RELATIONSHIP_CODES)[number];

export const CLAIM_TYPES = ['Medical', 'RX'] as const;
export type ClaimType = (typeof CLAIM_TYPES)[number];

/** Tables a member query may read. Anything not listed here is rejected by the validator. */
export const MEMBER_TABLES = {
  claims_history: {
    description: 'One row per medical or pharmacy (RX) claim of a family on the health plan.',
    scopeColumn: 'member_id',
    columns: {
      claim_id: { type: 'bigint', description: 'Unique claim number.' },
      member_id: {
        type: 'bigint',
        description: "The family's subscriber id, shared by everyone in the family (10 digits).",
      },
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
    },
  },
} as const satisfies Record<string, TableSpec>;

export type MemberTableName = keyof typeof MEMBER_TABLES;

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
  const tables = Object.entries(MEMBER_TABLES)
    .map(([name, table]) => {
      const cols = Object.entries(table.columns).map(([col, spec]) => {
        const values = 'values' in spec ? ` -- one of: ${spec.values.map((v) => `'${v}'`).join(', ')}` : '';
        return `  ${col} ${spec.type.toUpperCase()}, -- ${spec.description}${values}`;
      });
      return `-- ${table.description}\nCREATE TABLE ${name} (\n${cols.join('\n')}\n);`;
    })
    .join('\n\n');
  return `${tables}\n\n${renderAllowedFunctions()}`;
}
