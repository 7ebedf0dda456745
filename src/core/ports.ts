/**
 * The ports the pipeline runs on. Production wires Bedrock, RDS and the template store;
 * tests and `claims serve` wire a local Bedrock stand-in, embedded PostgreSQL and local files.
 */
import type { RelationshipCode } from '../schema/catalog.ts';
import type { CallOptions } from './deadline.ts';

export type { CallOptions } from './deadline.ts';

/** A JSON-safe cell: money stays a decimal string (no float drift), dates are 'YYYY-MM-DD'. */
export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

/** Who is asking. Comes only from verified identity (authorizer claims or a verified JWT). */
export interface MemberScope {
  /** The family's subscriber id (10 digits; kept as a string because it can exceed 2^31). */
  readonly memberId: string;
  /** The signed-in person within the family (people.person_id); absent = the subscriber. */
  readonly personId?: string;
}

/** The signed-in person as the prompt needs to know them ("I" and "me" mean this person). */
export interface Asker {
  readonly name: string;
  readonly relationship: RelationshipCode;
}

export type LlmPurpose = 'sql' | 'summary';

export interface LlmRequest {
  readonly purpose: LlmPurpose;
  /** Instructions: never contains member input. */
  readonly system: string;
  /** The rendered template, with member input inside delimiters. */
  readonly prompt: string;
  /**
   * The length of `prompt`'s static start (the template's role, schema, rules and examples: the
   * same for every member and question), which a provider may cache (Bedrock prompt caching).
   * Absent or 0: nothing to cache.
   */
  readonly cacheablePrefixChars?: number;
  readonly maxTokens: number;
}

export interface LlmResponse {
  readonly text: string;
  readonly modelId: string;
  /** Input tokens billed at the full price (not read from or written to a prompt cache). */
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Input tokens read from the provider's prompt cache (Bedrock `cacheReadInputTokens`). */
  readonly cacheReadInputTokens?: number;
  /** Input tokens written to the provider's prompt cache (Bedrock `cacheWriteInputTokens`). */
  readonly cacheWriteInputTokens?: number;
}

/** `llm`: generate text from a prompt. */
export interface Llm {
  /** `opts.signal` aborts the call (its socket too): the ask's deadline or this call's share of it. */
  generate(req: LlmRequest, opts?: CallOptions): Promise<LlmResponse>;
  /**
   * The same reply, streamed: `onText` gets each piece as the model writes it, and the promise
   * resolves to the whole reply. Optional: a model without it is called with `generate`.
   */
  stream?(req: LlmRequest, onText: (delta: string) => void, opts?: CallOptions): Promise<LlmResponse>;
}

/**
 * What member SQL returned. It depends only on claims the signed-in person may see (row-level
 * security); whether an answer is "I can't share that" is decided from the family roster and
 * the SQL, never from here (docs/family-privacy.md).
 */
export interface QueryResult {
  /** At most `rowCap` rows. */
  readonly rows: Row[];
  /** True when the query matched more than `rowCap` rows. */
  readonly truncated: boolean;
}

/** One person of the signed-in person's family, as the family-privacy decision needs them. */
export interface FamilyMember {
  /** First and last name, as `claims_history.member_name` spells it. */
  readonly name: string;
  readonly relationship: RelationshipCode;
  /** Whether the signed-in person may see this person's claims (the plan's policy). */
  readonly visible: boolean;
  /** True for the signed-in person. */
  readonly self: boolean;
}

/** `db`: run SQL that the validator accepted, for one member, with the database enforcing scope. */
export interface MemberDb {
  /**
   * Runs member SQL; rejects with a reason-coded error (SQL_TOO_EXPENSIVE, DB_TIMEOUT, ...).
   * `opts.timeoutMs` caps the statement timeout; `opts.signal` stops waiting (and drops the connection).
   */
  runMemberQuery(sql: string, scope: MemberScope, opts: { rowCap: number } & CallOptions): Promise<QueryResult>;
  /** Name and relationship of the signed-in person (the subscriber when personId is absent). */
  describeAsker(scope: MemberScope, opts?: CallOptions): Promise<Asker | undefined>;
  /** Everyone in the signed-in person's family, with who is visible to them (empty: unknown person). */
  roster(scope: MemberScope, opts?: CallOptions): Promise<FamilyMember[]>;
}

export type TemplateName = 'sql' | 'summary';

export interface PromptTemplate {
  readonly name: TemplateName;
  readonly version: number;
  /** System text (instructions) and user text, both with {{placeholders}}. */
  readonly system: string;
  readonly body: string;
}

/** `prompts`: load the published version of a template. */
export interface PromptStore {
  load(name: TemplateName, opts?: CallOptions): Promise<PromptTemplate>;
}

/** `clock`: "this year" and "last 12 months" are relative to it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
