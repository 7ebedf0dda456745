/**
 * One question inside a conversation: load the person's own recent turns from the store (never
 * from the client), ask with them, keep the new turn. The pipeline (`ask`) stays one question;
 * this module only adds the memory around it.
 */
import type { AskResult } from '../core/ask-result.ts';
import { type ConversationStore, isConversationId, type Turn } from '../core/conversation.ts';
import { AskStatus, friendlyMessage, Reason, type ReasonCode } from '../core/reasons.ts';
import { LIMITS } from '../schema/catalog.ts';
import { type AskInput, type AskPorts, ask } from './ask.ts';

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
  let id: string | undefined;
  let history: Turn[] | undefined;
  let restarted = false;
  try {
    if (input.conversationId !== undefined) {
      history = isConversationId(input.conversationId)
        ? await store.history(input.conversationId, input.scope, LIMITS.conversationTurnsInPrompt)
        : undefined;
      if (history) id = input.conversationId;
      else restarted = true;
    }
    id ??= await store.start(input.scope);
  } catch (err) {
    return { ...storeFailure(input.requestId, err), conversationRestarted: false, turnSaved: false };
  }

  const result = await ask(
    {
      requestId: input.requestId,
      scope: input.scope,
      question: input.question,
      history: history ?? [],
      ...(input.deadline ? { deadline: input.deadline } : {}),
      ...(input.summarySink ? { summarySink: input.summarySink } : {}),
    },
    ports,
  );
  let saved = false;
  try {
    saved = await store.append(
      id,
      input.scope,
      turnOf(typeof input.question === 'string' ? input.question : '', result),
    );
  } catch {
    saved = false;
  }
  return { ...result, conversationId: id, conversationRestarted: restarted, turnSaved: saved };
}

/** An outcome for a store that could not be read: the member is asked to try again. */
function storeFailure(requestId: string, err: unknown): AskResult {
  const code = (err as { code?: unknown } | null)?.code;
  const reason: ReasonCode =
    typeof code === 'string' && Object.hasOwn(Reason, code) ? (code as ReasonCode) : Reason.INTERNAL;
  return {
    requestId,
    status: AskStatus.ERROR,
    code: reason,
    answer: friendlyMessage(reason),
    rowCount: 0,
    timings: { total: 0 },
    tokens: {},
    templateVersions: {},
  };
}
