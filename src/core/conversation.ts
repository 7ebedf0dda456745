/**
 * Conversations: the recent turns a follow-up question ("and last year?") is resolved against.
 * A turn holds the question, the interpretation, the SQL that passed validation and the outcome
 * — never rows, never the answer text. Turns come only from the server's own store, keyed on the
 * verified identity; history sent by a client is never read.
 */
import type { CallOptions } from './deadline.ts';
import type { MemberScope } from './ports.ts';
import { escapeTagContent, readTag } from './prompt-tags.ts';
import type { AskStatus, ReasonCode } from './reasons.ts';

/** One earlier question of the conversation, as stored. */
export interface Turn {
  /** The ask's request id (feedback on the answer names it). */
  readonly requestId?: string;
  readonly question: string;
  /** "What I looked up" for that question (its sentence and parts), when there was one. */
  readonly interpretation?: unknown;
  /** The SQL that passed validation and ran (absent when none did). */
  readonly sql?: string;
  readonly status: AskStatus;
  readonly code: ReasonCode;
}

/** A person's conversation as the pipeline sees it: its id and its recent turns, oldest first. */
export interface Conversation {
  readonly id: string;
  readonly turns: readonly Turn[];
}

/**
 * `conversations`: where turns are kept. Every method is keyed on the verified scope; a
 * conversation of anyone else reads exactly like one that does not exist. `call` bounds a call
 * by the ask's deadline (a store that runs out of time rejects with a `DB_TIMEOUT` error).
 */
export interface ConversationStore {
  /** Starts a conversation for the signed-in person; resolves to its id. */
  start(scope: MemberScope, call?: CallOptions): Promise<string>;
  /** The newest `limit` turns, oldest first; undefined when there is no such conversation for this person. */
  history(id: string, scope: MemberScope, limit: number, call?: CallOptions): Promise<Turn[] | undefined>;
  /** Adds a turn; false when the conversation is not this person's (or has expired). */
  append(id: string, scope: MemberScope, turn: Turn, call?: CallOptions): Promise<boolean>;
  /** The turn of one of this person's own conversations with this request id (feedback), if any. */
  turnOf(requestId: string, scope: MemberScope, call?: CallOptions): Promise<Turn | undefined>;
  /** Deletes one conversation of this person; false when there was none. */
  delete(id: string, scope: MemberScope, call?: CallOptions): Promise<boolean>;
  /** Deletes every conversation of this person (sign-out); resolves to how many. */
  deleteAll(scope: MemberScope, call?: CallOptions): Promise<number>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * True for a well-formed conversation id (a UUID, as the store hands out).
 * @example
 * isConversationId('0f8fad5b-d9cb-469f-a165-70867728950e') // true
 * isConversationId('1; DROP TABLE x') // false
 */
export function isConversationId(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** The turn of the history the prompt shows a model: what was asked, what ran, how it ended. */
export interface HistoryEntry {
  readonly question: string;
  /** The interpretation's sentence, when there was one. */
  readonly understood?: string;
  readonly sql?: string;
  readonly outcome: ReasonCode;
}

/** The interpretation's sentence, whatever shape the interpretation has (`{ text }` or a string). */
export function interpretationText(interpretation: unknown): string | undefined {
  if (typeof interpretation === 'string') return interpretation || undefined;
  const text = (interpretation as { text?: unknown } | null | undefined)?.text;
  return typeof text === 'string' && text !== '' ? text : undefined;
}

/**
 * Turns as the `<history>` tag carries them: a JSON array (oldest first), escaped like every
 * tag's content, so a question holding `</history>` or a fake turn stays text inside one string.
 *
 * @example
 * renderHistory([{ question: 'How many claims this year?', sql: 'SELECT …', status: 'answered', code: 'OK' }])
 * // '[{"question":"How many claims this year?","sql":"SELECT …","outcome":"OK"}]'
 */
export function renderHistory(turns: readonly Turn[]): string {
  const entries: HistoryEntry[] = turns.map((t) => {
    const understood = interpretationText(t.interpretation);
    return {
      question: t.question,
      ...(understood ? { understood } : {}),
      ...(t.sql ? { sql: t.sql } : {}),
      outcome: t.code,
    };
  });
  return escapeTagContent(JSON.stringify(entries));
}

/**
 * The turns of a prompt's `<history>` tag (empty when there is none or it does not parse).
 *
 * @example
 * readHistory('<history>[{"question":"How many claims?","outcome":"OK"}]</history>') // [{ question: 'How many claims?', outcome: 'OK' }]
 */
export function readHistory(prompt: string): HistoryEntry[] {
  const text = readTag(prompt, 'history');
  if (!text) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((e): HistoryEntry[] => {
    const r = e as Record<string, unknown> | null;
    if (typeof r !== 'object' || r === null || typeof r.question !== 'string' || typeof r.outcome !== 'string')
      return [];
    return [
      {
        question: r.question,
        ...(typeof r.understood === 'string' ? { understood: r.understood } : {}),
        ...(typeof r.sql === 'string' ? { sql: r.sql } : {}),
        outcome: r.outcome as ReasonCode,
      },
    ];
  });
}
