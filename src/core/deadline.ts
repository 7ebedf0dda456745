/**
 * One deadline per ask. The handler makes it from the time it has (Lambda's remaining time, or
 * the local server's budget) and the pipeline hands it to every port: a model call is aborted at
 * its share, a database statement is cancelled at its share, and nothing keeps working past it.
 */

export interface Deadline {
  /** Epoch milliseconds at which the ask must stop. */
  readonly at: number;
  /** Aborts when the deadline passes. */
  readonly signal: AbortSignal;
  /** Milliseconds left (0 once passed). */
  remainingMs(): number;
}

/** What a port call may receive: a signal to stop on, and how long it may take at most. */
export interface CallOptions {
  /** Aborted when the caller stops waiting (the ask's deadline, or this call's share of it). */
  readonly signal?: AbortSignal;
  /** Milliseconds this call may take (for timeouts the callee sets itself, e.g. statement_timeout). */
  readonly timeoutMs?: number;
}

/**
 * A deadline `ms` from now.
 * @example
 * const deadline = deadlineIn(26_000);
 * await llm.generate(req, callShare(deadline, 0.5));
 */
export function deadlineIn(ms: number, now: () => number = Date.now): Deadline {
  const budget = Math.max(0, Math.floor(ms));
  const at = now() + budget;
  return {
    at,
    signal: AbortSignal.timeout(Math.max(1, budget)),
    remainingMs: () => Math.max(0, at - now()),
  };
}

/**
 * Options for one call that may use `share` (0..1] of the time left, or at most `capMs`.
 * @example
 * await db.runMemberQuery(sql, scope, { rowCap, ...callShare(deadline, 1) });
 */
export function callShare(deadline: Deadline | undefined, share = 1, capMs = Number.POSITIVE_INFINITY): CallOptions {
  if (!deadline) return {};
  const timeoutMs = Math.max(1, Math.floor(Math.min(deadline.remainingMs() * share, capMs)));
  return {
    signal: share >= 1 && capMs === Number.POSITIVE_INFINITY ? deadline.signal : anySignal(deadline.signal, timeoutMs),
    timeoutMs,
  };
}

function anySignal(signal: AbortSignal, timeoutMs: number): AbortSignal {
  return AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
}

/**
 * `promise`, or a rejection with `onAbort()` as soon as `signal` aborts (the promise keeps
 * running, and a later failure of it is swallowed rather than left unhandled).
 * @example
 * const rows = await abortable(pool.query(sql), opts.signal, () => new DbTimeoutError('deadline'));
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, onAbort: () => Error): Promise<T> {
  if (!signal) return promise;
  promise.catch(() => undefined);
  if (signal.aborted) return Promise.reject(onAbort());
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(err);
      },
    );
  });
}
