/**
 * The one wiring. Lambda (runtime/lambda.ts) and the local runtime (runtime/local.ts) build the
 * app with `buildApp` from the config and different parts: the claims_app pool (RDS Proxy +
 * secret, or a local server), the model (from the one LLM factory), the template store, the
 * clock and the tracer. The handlers then get the same ports, rate limit, after-ask step and
 * health checks on both.
 */
import type pg from 'pg';
import type { Identity } from '../auth/identity.ts';
import type { Config } from '../config/config.ts';
import type { AskResult } from '../core/ask-result.ts';
import type { ConversationStore } from '../core/conversation.ts';
import type { FeedbackStore } from '../core/feedback.ts';
import { type Clock, type Llm, type PromptStore, systemClock } from '../core/ports.ts';
import { PgConversationStore } from '../db/conversations.ts';
import { PgFeedbackStore } from '../db/feedback.ts';
import { PgMemberDb } from '../db/member-db.ts';
import { ModelHealth, withModelHealth } from '../llm/health.ts';
import type { AskPorts } from '../pipeline/ask.ts';
import { FilePromptStore, PROMPTS_DIR } from '../prompts/file-store.ts';
import { PgPromptStore } from '../prompts/pg-store.ts';
import { LIMITS } from '../schema/catalog.ts';
import { afterAsk } from './after-ask.ts';
import { memberRateLimit } from './rate-limit.ts';

export interface AppParts {
  /** The claims_app pool to the writer (JSON-safe parsers: `createAppPool`). */
  readonly pool: pg.Pool;
  /**
   * The claims_app pool to a read-only replica (DB_READER_HOST): member queries, the roster and
   * the asker run there. Absent: everything uses `pool`.
   */
  readonly readerPool?: pg.Pool;
  readonly llm: Llm;
  /** The pipeline's template store (default: the configured one, {@link createPromptStore}). */
  readonly prompts?: PromptStore;
  readonly clock?: Clock;
  /** Runs each stage in a trace span (X-Ray in Lambda). */
  readonly trace?: AskPorts['trace'];
}

/** Named checks of GET /v1/health; each resolves when its part works. No member data. */
export type HealthChecks = Readonly<Record<string, () => Promise<unknown>>>;

export interface App {
  readonly config: Config;
  readonly ports: AskPorts;
  readonly db: PgMemberDb;
  /** Conversations (follow-up questions), bound to the person who started each one. */
  readonly conversations: ConversationStore;
  /** Feedback on answers (without rows or names). */
  readonly feedback: FeedbackStore;
  /** Throws an HttpError(429) when the family has asked too often. */
  readonly rateLimit: (identity: Identity) => Promise<void>;
  /**
   * After every ask: audit row, log line, metrics. Resolves to the result to send: an answer whose
   * audit row could not be written is not sent (src/runtime/after-ask.ts). Never throws.
   */
  readonly onResult: (result: AskResult, identity: Identity, call?: { timeoutMs?: number }) => Promise<AskResult>;
  readonly health: HealthChecks;
  /** The model's state from this process's own calls (health reports it without calling the model). */
  readonly llmHealth: ModelHealth;
}

/** The health checks, written once: what each looks at in an app. */
const HEALTH: Readonly<Record<string, (app: App) => Promise<unknown>>> = {
  database: (app) => app.db.pool.query('SELECT 1'),
  templates: (app) => app.ports.prompts.load('sql'),
};

/** Only where a reader is configured (DB_READER_HOST): the replica member reads go to. */
const READER_HEALTH: Readonly<Record<string, (app: App) => Promise<unknown>>> = {
  databaseReader: (app) => app.db.readerPool.query('SELECT 1'),
};

/**
 * The same checks for an app that is still being built (Lambda: the pool needs the secret first).
 * A failing build reads as a failing check, not as an error of the health endpoint.
 */
export function deferredHealthChecks(app: () => Promise<App>, opts: { reader?: boolean } = {}): HealthChecks {
  const checks = { ...HEALTH, ...(opts.reader ? READER_HEALTH : {}) };
  return Object.fromEntries(Object.entries(checks).map(([name, check]) => [name, async () => check(await app())]));
}

/** The shipped templates: PROMPTS_DIR, else the repository's prompts/. */
export function shippedTemplates(config: Config): FilePromptStore {
  return new FilePromptStore(config.prompts.dir ?? PROMPTS_DIR);
}

/**
 * The pipeline's template store. PROMPT_STORE=postgres (the default) reads the published versions
 * from `prompt_templates`, re-checking the version at most every PROMPT_CACHE_SECONDS and serving
 * the shipped files for a name nothing was published for yet; PROMPT_STORE=files reads the files only.
 */
export function createPromptStore(config: Config, pool: pg.Pool): PromptStore {
  const files = shippedTemplates(config);
  if (config.prompts.store === 'files') return files;
  return new PgPromptStore(pool, { checkEveryMs: config.prompts.cacheSeconds * 1000, fallback: files });
}

/**
 * Builds the app from the config and the platform's parts.
 * @example
 * const app = buildApp(config, { pool, llm });
 * await ask(input, app.ports);
 */
export function buildApp(config: Config, parts: AppParts): App {
  // Member reads on the reader when there is one; audit, conversations, feedback, rate limit,
  // templates and admin work on the writer.
  const db = new PgMemberDb(parts.pool, { statementTimeoutMs: config.db.statementTimeoutMs }, parts.readerPool);
  const llmHealth = new ModelHealth();
  const ports: AskPorts = {
    llm: withModelHealth(parts.llm, llmHealth),
    db,
    prompts: parts.prompts ?? createPromptStore(config, parts.pool),
    clock: parts.clock ?? systemClock,
    ...(parts.trace ? { trace: parts.trace } : {}),
  };
  const app: App = {
    config,
    ports,
    db,
    conversations: new PgConversationStore(parts.pool, {
      retentionSeconds: config.conversations.retentionHours * 3600,
      keepTurns: LIMITS.conversationTurnsKept,
    }),
    feedback: new PgFeedbackStore(parts.pool),
    rateLimit: memberRateLimit(parts.pool, config.rateLimit),
    onResult: afterAsk(db),
    llmHealth,
    health: Object.fromEntries(
      Object.entries({ ...HEALTH, ...(parts.readerPool ? READER_HEALTH : {}) }).map(([name, check]) => [
        name,
        () => check(app),
      ]),
    ),
  };
  return app;
}
