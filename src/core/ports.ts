/**
 * The ports the pipeline runs on. Production wires Bedrock, RDS and the template store;
 * tests and `claims serve` wire a local Bedrock stand-in, embedded PostgreSQL and local files.
 */
import type { RelationshipCode } from '../schema/catalog.ts';

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
  readonly maxTokens: number;
}

export interface LlmResponse {
  readonly text: string;
  readonly modelId: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** `llm`: generate text from a prompt. */
export interface Llm {
  generate(req: LlmRequest): Promise<LlmResponse>;
}

export interface QueryResult {
  /** At most `rowCap` rows. */
  readonly rows: Row[];
  /** True when the query matched more than `rowCap` rows. */
  readonly truncated: boolean;
  /**
   * True when the visible answer says nothing (no rows, or only zero/null aggregates) while the
   * same query over the whole family would say something: the claims belong to people this
   * person may not see (family privacy), so the answer is "I can't share that", never a false "none".
   */
  readonly withheld: boolean;
}

/** `db`: run SQL that the validator accepted, for one member, with the database enforcing scope. */
export interface MemberDb {
  runMemberQuery(sql: string, scope: MemberScope, opts: { rowCap: number }): Promise<QueryResult>;
  /** Name and relationship of the signed-in person (the subscriber when personId is absent). */
  describeAsker(scope: MemberScope): Promise<Asker | undefined>;
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
  load(name: TemplateName): Promise<PromptTemplate>;
}

/** `clock`: "this year" and "last 12 months" are relative to it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
