/**
 * Which failures mean "a dependency is not there right now" (the caller can only try again),
 * whatever part of the service met them: one rule for the database adapter, the template store
 * and the pipeline.
 */

/**
 * PostgreSQL going away or not taking sessions: admin_shutdown (`pg_terminate_backend`, a fast
 * shutdown), crash_shutdown, cannot_connect_now (starting or stopping), database_dropped,
 * too_many_connections. Every connection_exception (class 08) too.
 */
const UNAVAILABLE_SQLSTATES: ReadonlySet<string> = new Set(['57P01', '57P02', '57P03', '57P04', '53300']);

/** node-postgres and pg-pool errors that carry no code but mean "the connection is gone". */
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'connection error and is not queryable',
  'timeout exceeded when trying to connect',
  'Client was closed and is not queryable',
  'Query read timeout',
  'Cannot use a pool after calling end on the pool',
];

/**
 * True for a failure of the connection to a dependency rather than of the request: a socket
 * error (ECONNREFUSED, ECONNRESET, ...), a PostgreSQL session ended or refused, or one of
 * node-postgres' own "connection gone" errors.
 *
 * @example
 * isConnectionFailure(Object.assign(new Error('terminating connection'), { code: '57P01' })) // true
 * isConnectionFailure(Object.assign(new Error('permission denied'), { code: '42501' })) // false
 */
export function isConnectionFailure(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (/^E[A-Z]+$/.test(code) && !/^[0-9A-Z]{5}$/.test(code)) return true; // ECONNREFUSED, ECONNRESET, ...
    if (code === 'EPIPE') return true;
    if (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code)) return true;
  }
  return typeof message === 'string' && CONNECTION_MESSAGES.some((m) => message.includes(m));
}
