/**
 * The process's last line of defence, for the long-running local server (`claims serve`): an
 * error nobody handled is logged (its name and code only: no message, no stack, no member data),
 * and the server keeps serving when that is safe:
 *
 * - a promise rejection nobody awaited: the request it belonged to has already been answered
 *   (or failed on its own); nothing is left half-done → keep serving;
 * - an uncaught error of a lost connection (database, model, a client socket): the object that
 *   raised it is already dead and its pool replaces it → keep serving;
 * - anything else may have left shared state half-changed → stop cleanly (PostgreSQL included)
 *   and exit 1, so a supervisor or the developer starts a clean process.
 *
 * In Lambda the runtime's own handler ends the container on an uncaught error; there the
 * listeners on every connection (src/db/member-db.ts `guardPool`) are what keeps it alive.
 */
import { isConnectionFailure } from '../core/faults.ts';
import { safeLogger } from '../observability/logger.ts';

export type LastResortVerdict = 'keep_serving' | 'stop';

/**
 * What to do about an error that reached the process.
 * @example
 * lastResortVerdict(Object.assign(new Error('x'), { code: '57P01' }), 'uncaughtException') // 'keep_serving'
 */
export function lastResortVerdict(err: unknown, origin: 'uncaughtException' | 'unhandledRejection'): LastResortVerdict {
  if (origin === 'unhandledRejection') return 'keep_serving';
  return isConnectionFailure(err) ? 'keep_serving' : 'stop';
}

/**
 * Installs the handlers; `stop` is called once for a fatal error (then the process exits 1).
 * Returns a function that removes them.
 * @example
 * const uninstall = installLastResort(() => server.stop());
 */
export function installLastResort(stop: () => Promise<void>): () => void {
  let stopping = false;
  const handle = (origin: 'uncaughtException' | 'unhandledRejection') => (err: unknown) => {
    const verdict = lastResortVerdict(err, origin);
    safeLogger.logError('uncaught_error', err, { status: verdict, triggerSource: origin });
    if (verdict === 'keep_serving' || stopping) return;
    stopping = true;
    const timer = setTimeout(() => process.exit(1), 20_000);
    timer.unref();
    stop().finally(() => process.exit(1));
  };
  const onException = handle('uncaughtException');
  const onRejection = handle('unhandledRejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
