/**
 * Typed database errors. `message` is generic on purpose (the raw PostgreSQL message can echo
 * member SQL literals); the original error is kept in `cause` for server-side debugging only.
 */
import { isConnectionFailure } from '../core/faults.ts';
import { Reason, type ReasonCode } from '../core/reasons.ts';

export class DbError extends Error {
  override name = 'DbError';
  readonly code: ReasonCode = Reason.DB_ERROR;
  /** PostgreSQL SQLSTATE, when the server reported one (safe to log: a 5-character class code). */
  readonly sqlState: string | undefined;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.sqlState = sqlStateOf(options?.cause);
  }
}

/** The statement, lock or idle-in-transaction timeout stopped the query. */
export class DbTimeoutError extends DbError {
  override name = 'DbTimeoutError';
  override readonly code: ReasonCode = Reason.DB_TIMEOUT;
}

/** The database refused or failed the member query (permission, RLS, syntax, read-only...). */
export class DbQueryError extends DbError {
  override name = 'DbQueryError';
}

/** The scope does not name a person of that family. */
export class DbScopeError extends DbError {
  override name = 'DbScopeError';
}

/**
 * The plan the database would run costs more (or expects more rows) than the member limit: the
 * query was refused before it ran. A refusal of the SQL, not a failure of the database.
 */
export class DbTooExpensiveError extends DbError {
  override name = 'DbTooExpensiveError';
  override readonly code: ReasonCode = Reason.SQL_TOO_EXPENSIVE;
}

/**
 * The database could not be reached, refused new sessions, or dropped the connection (restart,
 * failover, `pg_terminate_backend`, network): nothing is wrong with the request, try again shortly.
 */
export class DbConnectionError extends DbError {
  override name = 'DbConnectionError';
  override readonly code: ReasonCode = Reason.DB_UNAVAILABLE;
}

// query_canceled, lock_not_available, idle-in-txn timeout; CL005: the scope's lifetime ran out
// (app.current_scope, migration 172: the ask's transaction outlived its time).
const TIMEOUT_STATES = new Set(['57014', '55P03', '25P03', 'CL005']);
const SCOPE_STATE = 'CL001'; // raised by app.open_scope
/**
 * A read-only replica cancels a query that conflicts with the changes it replays ("canceling
 * statement due to conflict with recovery": serialization_failure, or deadlock_detected for a
 * buffer-pin deadlock). Member transactions are read-only and never serialization-checked, so on
 * them these mean "the replica needed the rows back": transient, try again.
 */
const RECOVERY_CONFLICT_STATES = new Set(['40001', '40P01']);

/**
 * Maps anything thrown by `pg` to a {@link DbError}.
 *
 * @example
 * try { await client.query(sql) } catch (e) { throw toDbError(e) }
 */
export function toDbError(err: unknown): DbError {
  if (err instanceof DbError) return err;
  const state = sqlStateOf(err);
  if (state && TIMEOUT_STATES.has(state)) return new DbTimeoutError('the query took too long', { cause: err });
  if (state === SCOPE_STATE) return new DbScopeError('unknown person for this member', { cause: err });
  if (isConnectionError(err) || (state !== undefined && RECOVERY_CONFLICT_STATES.has(state))) {
    return new DbConnectionError('database connection failed', { cause: err });
  }
  return new DbQueryError('the database refused the query', { cause: err });
}

function sqlStateOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * True for a failure of the connection itself rather than of a statement (see core/faults.ts).
 *
 * @example
 * isConnectionError(new Error('Connection terminated unexpectedly')) // true
 */
export function isConnectionError(err: unknown): boolean {
  return err instanceof DbConnectionError || isConnectionFailure(err);
}
