import type { ReasonCode } from '../core/reasons.ts';

/** Thrown inside the validator to stop at the first broken rule; never escapes `validateSql`. */
export class Rejection extends Error {
  readonly code: ReasonCode;
  constructor(code: ReasonCode, reason: string) {
    super(reason);
    this.name = 'Rejection';
    this.code = code;
  }
}

/**
 * Stops validation with a reason code. `reason` is for developers and must not quote SQL literals.
 * @example reject(Reason.SQL_UNSUPPORTED, 'named windows are not supported')
 */
export function reject(code: ReasonCode, reason: string): never {
  // A rejection is an answer, not a fault: nobody reads its stack, and capturing one cost more
  // than most checks (about 5% of validator time in the benchmark profile).
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    throw new Rejection(code, reason);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
