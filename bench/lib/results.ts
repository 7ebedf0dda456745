/** The shape of `bench/results.json`: one row per measure, each against its target. */
import type { Summary } from './stats.ts';

export type Unit = 'ms' | 'bytes' | 'req/s' | 'tokens' | 'count' | 's';

export interface Measure {
  /** Stable id, e.g. 'validator.per_query'. */
  readonly id: string;
  /** Which part produced it: validator, pipeline, scale, cold-start, load, llm-cost. */
  readonly part: string;
  readonly what: string;
  readonly unit: Unit;
  /** Latency-like measures carry a summary; single figures carry `value`. */
  readonly summary?: Summary;
  readonly value?: number;
  /** Human text, e.g. 'p99 < 1 ms'; absent for report-only figures. */
  readonly target?: string;
  /** undefined = report only (no target). */
  readonly pass?: boolean;
  readonly note?: string;
}

export interface PartResult {
  readonly part: string;
  readonly measures: Measure[];
  /** Extra detail for results.json (plans, per-case figures); never member data. */
  readonly detail?: Record<string, unknown>;
  readonly seconds: number;
  readonly error?: string;
}

export interface Machine {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGb: number;
  readonly node: string;
  readonly platform: string;
  readonly postgres?: string;
}

export interface BenchResults {
  readonly command: string;
  readonly date: string;
  readonly machine: Machine;
  readonly options: Record<string, unknown>;
  readonly parts: PartResult[];
}

/**
 * A measure with a summary, passing when `ok(summary)` holds.
 * @example latencyMeasure({ id: 'x', part: 'p', what: 'w', target: 'p99 < 1 ms' }, s, (s) => s.p99 < 1)
 */
export function latencyMeasure(
  base: Omit<Measure, 'unit' | 'summary' | 'pass'>,
  summary: Summary,
  ok?: (s: Summary) => boolean,
): Measure {
  return { ...base, unit: 'ms', summary, ...(ok ? { pass: ok(summary) } : {}) };
}
