/**
 * One member question, four stages: generate → validate → retrieve → summarize.
 * Each stage's detail lives in its own module; this file only says the order and the outcomes.
 */

import type { AskResult, Stage, StageTimings, TokenUsage } from '../core/ask-result.ts';
import type { Turn } from '../core/conversation.ts';
import { abortable, callShare, type Deadline } from '../core/deadline.ts';
import { isConnectionFailure } from '../core/faults.ts';
import { detectLanguage, type Lang } from '../core/language.ts';
import type { Asker, Clock, Llm, LlmResponse, MemberDb, MemberScope, PromptStore, Row } from '../core/ports.ts';
import { AskStatus, friendlyMessage, Reason, type ReasonCode } from '../core/reasons.ts';
import { extractSql } from '../generate/extract.ts';
import { checkQuestion } from '../generate/question-guard.ts';
import { questionScope } from '../generate/question-scope.ts';
import { renderSqlPrompt, renderSummaryPrompt } from '../generate/render.ts';
import { answerFromRows, type Interpretation, interpretSql } from '../interpret/index.ts';
import { LIMITS } from '../schema/catalog.ts';
import { validateSql } from '../validate/index.ts';
import { decidePrivacy, notIncludedNote } from './family-privacy.ts';
import { guardSummary } from './number-guard.ts';
import { GuardedSummaryStream, type SummarySink } from './summary-stream.ts';
import {
  claimsNotUnderstood,
  memberMessage,
  notInDataMessage,
  notUnderstoodOf,
  parentClarification,
  partlyUnderstood,
} from './understanding.ts';

export interface AskPorts {
  readonly llm: Llm;
  readonly db: MemberDb;
  readonly prompts: PromptStore;
  readonly clock: Clock;
  /** Optional: runs each stage inside a trace span (X-Ray subsegments in Lambda). */
  readonly trace?: <T>(stage: Stage, fn: () => Promise<T>) => Promise<T>;
}

export interface AskInput {
  readonly requestId: string;
  /** From verified identity only, never from the request body. */
  readonly scope: MemberScope;
  readonly question: unknown;
  /** Earlier turns of this person's conversation, oldest first: from the server's store, never a client. */
  readonly history?: readonly Turn[];
  /** Streams the summary as the model writes it, through the number guard (src/pipeline/summary-stream.ts). */
  readonly summarySink?: SummarySink;
  /**
   * When the ask must be over (from the handler's remaining time or the local budget). Every port
   * call gets its share; once it passes the pipeline stops with a 503 reason (`LLM_ERROR` while the
   * model was working, `DB_TIMEOUT` while the database was). Absent: only the ports' own timeouts.
   */
  readonly deadline?: Deadline;
}

/** Of the time left, what the SQL-writing model call may use: retrieval and the summary need the rest. */
const SQL_CALL_SHARE = 0.5;

/** The reason an ask ends with when its deadline passes while it waits on this dependency. */
const DEADLINE_REASON: Record<'db' | 'llm', ReasonCode> = {
  db: Reason.DB_TIMEOUT,
  llm: Reason.LLM_ERROR,
};

/** The ask's deadline passed: carries the reason code the ask ends with. */
export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';
  constructor(readonly code: ReasonCode) {
    super('the ask ran out of time');
  }
}

/**
 * The result of an ask that failed before or outside the pipeline (the rate-limit check could not
 * reach the database, the ports could not be built): same shape, a 503 reason, no answer.
 * @example
 * const result = failedAsk(requestId, Reason.DB_UNAVAILABLE);
 */
export function failedAsk(requestId: string, code: ReasonCode, totalMs = 0): AskResult {
  return {
    requestId,
    status: AskStatus.ERROR,
    code,
    answer: friendlyMessage(code),
    rowCount: 0,
    timings: { total: round(totalMs) },
    tokens: {},
    templateVersions: {},
  };
}

/**
 * Answers one question for one member.
 * Never throws: every failure becomes a friendly answer with a stable reason code.
 * @example
 * const r = await ask({ requestId, scope: { memberId: '1000000001' }, question: 'How many claims did I have this year?' }, ports);
 * r.status // 'answered'
 */
export async function ask(input: AskInput, ports: AskPorts): Promise<AskResult> {
  const deadline = input.deadline;
  const run = new AskRun(input.requestId, ports.trace, deadline);
  try {
    const checked = checkQuestion(input.question);
    if (!checked.ok) return run.end(AskStatus.REFUSED, checked.code);
    const question = checked.question;
    run.lang = detectLanguage(question);
    const history = input.history ?? [];
    // Before any model: what the data cannot answer, and — with no earlier turn to follow — a
    // follow-up with nothing before it.
    const scoped = questionScope(question);
    if (scoped?.code === Reason.NOT_IN_CLAIMS_DATA)
      return run.end(AskStatus.REFUSED, scoped.code, notInDataMessage(scoped.topic, run.lang));
    if (scoped && history.length === 0) return run.end(AskStatus.REFUSED, scoped.code);
    const today = ports.clock.now().toISOString().slice(0, 10);
    // The family as this person may know it: who they are, and whose claims they may see.
    const roster = await run.bounded(() => run.on('db', ports.db.roster(input.scope, callShare(deadline))));
    const self = roster.find((person) => person.self);
    const asker: Asker = self
      ? { name: self.name, relationship: self.relationship }
      : { name: 'Member', relationship: 'subscriber' };

    // 1. Generate
    const generated = await run.stage('generate', async () => {
      const tpl = await run.on('db', ports.prompts.load('sql', callShare(deadline)));
      run.templateVersions.sql = tpl.version;
      const prompt = renderSqlPrompt(tpl, {
        memberId: input.scope.memberId,
        question,
        asker,
        today,
        history,
        roster,
      });
      const reply = await run.on(
        'llm',
        ports.llm.generate({ purpose: 'sql', ...prompt, maxTokens: 600 }, callShare(deadline, SQL_CALL_SHARE)),
      );
      run.usage('sql', reply);
      return {
        ...extractSql(reply.text),
        unread: notUnderstoodOf(reply.text, question),
        partial: claimsNotUnderstood(reply.text),
      };
    });
    // A part the model could not express is said, never dropped: no figure for a different question.
    if (generated.partial) {
      const sqlPart = generated.kind === 'sql' ? validateSql(generated.sql, input.scope) : undefined;
      const interp = sqlPart?.ok ? interpretSql(sqlPart.sql, { roster, today, lang: run.lang }) : undefined;
      if (interp) run.interpretation = interp;
      const code = interp || generated.unread.length ? Reason.PARTLY_UNDERSTOOD : Reason.CANNOT_ANSWER;
      const message =
        parentClarification(generated.unread, roster, run.lang) ?? partlyUnderstood(interp, generated.unread, run.lang);
      return run.end(AskStatus.REFUSED, code, message);
    }
    if (generated.kind === 'cannot_answer') return run.end(AskStatus.REFUSED, Reason.CANNOT_ANSWER);
    if (generated.kind === 'needs_context') return run.end(AskStatus.REFUSED, Reason.NEEDS_CONTEXT);
    if (generated.kind === 'no_sql') return run.end(AskStatus.REFUSED, Reason.LLM_NO_SQL);

    // 2. Validate: what runs is exactly the string the validator accepted.
    const validation = await run.stage('validate', async () => validateSql(generated.sql, input.scope));
    if (!validation.ok) return run.end(AskStatus.REFUSED, validation.code);
    run.sql = validation.sql;
    // What was looked up, read from the SQL that passed validation (not from the model's words).
    run.interpretation = interpretSql(validation.sql, { roster, today, lang: run.lang });

    // Family privacy: decided from who the SQL is about (its person predicates on the roster),
    // never from the claims of people this person may not see. About hidden people only: "I
    // can't share that", without running it; about some hidden people: the visible ones' answer
    // and a note saying whose claims are not included.
    const privacy = decidePrivacy(validation.sql, roster);
    run.notIncluded = privacy.notIncluded;
    if (privacy.about === 'hidden') return run.end(AskStatus.WITHHELD, Reason.WITHHELD);

    // 3. Retrieve
    const result = await run.stage('retrieve', () =>
      run.on(
        'db',
        ports.db.runMemberQuery(validation.sql, input.scope, { rowCap: LIMITS.rowCap, ...callShare(deadline) }),
      ),
    );
    run.rowCount = result.rows.length;
    if (result.rows.length === 0) return run.end(AskStatus.NEEDS_DETAIL, Reason.NO_ROWS);
    if (result.truncated) return run.end(AskStatus.NEEDS_DETAIL, Reason.TOO_MANY_ROWS);

    // 4. Summarize (streamed when asked: figures reach the sink only once the number guard passed them)
    const guardContext = { rows: result.rows, sql: validation.sql, question, today };
    const stream = input.summarySink
      ? new GuardedSummaryStream(input.summarySink, (text) => checkFigures(run, text, guardContext).ok)
      : undefined;
    const summary = await run.stage('summarize', async () => {
      const tpl = await run.on('db', ports.prompts.load('summary', callShare(deadline)));
      run.templateVersions.summary = tpl.version;
      const prompt = renderSummaryPrompt(tpl, {
        question,
        asker,
        today,
        sql: validation.sql,
        rows: result.rows,
        history,
        roster,
        interpretation: run.interpretation?.text ?? '',
      });
      const req = { purpose: 'summary' as const, ...prompt, maxTokens: 400 };
      const reply = await run.on(
        'llm',
        stream && ports.llm.stream
          ? ports.llm.stream(req, (delta) => stream.push(delta), callShare(deadline))
          : ports.llm.generate(req, callShare(deadline)),
      );
      run.usage('summary', reply);
      return reply.text.trim();
    });
    if (summary === '') return run.end(AskStatus.ERROR, Reason.SUMMARY_ERROR);
    const answer = guardedAnswer(run, summary, guardContext);
    const answered = run.end(AskStatus.ANSWERED, Reason.OK, answer, result.rows);
    // What was streamed ends as the answer does (with the family-privacy note, when there is one).
    stream?.finish(answered.answer);
    return answered;
  } catch (err) {
    const code = reasonOf(err);
    // The database can refuse SQL too (SQL_TOO_EXPENSIVE: its plan estimate): a refusal, not an error.
    return run.end(code.startsWith('SQL_') ? AskStatus.REFUSED : AskStatus.ERROR, code);
  }
}

interface GuardContext {
  readonly rows: readonly Row[];
  readonly sql: string;
  readonly question: string;
  readonly today: string;
}

/** The number guard on a summary (or a prefix of one, while it streams). */
function checkFigures(run: AskRun, text: string, ctx: GuardContext) {
  const dates = run.interpretation?.parts.dates;
  const measureColumns = run.interpretation?.parts.measure.columns;
  return guardSummary({
    text,
    ...ctx,
    ...(dates ? { range: dates } : {}),
    ...(measureColumns ? { measureColumns } : {}),
  });
}

/**
 * The number guard: the model's summary goes to the member only when every money figure, count
 * and date in it traces to the rows; otherwise the answer is built from the rows and the event
 * is recorded (AskResult.summaryGuard → metric and audit reason).
 */
function guardedAnswer(run: AskRun, summary: string, ctx: GuardContext): string {
  const verdict = checkFigures(run, summary, ctx);
  if (verdict.ok) return summary;
  run.summaryGuard = { replaced: true, reason: verdict.reason };
  return answerFromRows(ctx.rows, run.interpretation, run.lang);
}

/**
 * Errors from the ports carry a reason code (`LLM_ERROR`, `DB_TIMEOUT`, ...); a lost connection
 * met by a port that does not map its errors (e.g. the template store) is `DB_UNAVAILABLE`;
 * anything else is internal.
 */
function reasonOf(err: unknown): ReasonCode {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && Object.hasOwn(Reason, code)) return code as ReasonCode;
  return isConnectionFailure(err) ? Reason.DB_UNAVAILABLE : Reason.INTERNAL;
}

/** The bookkeeping of one ask: timings, tokens, and the result it ends with. */
class AskRun {
  readonly #started = performance.now();
  readonly #timings: Partial<Record<Stage, number>> = {};
  readonly #tokens: Partial<Record<'sql' | 'summary', TokenUsage>> = {};
  readonly templateVersions: Partial<Record<'sql' | 'summary', number>> = {};
  #modelId: string | undefined;
  sql: string | undefined;
  rowCount = 0;
  /** People the question is about whose claims this person may not see (family privacy). */
  notIncluded: readonly string[] = [];
  lang: Lang = 'en';
  interpretation: Interpretation | undefined;
  summaryGuard: AskResult['summaryGuard'];
  /** The dependency the ask is waiting on: what its deadline's reason names. */
  #waitingOn: 'db' | 'llm' = 'db';

  /** Marks `call` as waiting on `dependency` (for the deadline's reason), and returns it. */
  on<T>(dependency: 'db' | 'llm', call: Promise<T>): Promise<T> {
    this.#waitingOn = dependency;
    return call;
  }

  constructor(
    readonly requestId: string,
    private readonly trace?: AskPorts['trace'],
    private readonly deadline?: Deadline,
  ) {}

  async stage<T>(name: Stage, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await this.bounded(() => (this.trace ? this.trace(name, fn) : fn()));
    } finally {
      this.#timings[name] = round(performance.now() - t0);
    }
  }

  /**
   * Runs `fn` unless the deadline has passed, and stops waiting for it when the deadline passes
   * (ports abort their own work on the same signal; this holds even for one that does not).
   */
  bounded<T>(fn: () => Promise<T>): Promise<T> {
    const late = () => new DeadlineExceededError(DEADLINE_REASON[this.#waitingOn]);
    if (this.deadline?.signal.aborted) return Promise.reject(late());
    return abortable(fn(), this.deadline?.signal, late);
  }

  usage(purpose: 'sql' | 'summary', r: LlmResponse): void {
    this.#tokens[purpose] = {
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      ...(r.cacheReadInputTokens ? { cacheReadInputTokens: r.cacheReadInputTokens } : {}),
      ...(r.cacheWriteInputTokens ? { cacheWriteInputTokens: r.cacheWriteInputTokens } : {}),
    };
    this.#modelId = r.modelId;
  }

  end(
    status: AskStatus,
    code: ReasonCode,
    answer = memberMessage(code, this.lang),
    rows?: AskResult['rows'],
  ): AskResult {
    const timings: StageTimings = { ...this.#timings, total: round(performance.now() - this.#started) };
    const leftOut = status === AskStatus.ANSWERED || status === AskStatus.NEEDS_DETAIL || status === AskStatus.WITHHELD;
    const notIncluded = leftOut && this.notIncluded.length > 0 ? [...this.notIncluded] : undefined;
    // Whenever an answer leaves people out, it says so (the withheld message already does).
    const note = notIncluded && status !== AskStatus.WITHHELD ? ` ${notIncludedNote(notIncluded)}` : '';
    return {
      requestId: this.requestId,
      status,
      code,
      answer: `${answer}${note}`,
      ...(notIncluded ? { notIncluded } : {}),
      sql: this.sql,
      rows,
      rowCount: this.rowCount,
      timings,
      tokens: this.#tokens,
      modelId: this.#modelId,
      templateVersions: this.templateVersions,
      ...(this.interpretation
        ? { interpretation: { text: this.interpretation.text, parts: this.interpretation.parts } }
        : {}),
      ...(this.summaryGuard ? { summaryGuard: this.summaryGuard } : {}),
    };
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;
