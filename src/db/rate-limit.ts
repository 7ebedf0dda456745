import type pg from 'pg';
import { toDbError } from './errors.ts';

export interface RateLimitOptions {
  /** Asks allowed per window (ASK_RATE_LIMIT; the default is in src/config). */
  readonly limit: number;
  /** Window length in seconds (ASK_RATE_WINDOW_SECONDS). */
  readonly windowSeconds: number;
}

/**
 * A per-member ask limit kept in the database, so every Lambda container counts together.
 * Resolves true when this ask is allowed.
 * @example
 * const allowed = createRateLimiter(pool, { limit: 20, windowSeconds: 60 });
 * if (!(await allowed('1000000001'))) throw new HttpError(429, 'RATE_LIMITED', '...');
 */
export function createRateLimiter(pool: pg.Pool, opts: RateLimitOptions) {
  const { limit, windowSeconds } = opts;
  return async (memberId: string): Promise<boolean> => {
    try {
      const res = await pool.query<{ allowed: boolean }>('SELECT app.take_ask($1::bigint, $2, $3) AS allowed', [
        memberId,
        limit,
        windowSeconds,
      ]);
      return res.rows[0]?.allowed === true;
    } catch (err) {
      throw toDbError(err);
    }
  };
}

/**
 * Seconds until a rate-limited family may ask again (at least 1; the window when unknown).
 * @example
 * const wait = await secondsUntilAllowed(pool, '1000000001', 60); // 37
 */
export async function secondsUntilAllowed(pool: pg.Pool, memberId: string, windowSeconds: number): Promise<number> {
  try {
    const res = await pool.query<{ wait: number | null }>('SELECT app.ask_wait_seconds($1::bigint, $2) AS wait', [
      memberId,
      windowSeconds,
    ]);
    return res.rows[0]?.wait ?? windowSeconds;
  } catch {
    return windowSeconds;
  }
}
