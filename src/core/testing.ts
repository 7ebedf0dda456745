/**
 * In-memory ports, for unit tests and benchmarks: `ask()` runs on them with no model, database,
 * template store or wall clock. Each records what it was asked, so a test can check what crossed
 * the port (the exact SQL, the scope, the prompt), not only what came back.
 *
 * Real adapters signal failures with an error whose `code` is a reason code (`LlmError` →
 * `LLM_ERROR`, `DbTimeoutError` → `DB_TIMEOUT`...); {@link PortError} is that contract with
 * nothing else attached.
 *
 * @example
 * const llm = new ScriptedLlm({ sql: '<sql>SELECT count(*) FROM claims_history WHERE member_id = 1000000001</sql>', summary: 'You had 3 claims.' });
 * const db = new InMemoryMemberDb({ answer: () => [{ count: 3 }] });
 * const r = await ask({ requestId: 'r1', scope: { memberId: '1000000001' }, question: 'How many claims?' },
 *   { llm, db, prompts: new InMemoryPromptStore(), clock: fixedClock('2026-03-15') });
 * db.queries[0]?.sql // the validated SQL, exactly
 */
import type { ConversationStore, Turn } from './conversation.ts';
import type {
  Asker,
  Clock,
  FamilyMember,
  Llm,
  LlmPurpose,
  LlmRequest,
  LlmResponse,
  MemberDb,
  MemberScope,
  PromptStore,
  PromptTemplate,
  QueryResult,
  Row,
  TemplateName,
} from './ports.ts';
import type { ReasonCode } from './reasons.ts';

/** A failure a port reports with a reason code, as the real adapters' errors do. */
export class PortError extends Error {
  override readonly name = 'PortError';
  constructor(
    readonly code: ReasonCode,
    message = `port failed: ${code}`,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------- clock

/**
 * A clock stopped at one instant; a date alone means noon UTC that day.
 * @example fixedClock('2026-03-15').now().toISOString() // '2026-03-15T12:00:00.000Z'
 */
export function fixedClock(at: string | Date): Clock {
  const instant = typeof at === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(at) ? `${at}T12:00:00Z` : at;
  const ms = new Date(instant).getTime();
  if (Number.isNaN(ms)) throw new RangeError('fixedClock: not a date');
  return { now: () => new Date(ms) };
}

// ---------------------------------------------------------------- llm

/** What a scripted model says: a reply text, a reply with its own token counts, or a failure. */
export type ScriptedReply = string | LlmReply | Error;

export interface LlmReply {
  readonly text: string;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly modelId?: string;
}

/** A fixed reply, or a function of the request (to answer from the prompt, or to count calls). */
export type ReplyScript = ScriptedReply | ((req: LlmRequest) => ScriptedReply | Promise<ScriptedReply>);

export interface ScriptedLlmOptions {
  readonly modelId?: string;
  /** Waits this long before each reply, so timings have something to measure. */
  readonly delayMs?: number;
  /**
   * When set, the model can also stream (`Llm.stream`): each reply is sent to `onText` in pieces
   * of this many characters, the way ConverseStream cuts a reply wherever it likes.
   */
  readonly streamPieceChars?: number;
}

export const SCRIPTED_MODEL_ID = 'scripted-model';

/** Tokens as the offline engine and the Bedrock stand-in count them: one per 4 characters. */
const tokensOf = (text: string) => Math.ceil(text.length / 4);

/**
 * An `Llm` that answers from a script, one entry per purpose. Unscripted purposes fail with
 * `LLM_ERROR`, so a test never gets a reply it did not write.
 * @example
 * const llm = new ScriptedLlm({ sql: '<sql>NULL</sql>' });
 * await llm.generate({ purpose: 'sql', system: 's', prompt: 'p', maxTokens: 10 }); // text '<sql>NULL</sql>'
 * llm.requests.length // 1
 */
export class ScriptedLlm implements Llm {
  readonly requests: LlmRequest[] = [];
  readonly #script: Partial<Record<LlmPurpose, ReplyScript>>;
  readonly #modelId: string;
  readonly #delayMs: number;

  /** Present only when `streamPieceChars` is set, as a model without streaming has none. */
  readonly stream?: (req: LlmRequest, onText: (delta: string) => void) => Promise<LlmResponse>;

  constructor(script: Partial<Record<LlmPurpose, ReplyScript>>, opts: ScriptedLlmOptions = {}) {
    this.#script = script;
    this.#modelId = opts.modelId ?? SCRIPTED_MODEL_ID;
    this.#delayMs = opts.delayMs ?? 0;
    const piece = opts.streamPieceChars;
    if (piece !== undefined && piece > 0) {
      this.stream = async (req, onText) => {
        const reply = await this.generate(req);
        for (let i = 0; i < reply.text.length; i += piece) onText(reply.text.slice(i, i + piece));
        return reply;
      };
    }
  }

  /** The requests made for one purpose, in order. */
  requestsFor(purpose: LlmPurpose): LlmRequest[] {
    return this.requests.filter((r) => r.purpose === purpose);
  }

  async generate(req: LlmRequest): Promise<LlmResponse> {
    this.requests.push(req);
    if (this.#delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#delayMs));
    const entry = this.#script[req.purpose];
    if (entry === undefined) throw new PortError('LLM_ERROR', `no scripted reply for ${req.purpose}`);
    const reply = typeof entry === 'function' ? await entry(req) : entry;
    if (reply instanceof Error) throw reply;
    const r: LlmReply = typeof reply === 'string' ? { text: reply } : reply;
    return {
      text: r.text,
      modelId: r.modelId ?? this.#modelId,
      inputTokens: r.inputTokens ?? tokensOf(req.system) + tokensOf(req.prompt),
      outputTokens: r.outputTokens ?? tokensOf(r.text),
    };
  }
}

// ---------------------------------------------------------------- member db

/** What the in-memory database answers a query with: all matching rows (it applies the cap). */
export type QueryAnswer = Row[] | { readonly rows: Row[] } | Error;

export interface MemberQuery {
  readonly sql: string;
  readonly scope: MemberScope;
  readonly rowCap: number;
}

export interface InMemoryMemberDbOptions {
  /** Answers each member query; default: no rows. */
  readonly answer?: (sql: string, scope: MemberScope) => QueryAnswer | Promise<QueryAnswer>;
  /** People by person id (or by member id for a scope without a person). */
  readonly people?: Readonly<Record<string, Asker>>;
  /**
   * The family `roster` reports (who may see whose claims); default: the asker alone, from
   * `people`, visible to themself.
   */
  readonly roster?: readonly FamilyMember[] | ((scope: MemberScope) => readonly FamilyMember[]);
  /** When set, describeAsker and roster fail with it (e.g. the database is unreachable). */
  readonly askerError?: Error;
}

/**
 * A `MemberDb` with no SQL engine: a test decides the rows. It keeps the port's contract that
 * matters to the pipeline: at most `rowCap` rows, `truncated` when more matched.
 * @example
 * const db = new InMemoryMemberDb({ answer: () => [{ claim_count: 2 }], people: { '1000000001-01': { name: 'Ana', relationship: 'subscriber' } } });
 */
export class InMemoryMemberDb implements MemberDb {
  readonly queries: MemberQuery[] = [];
  /** Scopes looked up by describeAsker or roster. */
  readonly askerLookups: MemberScope[] = [];
  readonly #opts: InMemoryMemberDbOptions;

  constructor(opts: InMemoryMemberDbOptions = {}) {
    this.#opts = opts;
  }

  async runMemberQuery(sql: string, scope: MemberScope, opts: { rowCap: number }): Promise<QueryResult> {
    this.queries.push({ sql, scope, rowCap: opts.rowCap });
    const answer = (await this.#opts.answer?.(sql, scope)) ?? [];
    if (answer instanceof Error) throw answer;
    const { rows } = Array.isArray(answer) ? { rows: answer } : answer;
    return { rows: rows.slice(0, opts.rowCap), truncated: rows.length > opts.rowCap };
  }

  async describeAsker(scope: MemberScope): Promise<Asker | undefined> {
    this.askerLookups.push(scope);
    if (this.#opts.askerError) throw this.#opts.askerError;
    return this.#opts.people?.[scope.personId ?? scope.memberId];
  }

  async roster(scope: MemberScope): Promise<FamilyMember[]> {
    this.askerLookups.push(scope);
    if (this.#opts.askerError) throw this.#opts.askerError;
    const { roster } = this.#opts;
    if (roster) return [...(typeof roster === 'function' ? roster(scope) : roster)];
    const asker = this.#opts.people?.[scope.personId ?? scope.memberId];
    return asker ? [{ ...asker, visible: true, self: true }] : [];
  }
}

// ---------------------------------------------------------------- prompt store

/**
 * Small templates with every placeholder the pipeline fills, in the tags of the prompt contract
 * (src/core/prompt-tags.ts): enough for a scripted model, and for a test to read the prompt.
 */
export const MINIMAL_TEMPLATES: Readonly<Record<TemplateName, PromptTemplate>> = {
  sql: {
    name: 'sql',
    version: 1,
    system: 'Write one PostgreSQL SELECT over <schema> for the member in <member_id>.',
    body: [
      '<schema>{{schema}}</schema>',
      '<member_id>{{member_id}}</member_id>',
      '<today>{{today}}</today>',
      '<asker>{{asker}}</asker>',
      '<history>{{history}}</history>',
      '<question>{{question}}</question>',
    ].join('\n'),
  },
  summary: {
    name: 'summary',
    version: 1,
    system: 'Answer the member in plain words from <rows>.',
    body: [
      '<today>{{today}}</today>',
      '<asker>{{asker}}</asker>',
      '<history>{{history}}</history>',
      '<question>{{question}}</question>',
      '<sql>{{sql}}</sql>',
      '<row_count>{{row_count}}</row_count>',
      '<rows>{{rows}}</rows>',
    ].join('\n'),
  },
};

/**
 * A `PromptStore` holding the published version of each template in memory.
 * @example
 * const store = new InMemoryPromptStore();
 * store.publish('sql', { system: 'New rules.', body: MINIMAL_TEMPLATES.sql.body }); // now version 2
 */
export class InMemoryPromptStore implements PromptStore {
  readonly loads: TemplateName[] = [];
  readonly #published = new Map<TemplateName, PromptTemplate | Error>();

  /** Templates (or a failure to load one); default {@link MINIMAL_TEMPLATES}. */
  constructor(templates: Partial<Record<TemplateName, PromptTemplate | Error>> = MINIMAL_TEMPLATES) {
    for (const [name, t] of Object.entries(templates) as [TemplateName, PromptTemplate | Error][]) {
      this.#published.set(name, t);
    }
  }

  /** Publishes new text as the next version; returns it. */
  publish(name: TemplateName, text: { system: string; body: string }): PromptTemplate {
    const previous = this.#published.get(name);
    const version = previous && !(previous instanceof Error) ? previous.version + 1 : 1;
    const t: PromptTemplate = { name, version, ...text };
    this.#published.set(name, t);
    return t;
  }

  async load(name: TemplateName): Promise<PromptTemplate> {
    this.loads.push(name);
    const t = this.#published.get(name);
    if (t === undefined) throw new Error(`no published ${name} template`);
    if (t instanceof Error) throw t;
    return t;
  }
}

// ---------------------------------------------------------------- conversations

/**
 * A `ConversationStore` in memory, with the database's rules: a conversation belongs to one
 * (member, person); anyone else reads it as missing; only the newest `keepTurns` turns are kept.
 * @example
 * const conversations = new InMemoryConversationStore();
 * const id = await conversations.start({ memberId: '1000000001', personId: '1000000001-01' });
 */
export class InMemoryConversationStore implements ConversationStore {
  readonly #conversations = new Map<string, { owner: string; turns: Turn[] }>();
  readonly #keepTurns: number;
  #next = 0;

  constructor(opts: { keepTurns?: number } = {}) {
    this.#keepTurns = opts.keepTurns ?? 10;
  }

  async start(scope: MemberScope): Promise<string> {
    this.#next += 1;
    const id = `00000000-0000-4000-8000-${String(this.#next).padStart(12, '0')}`;
    this.#conversations.set(id, { owner: ownerOf(scope), turns: [] });
    return id;
  }

  async history(id: string, scope: MemberScope, limit: number): Promise<Turn[] | undefined> {
    const c = this.#mine(id, scope);
    return c ? c.turns.slice(Math.max(0, c.turns.length - limit)) : undefined;
  }

  async append(id: string, scope: MemberScope, turn: Turn): Promise<boolean> {
    const c = this.#mine(id, scope);
    if (!c) return false;
    c.turns.push(turn);
    if (c.turns.length > this.#keepTurns) c.turns.splice(0, c.turns.length - this.#keepTurns);
    return true;
  }

  async turnOf(requestId: string, scope: MemberScope): Promise<Turn | undefined> {
    for (const c of this.#conversations.values())
      if (c.owner === ownerOf(scope)) {
        const t = c.turns.find((x) => x.requestId === requestId);
        if (t) return t;
      }
    return undefined;
  }

  async delete(id: string, scope: MemberScope): Promise<boolean> {
    return this.#mine(id, scope) !== undefined && this.#conversations.delete(id);
  }

  async deleteAll(scope: MemberScope): Promise<number> {
    let n = 0;
    for (const [id, c] of this.#conversations) {
      if (c.owner === ownerOf(scope)) {
        this.#conversations.delete(id);
        n += 1;
      }
    }
    return n;
  }

  #mine(id: string, scope: MemberScope) {
    const c = this.#conversations.get(id);
    return c && c.owner === ownerOf(scope) ? c : undefined;
  }
}

function ownerOf(scope: MemberScope): string {
  return `${scope.memberId}/${scope.personId ?? 'subscriber'}`;
}
