/**
 * `PgConversationStore`: the `conversations` port over the claims_app pool. Every call goes
 * through a SECURITY DEFINER function of migration 070 that matches (conversation, member,
 * person) together; claims_app has no privilege on the tables themselves.
 */
import type pg from 'pg';
import { type ConversationStore, isConversationId, type Turn } from '../core/conversation.ts';
import type { CallOptions } from '../core/deadline.ts';
import { isMemberId, isPersonId } from '../core/ids.ts';
import type { MemberScope } from '../core/ports.ts';
import type { AskStatus, ReasonCode } from '../core/reasons.ts';
import { boundedQuery } from './bounded-query.ts';
import { DbScopeError, toDbError } from './errors.ts';

export interface ConversationStoreOptions {
  /** A conversation expires this long after its last turn (CONVERSATION_RETENTION_HOURS). */
  readonly retentionSeconds: number;
  /** Turns kept per conversation (older ones are deleted). */
  readonly keepTurns: number;
}

/** The person a conversation is bound to: both ids, checked. */
function personOf(scope: MemberScope): { memberId: string; personId: string } {
  if (!isMemberId(scope.memberId)) throw new DbScopeError('member id must be 10 digits');
  if (!isPersonId(scope.personId, scope.memberId)) throw new DbScopeError('a conversation needs the signed-in person');
  return { memberId: scope.memberId, personId: scope.personId };
}

interface StoredTurn {
  readonly question: string;
  readonly interpretation: unknown;
  readonly sql: string | null;
  readonly status: AskStatus;
  readonly code: ReasonCode;
}

/**
 * Each call may take the caller's `CallOptions` (the ask's deadline): then it runs bounded
 * (src/db/bounded-query.ts: statement_timeout at its share, its connection dropped on abort) and
 * a call that runs out of time rejects with `DbTimeoutError` (DB_TIMEOUT).
 *
 * @example
 * const store = new PgConversationStore(pool, { retentionSeconds: 86_400, keepTurns: 10 });
 * const id = await store.start({ memberId: '1000000001', personId: '1000000001-01' });
 */
export class PgConversationStore implements ConversationStore {
  readonly #pool: pg.Pool;
  readonly #opts: ConversationStoreOptions;

  constructor(pool: pg.Pool, opts: ConversationStoreOptions) {
    for (const [key, value] of Object.entries(opts)) {
      if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${key} must be a positive integer`);
    }
    this.#pool = pool;
    this.#opts = opts;
  }

  async start(scope: MemberScope, call: CallOptions = {}): Promise<string> {
    const p = personOf(scope);
    const res = await this.#query<{ id: string }>(
      'SELECT app.conversation_start($1::bigint, $2, $3)::text AS id',
      [p.memberId, p.personId, this.#opts.retentionSeconds],
      call,
    );
    const id = res.rows[0]?.id;
    if (!id) throw toDbError(new Error('no conversation id'));
    return id;
  }

  async history(id: string, scope: MemberScope, limit: number, call: CallOptions = {}): Promise<Turn[] | undefined> {
    const p = personOf(scope);
    if (!isConversationId(id)) return undefined;
    // The pool keeps json as the server's text (src/db/type-parsers.ts): parsed here.
    const res = await this.#query<{ turns: string | null }>(
      'SELECT app.conversation_history($1::uuid, $2::bigint, $3, $4)::text AS turns',
      [id, p.memberId, p.personId, Math.max(0, Math.floor(limit))],
      call,
      { readOnly: true },
    );
    const text = res.rows[0]?.turns;
    if (!text) return undefined;
    const turns = JSON.parse(text) as StoredTurn[];
    return turns.map((t) => ({
      question: t.question,
      ...(t.interpretation !== null && t.interpretation !== undefined ? { interpretation: t.interpretation } : {}),
      ...(t.sql ? { sql: t.sql } : {}),
      status: t.status,
      code: t.code,
    }));
  }

  async append(id: string, scope: MemberScope, turn: Turn, call: CallOptions = {}): Promise<boolean> {
    const p = personOf(scope);
    if (!isConversationId(id)) return false;
    const res = await this.#query<{ ok: boolean }>(
      `SELECT app.conversation_add_turn($1::uuid, $2::bigint, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11) AS ok`,
      [
        id,
        p.memberId,
        p.personId,
        turn.requestId ?? null,
        turn.question,
        turn.interpretation === undefined ? null : JSON.stringify(turn.interpretation),
        turn.sql ?? null,
        turn.status,
        turn.code,
        this.#opts.retentionSeconds,
        this.#opts.keepTurns,
      ],
      call,
    );
    return res.rows[0]?.ok === true;
  }

  async turnOf(requestId: string, scope: MemberScope, call: CallOptions = {}): Promise<Turn | undefined> {
    const p = personOf(scope);
    if (requestId.length < 1 || requestId.length > 128) return undefined;
    const res = await this.#query<{
      question: string;
      validated_sql: string | null;
      status: AskStatus;
      reason_code: ReasonCode;
    }>(
      'SELECT question, validated_sql, status, reason_code FROM app.conversation_turn($1, $2::bigint, $3)',
      [requestId, p.memberId, p.personId],
      call,
      { readOnly: true },
    );
    const t = res.rows[0];
    if (!t) return undefined;
    return {
      requestId,
      question: t.question,
      ...(t.validated_sql ? { sql: t.validated_sql } : {}),
      status: t.status,
      code: t.reason_code,
    };
  }

  async delete(id: string, scope: MemberScope, call: CallOptions = {}): Promise<boolean> {
    const p = personOf(scope);
    if (!isConversationId(id)) return false;
    const res = await this.#query<{ ok: boolean }>(
      'SELECT app.conversation_delete($1::uuid, $2::bigint, $3) AS ok',
      [id, p.memberId, p.personId],
      call,
    );
    return res.rows[0]?.ok === true;
  }

  async deleteAll(scope: MemberScope, call: CallOptions = {}): Promise<number> {
    const p = personOf(scope);
    const res = await this.#query<{ n: number }>(
      'SELECT app.conversation_delete_person($1::bigint, $2) AS n',
      [p.memberId, p.personId],
      call,
    );
    return Number(res.rows[0]?.n ?? 0);
  }

  #query<R extends pg.QueryResultRow>(
    text: string,
    values: unknown[],
    call: CallOptions,
    opts: { readonly readOnly?: boolean } = {},
  ): Promise<pg.QueryResult<R>> {
    return boundedQuery<R>(this.#pool, text, values, call, opts);
  }
}
