/**
 * When a draft may be published. A draft passes its evaluation when its accuracy (correct cases
 * over all cases, SQL and refusal cases together) is at least PASS_THRESHOLD, or at least the
 * published version's accuracy on the same set in the same run (so a set that is hard for the
 * current model does not block a change that makes nothing worse).
 */
export const PASS_THRESHOLD = 0.9;

/**
 * @example
 * draftPasses(0.95, 1) // true (≥ 0.9)
 * draftPasses(0.5, 0.5) // true (no worse than published)
 * draftPasses(0.5, 0.97) // false
 */
export function draftPasses(draftAccuracy: number, publishedAccuracy: number | undefined): boolean {
  return draftAccuracy >= Math.min(PASS_THRESHOLD, publishedAccuracy ?? PASS_THRESHOLD);
}
