/**
 * One question inside a conversation: load the person's own recent turns from the store (never
 * from the client), ask with them, keep the new turn. The pipeline (`ask`) stays one question;
 * this module only adds the memory around it.
 */
import type { AskResult } from '../core/ask-result.ts';
import { type ConversationStore, isConversationId, type Turn } from '../core/conversation.ts';
import { abortable, type CallOptions, callShare, type Deadline } from '../core/deadline.ts';
import { Reason, type ReasonCode } from '../core/reasons.ts';
import { LIMITS } from '../schema/catalog.ts';
import { type AskInput, type AskPorts, ask, DeadlineExceededError, failedAsk } from './ask.ts';

export interface ConversationPorts extends AskPorts {
  readonly conversations: ConversationStore;
}

export interface ConversationAskInput extends Omit<AskInput, 'history'> {
  /** The id the client sent back, if any: only a conversation of this very person is continued. */
  readonly conversationId?: string;
}

export interface ConversationAskResult extends AskResult {
  /**
   * True when the client named a conversation that could not be continued (expired, deleted, or
   * not theirs — the three look the same), so this question started a new one.
   */
  readonly conversationRestarted: boolean;
  /** False when the new turn could not be stored (the answer stands; the next follow-up lacks it). */
  readonly turnSaved: boolean;
}

/**
 * Saving the turn happens after the ask, so it may run past the ask's deadline by this much (out
 * of the time kept back for the audit row and the response): an answer that came just in time
 * still gets its turn saved, and a store that hangs costs at most this.
 */
export const TURN_SAVE_MIN_MS = 250;
/** And at most this long: an answer already made is not held back long for a store that stopped answering. */
export const TURN_SAVE_MAX_MS = 2000;

/**
 * Runs one store call bounded by `deadline`: the store gets its share (`CallOptions`), and the
 * pipeline stops waiting at the deadline even for a store that ignores it; running out of time is
 * `DB_TIMEOUT`, as for every other database call of the ask.
 */
function bounded<T>(deadline: Deadline | undefined, fn: (call: CallOptions) => Promise<T>): Promise<T> {
  if (!deadline) return fn({});
  const late = () => new DeadlineExceededError(Reason.DB_TIMEOUT);
  if (deadline.signal.aborted) return Promise.reject(late());
  return abortable(fn(callShare(deadline)), deadline.signal, late);
}

/**
 * The time the new turn may take: what is left of the ask's deadline, at least
 * {@link TURN_SAVE_MIN_MS} and at most {@link TURN_SAVE_MAX_MS}.
 */
function turnSaveCall(deadline: Deadline | undefined): CallOptions {
  if (!deadline) return {};
  const timeoutMs = Math.max(TURN_SAVE_MIN_MS, Math.min(TURN_SAVE_MAX_MS, Math.floor(deadline.remainingMs())));
  return { signal: AbortSignal.timeout(timeoutMs), timeoutMs };
}

/** Outcomes whose question text is not kept: an injection attempt is never replayed into a later prompt. */
const UNSAFE_QUESTION: ReadonlySet<ReasonCode> = new Set([Reason.QUESTION_UNSAFE]);

/**
 * The turn stored for an ask: question, interpretation, validated SQL and outcome; never rows or
 * the answer. A question refused as unsafe is stored without its text.
 */
export function turnOf(question: string, result: AskResult): Turn {
  const interpretation = (result as { interpretation?: unknown }).interpretation;
  return {
    requestId: result.requestId,
    question: UNSAFE_QUESTION.has(result.code) ? '' : question.trim().slice(0, LIMITS.questionMaxChars),
    ...(interpretation !== undefined ? { interpretation } : {}),
    ...(result.sql ? { sql: result.sql } : {}),
    status: result.status,
    code: result.code,
  };
}

/**
 * Asks one question in the signed-in person's conversation (a new one when none is named, or the
 * named one cannot be continued). Never throws: a store failure is an error outcome.
 *
 * @example
 * const first = await askInConversation({ requestId, scope, question: 'How much did Emma spend on prescriptions in 2025?' }, ports);
 * const next = await askInConversation({ requestId, scope, question: 'And in 2024?', conversationId: first.conversationId }, ports);
 */
export async function askInConversation(
  input: ConversationAskInput,
  ports: ConversationPorts,
): Promise<ConversationAskResult> {
  const store = ports.conversations;
  const deadline = input.deadline;
  const t0 = performance.now();
  let id: string | undefined;
  let history: Turn[] | undefined;
  let restarted = false;
  try {
    const conversationId = input.conversationId;
    if (conversationId !== undefined) {
      history = isConversationId(conversationId)
        ? await bounded(deadline, (call) =>
            store.history(conversationId, input.scope, LIMITS.conversationTurnsInPrompt, call),
          )
        : undefined;
      if (history) id = conversationId;
      else restarted = true;
    }
    id ??= await bounded(deadline, (call) => store.start(input.scope, call));
  } catch (err) {
    return {
      ...storeFailure(input.requestId, err, performance.now() - t0),
      conversationRestarted: false,
      turnSaved: false,
    };
  }

  const result = await ask(
    {
      requestId: input.requestId,
      scope: input.scope,
      question: input.question,
      history: history ?? [],
      ...(deadline ? { deadline } : {}),
      ...(input.summarySink ? { summarySink: input.summarySink } : {}),
    },
    ports,
  );
  let saved = false;
  try {
    const call = turnSaveCall(deadline);
    const turn = turnOf(typeof input.question === 'string' ? input.question : '', result);
    const pending = store.append(id, input.scope, turn, call);
    saved = await abortable(pending, call.signal, () => new DeadlineExceededError(Reason.DB_TIMEOUT));
  } catch {
    saved = false;
  }
  return { ...result, conversationId: id, conversationRestarted: restarted, turnSaved: saved };
}

/** An outcome for a store that could not be read: the member is asked to try again. */
function storeFailure(requestId: string, err: unknown, totalMs: number): AskResult {
  const code = (err as { code?: unknown } | null)?.code;
  const reason: ReasonCode =
    typeof code === 'string' && Object.hasOwn(Reason, code) ? (code as ReasonCode) : Reason.INTERNAL;
  return failedAsk(requestId, reason, totalMs);
}
