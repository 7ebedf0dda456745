/**
 * CloudWatch metrics (embedded metric format, printed to stdout and turned into metrics by
 * CloudWatch Logs: no API calls, no extra latency). Values come from the PHI-free telemetry only.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AskTelemetry } from '../core/ask-result.ts';
import { SAFE_STRING, SERVICE_NAME } from './logger.ts';

export const METRICS_NAMESPACE = 'ClaimsAssistant';

/** Metric names, stable: dashboards and alarms key on them. */
export const MetricName = {
  ASKS: 'Asks',
  ANSWERED: 'Answered',
  REFUSALS: 'Refusals',
  VALIDATOR_REJECTIONS: 'ValidatorRejections',
  ERRORS: 'Errors',
  ASK_LATENCY: 'AskLatency',
  LLM_LATENCY_SQL: 'LlmLatencySql',
  LLM_LATENCY_SUMMARY: 'LlmLatencySummary',
  VALIDATE_LATENCY: 'ValidateLatency',
  DB_LATENCY: 'DbLatency',
  INPUT_TOKENS_SQL: 'InputTokensSql',
  OUTPUT_TOKENS_SQL: 'OutputTokensSql',
  INPUT_TOKENS_SUMMARY: 'InputTokensSummary',
  OUTPUT_TOKENS_SUMMARY: 'OutputTokensSummary',
  /** Input tokens read from / written to Bedrock's prompt cache (the SQL template's static part). */
  CACHE_READ_TOKENS_SQL: 'CacheReadTokensSql',
  CACHE_WRITE_TOKENS_SQL: 'CacheWriteTokensSql',
  CACHE_READ_TOKENS_SUMMARY: 'CacheReadTokensSummary',
  CACHE_WRITE_TOKENS_SUMMARY: 'CacheWriteTokensSummary',
  ROWS_RETURNED: 'RowsReturned',
  COST_PER_ANSWER: 'CostPerAnswerUsd',
  /** The number guard replaced a model's summary with an answer built from the rows. */
  SUMMARY_GUARD_REPLACED: 'SummaryGuardReplaced',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

/** USD per 1,000 tokens. */
export interface TokenPrices {
  readonly inputPer1k: number;
  readonly outputPer1k: number;
  /** Prompt-cache reads and writes; absent: billed as input (no saving assumed). */
  readonly cacheReadPer1k?: number;
  readonly cacheWritePer1k?: number;
}

/**
 * Estimated model cost of one ask, both LLM calls together: full-price input, prompt-cache reads
 * and writes at their own prices, and output.
 *
 * @example
 * estimateCostUsd({ sql: { inputTokens: 1000, outputTokens: 100 } }, { inputPer1k: 0.003, outputPer1k: 0.015 }) // 0.0045
 * estimateCostUsd({ sql: { inputTokens: 100, outputTokens: 100, cacheReadInputTokens: 900 } },
 *   { inputPer1k: 0.003, outputPer1k: 0.015, cacheReadPer1k: 0.0003 }) // 0.00207
 */
export function estimateCostUsd(tokens: AskTelemetry['tokens'], prices: TokenPrices): number {
  let cost = 0;
  for (const usage of [tokens.sql, tokens.summary]) {
    if (!usage) continue;
    cost +=
      (usage.inputTokens / 1000) * prices.inputPer1k +
      ((usage.cacheReadInputTokens ?? 0) / 1000) * (prices.cacheReadPer1k ?? prices.inputPer1k) +
      ((usage.cacheWriteInputTokens ?? 0) / 1000) * (prices.cacheWritePer1k ?? prices.inputPer1k) +
      (usage.outputTokens / 1000) * prices.outputPer1k;
  }
  return cost;
}

export interface AskMetrics {
  /** Buffers the ask's metrics (and emits the per-code counters at once). */
  recordAsk(t: AskTelemetry): void;
  /** Counts an error outside the pipeline (e.g. an unhandled handler error), by error name. */
  recordError(errorName: string): void;
  /** Emits a cold-start metric once per container. */
  captureColdStart(): void;
  /** The token prices the cost metric uses from now on (the wiring sets them once, at start). */
  setPrices(prices: TokenPrices): void;
  /** Writes the buffered metrics as one EMF line. Call at the end of every invocation. */
  flush(): void;
  readonly powertools: Metrics;
}

export interface AskMetricsOptions {
  readonly metrics?: Metrics;
  readonly prices?: TokenPrices;
}

function dimensionValue(value: string): string {
  return SAFE_STRING.test(value) && value.length > 0 ? value : 'other';
}

/**
 * Creates the ask metrics recorder.
 *
 * @example
 * const m = createAskMetrics();
 * m.recordAsk(telemetryOf(result));
 * m.flush();
 */
export function createAskMetrics(options: AskMetricsOptions = {}): AskMetrics {
  const metrics = options.metrics ?? new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
  // Set by the wiring from the config (LLM_PRICE_*_PER_1K_USD); no cost metric until then.
  let prices = options.prices;

  /** A counter with one dimension, emitted on its own line so the dimension stays on it alone. */
  const countBy = (name: MetricName, dimension: string, value: string): void => {
    const single = metrics.singleMetric();
    single.addDimension(dimension, dimensionValue(value));
    single.addMetric(name, MetricUnit.Count, 1);
  };

  const ms = (name: MetricName, value: number | undefined): void => {
    if (value !== undefined && Number.isFinite(value)) metrics.addMetric(name, MetricUnit.Milliseconds, value);
  };
  const count = (name: MetricName, value: number | undefined): void => {
    if (value !== undefined && Number.isFinite(value)) metrics.addMetric(name, MetricUnit.Count, value);
  };

  return {
    recordAsk(t) {
      metrics.addMetadata('requestId', dimensionValue(t.requestId));
      count(MetricName.ASKS, 1);
      if (t.status === 'answered') count(MetricName.ANSWERED, 1);
      ms(MetricName.ASK_LATENCY, t.timings.total);
      ms(MetricName.LLM_LATENCY_SQL, t.timings.generate);
      ms(MetricName.VALIDATE_LATENCY, t.timings.validate);
      ms(MetricName.DB_LATENCY, t.timings.retrieve);
      ms(MetricName.LLM_LATENCY_SUMMARY, t.timings.summarize);
      count(MetricName.INPUT_TOKENS_SQL, t.tokens.sql?.inputTokens);
      count(MetricName.OUTPUT_TOKENS_SQL, t.tokens.sql?.outputTokens);
      count(MetricName.INPUT_TOKENS_SUMMARY, t.tokens.summary?.inputTokens);
      count(MetricName.OUTPUT_TOKENS_SUMMARY, t.tokens.summary?.outputTokens);
      count(MetricName.CACHE_READ_TOKENS_SQL, t.tokens.sql?.cacheReadInputTokens);
      count(MetricName.CACHE_WRITE_TOKENS_SQL, t.tokens.sql?.cacheWriteInputTokens);
      count(MetricName.CACHE_READ_TOKENS_SUMMARY, t.tokens.summary?.cacheReadInputTokens);
      count(MetricName.CACHE_WRITE_TOKENS_SUMMARY, t.tokens.summary?.cacheWriteInputTokens);
      count(MetricName.ROWS_RETURNED, t.rowCount);
      if (prices && (t.tokens.sql || t.tokens.summary)) {
        metrics.addMetric(MetricName.COST_PER_ANSWER, MetricUnit.NoUnit, estimateCostUsd(t.tokens, prices));
      }

      if (t.summaryGuard) countBy(MetricName.SUMMARY_GUARD_REPLACED, 'Reason', t.summaryGuard);
      if (t.code.startsWith('SQL_')) countBy(MetricName.VALIDATOR_REJECTIONS, 'Rule', t.code);
      if (t.status === 'error') countBy(MetricName.ERRORS, 'ReasonCode', t.code);
      else if (t.status !== 'answered') countBy(MetricName.REFUSALS, 'ReasonCode', t.code);
    },
    recordError(errorName) {
      countBy(MetricName.ERRORS, 'ErrorName', errorName);
    },
    captureColdStart() {
      metrics.captureColdStartMetric();
    },
    setPrices(next) {
      prices = next;
    },
    flush() {
      // Publishing an empty buffer only prints a warning line.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    },
    powertools: metrics,
  };
}

/** The process-wide metrics recorder. */
export const askMetrics: AskMetrics = createAskMetrics();
