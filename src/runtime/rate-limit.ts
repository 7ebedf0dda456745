import type pg from 'pg';
import type { Identity } from '../auth/identity.ts';
import type { Config } from '../config/config.ts';
import { friendlyMessage, Reason } from '../core/reasons.ts';
import { createRateLimiter, secondsUntilAllowed } from '../db/rate-limit.ts';
import { HttpError } from '../http/errors.ts';

/**
 * The ask handler's `rateLimit` dependency: ASK_RATE_LIMIT asks per ASK_RATE_WINDOW_SECONDS per
 * family (defaults in src/config), answered with a friendly 429 and a Retry-After.
 */
export function memberRateLimit(pool: pg.Pool, limits: Config['rateLimit']) {
  const allowed = createRateLimiter(pool, limits);
  return async (identity: Identity): Promise<void> => {
    if (!(await allowed(identity.memberId))) {
      // Retry-After: when this family's window ends (the chat says "please wait N seconds").
      const wait = await secondsUntilAllowed(pool, identity.memberId, limits.windowSeconds);
      throw new HttpError(429, Reason.RATE_LIMITED, friendlyMessage(Reason.RATE_LIMITED), {
        headers: { 'retry-after': String(wait) },
      });
    }
  };
}
