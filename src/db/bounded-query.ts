/**
 * A query on a pool that stops when its caller does: the one way the claims_app stores bound a
 * call by the ask's deadline (`CallOptions`). Stopping waiting is not enough — a query left
 * running keeps its pooled connection and its server backend — so a bounded call:
 *
 *   - runs under `statement_timeout` = its share of the time (`SET LOCAL` in the message that
 *     opens its transaction), so the server ends the work itself, lock waits included, even when
 *     the caller is gone (and through a proxy that keeps the server session);
 *   - on abort destroys its connection's socket, which fails the query at once and makes the pool
 *     drop the client (a server that no longer answers cannot hold it);
 *   - ends failed transactions with a ROLLBACK that has a short bound of its own.
 */
import type pg from 'pg';
import { abortable, type CallOptions } from '../core/deadline.ts';
import { DbConnectionError, DbTimeoutError, isConnectionError, toDbError } from './errors.ts';

/** How long a ROLLBACK after a failed or aborted call may take before the connection is dropped instead. */
const ROLLBACK_TIMEOUT_MS = 1000;

/** Statement timeout of a bounded call that has a signal but no time of its own. */
const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000;

/** The caller's deadline passed while this call waited on the database. */
export const outOfTime = (): DbTimeoutError => new DbTimeoutError('the ask ran out of time');

/**
 * Runs one statement (bound parameters) on `pool`. With neither a signal nor a time in `call` it
 * is `pool.query`; otherwise it is bounded as this module says, and a call that ran out of time
 * rejects with {@link DbTimeoutError} (DB_TIMEOUT). Every failure is a `DbError`.
 *
 * `readOnly` (a read of STABLE functions: roster, asker, conversation history): the transaction is
 * READ ONLY and, with the rows in hand, the caller does not wait for its end (one round trip less);
 * the connection goes back to the pool after a bounded ROLLBACK. A write awaits its COMMIT.
 *
 * @example
 * const res = await boundedQuery(pool, 'SELECT app.conversation_start($1, $2, $3)', [m, p, s], callShare(deadline));
 */
export async function boundedQuery<R extends pg.QueryResultRow>(
  pool: pg.Pool,
  text: string,
  values: readonly unknown[],
  call: CallOptions = {},
  opts: { readonly readOnly?: boolean } = {},
): Promise<pg.QueryResult<R>> {
  const { signal, timeoutMs } = call;
  if (!signal && timeoutMs === undefined) {
    try {
      return await pool.query<R>(text, values as unknown[]);
    } catch (err) {
      throw toDbError(err);
    }
  }
  if (signal?.aborted) throw outOfTime();
  const statementTimeoutMs = Math.max(1, Math.floor(timeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS));
  const guarded = await guardedCheckout(pool, signal);
  let committed = false;
  let answered = false;
  try {
    // One round trip opens the transaction with the bound (the value is a validated integer).
    await guarded.client.query(
      `BEGIN${opts.readOnly ? ' READ ONLY' : ''}; SET LOCAL statement_timeout = ${statementTimeoutMs}`,
    );
    const res = await guarded.client.query<R>(text, values as unknown[]);
    if (opts.readOnly) answered = true;
    else {
      await guarded.client.query('COMMIT');
      committed = true;
    }
    return res;
  } catch (err) {
    throw guarded.failure(err);
  } finally {
    await guarded.release({ committed, background: answered });
  }
}

/** A checked-out client whose connection errors and deadline are its call's, never the process's. */
interface GuardedClient {
  readonly client: pg.PoolClient;
  /** The error to throw for `err`: out of time, the connection's own failure, or `err` as a DbError. */
  failure(err: unknown): Error;
  /**
   * Hands the client back: straight to the pool when the call committed (or ended) its
   * transaction on a healthy connection, else after a bounded ROLLBACK. The error listener stays
   * until the client is back. `background`: the caller has its rows and does not wait (the
   * returned promise resolves at once; the client still goes back once the ROLLBACK is done).
   */
  release(opts: { committed: boolean; background?: boolean }): Promise<void>;
}

/**
 * Checks a client out of `pool` for one call (aborted with `signal`, a
 * {@link DbConnectionError} if none comes) and guards it until {@link GuardedClient.release}: an
 * `error` event on its connection fails this call instead of ending the process, and when
 * `signal` aborts the socket is destroyed, so the statement fails at once and the pool drops the
 * client (statement_timeout normally ends the statement first; this also covers a server that no
 * longer answers at all).
 *
 * @example
 * const g = await guardedCheckout(pool, signal);
 * try { return await g.client.query('SELECT 1'); } catch (err) { throw g.failure(err); } finally { await g.release({ committed: false }); }
 */
export async function guardedCheckout(pool: pg.Pool, signal: AbortSignal | undefined): Promise<GuardedClient> {
  let client: pg.PoolClient;
  try {
    client = await checkout(pool, signal);
  } catch (err) {
    if (signal?.aborted) throw outOfTime();
    throw new DbConnectionError('could not get a database connection', { cause: err });
  }
  let broken: Error | undefined;
  const onError = (err: Error) => {
    broken ??= err;
  };
  client.on('error', onError);
  const onAbort = () => {
    broken ??= outOfTime();
    destroySocket(client);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    client,
    failure: (err) => {
      if (signal?.aborted) return outOfTime();
      return toDbError(broken && !isConnectionError(err) ? broken : err);
    },
    release: async ({ committed, background }) => {
      signal?.removeEventListener('abort', onAbort);
      const back = (async () => {
        try {
          if (committed && !broken) client.release();
          else await releaseAfterRollback(client, () => broken);
        } finally {
          client.off('error', onError);
        }
      })();
      if (background) back.catch(() => undefined);
      else await back;
    },
  };
}

/**
 * A client from the pool, unless `signal` aborts first (a connection that arrives after that
 * goes straight back).
 *
 * @example
 * const client = await checkout(pool, deadline.signal);
 */
async function checkout(pool: pg.Pool, signal: AbortSignal | undefined): Promise<pg.PoolClient> {
  const pending = pool.connect();
  if (!signal) return pending;
  pending.then(
    (client) => {
      if (signal.aborted) client.release();
    },
    () => undefined,
  );
  return abortable(pending, signal, () => new Error('aborted while waiting for a connection'));
}

/**
 * Ends the connection now (no goodbye to a server that may not answer): its queries fail at once.
 *
 * @example
 * signal.addEventListener('abort', () => destroySocket(client));
 */
function destroySocket(client: pg.PoolClient): void {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/**
 * ROLLBACK, then back to the pool. A broken connection goes back with its error, so the pool
 * destroys it instead of lending it again; so does one whose ROLLBACK failed (state unknown) or
 * took longer than `timeoutMs` (a server that stopped answering: its socket is destroyed, so the
 * client never waits on it again).
 *
 * @example
 * await releaseAfterRollback(client, () => broken);
 */
export async function releaseAfterRollback(
  client: pg.PoolClient,
  broken: () => Error | undefined,
  timeoutMs = ROLLBACK_TIMEOUT_MS,
): Promise<void> {
  let failure = broken();
  if (!failure) {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.query('ROLLBACK'),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new DbTimeoutError('rollback took too long')), timeoutMs);
        }),
      ]);
    } catch (err) {
      failure = err instanceof Error ? err : new Error('rollback failed');
      // The ROLLBACK may still be queued on the connection: end it, so nothing waits on it.
      if (err instanceof DbTimeoutError) destroySocket(client);
    } finally {
      clearTimeout(timer);
    }
  }
  client.release(failure ?? broken());
}
