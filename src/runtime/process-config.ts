/**
 * What every process does with the config at start (a Lambda cold start, the CLI starting): read
 * and validate it once, and hand the process-wide logger and metrics their values.
 */
import { type Config, loadConfig } from '../config/config.ts';
import { safeLogger } from '../observability/logger.ts';
import { askMetrics } from '../observability/metrics.ts';

/** The process-wide log stage (STAGE) and metric prices (LLM_PRICE_*), from a config. */
export function applyObservability(config: Config): void {
  safeLogger.setStage(config.stage);
  askMetrics.setPrices(config.llm.prices);
}

let applied: Config | undefined;

/**
 * This process's config (`process.env`, validated once), with logs and metrics set from it.
 * Throws a ConfigError naming the bad variable(s).
 * @example
 * const config = processConfig(); // a handler module's init: the cold start
 */
export function processConfig(): Config {
  if (!applied) {
    const config = loadConfig();
    applyObservability(config);
    applied = config;
  }
  return applied;
}
