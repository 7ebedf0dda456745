/**
 * One middy middleware that wires logs, metrics and traces into a handler: Lambda context on
 * every log line, cold start flagged, metrics flushed at the end of every invocation (also on error).
 * Edge code (it reads HTTP statuses: a 4xx is the caller's mistake, logged as info), so it lives
 * in src/http and imports the observability adapters, not the other way round.
 */

import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { MiddlewareObj, Request } from '@middy/core';
import { errorFields, type SafeLogger, safeLogger } from '../observability/logger.ts';
import { type AskMetrics, askMetrics } from '../observability/metrics.ts';
import { annotateInvocation, tracer } from '../observability/tracer.ts';
import { isStatusError } from './errors.ts';

export interface ObservabilityOptions {
  readonly logger: SafeLogger;
  readonly metrics: AskMetrics;
  readonly tracer: Tracer;
  /** Emit a ColdStart metric on the first invocation of a container. */
  readonly captureColdStartMetric: boolean;
}

const defaults: ObservabilityOptions = {
  logger: safeLogger,
  metrics: askMetrics,
  tracer,
  captureColdStartMetric: true,
};

/**
 * Middy middleware factory (merges `opts` over the defaults).
 *
 * @example
 * export const handler = middy(askHandler).use(observabilityMiddleware());
 */
export function observabilityMiddleware(opts: Partial<ObservabilityOptions> = {}): MiddlewareObj {
  const options: ObservabilityOptions = { ...defaults, ...opts };
  let coldStart = true;

  const observabilityMiddlewareBefore = async (request: Request): Promise<void> => {
    options.logger.addContext(request.context);
    annotateInvocation(options.tracer);
    if (coldStart && options.captureColdStartMetric) options.metrics.captureColdStart();
    coldStart = false;
  };

  const observabilityMiddlewareAfter = async (): Promise<void> => {
    options.metrics.flush();
  };

  const observabilityMiddlewareOnError = async (request: Request): Promise<void> => {
    const err = request.error;
    if (isStatusError(err) && err.statusCode < 500) {
      // The caller's mistake (bad JSON, no token, rate limited): an info line, not an error alarm.
      options.logger.logEvent('ask_rejected', { ...errorFields(err), statusCode: err.statusCode });
    } else {
      options.logger.logError('handler_error', err);
      options.metrics.recordError(err instanceof Error ? err.name : 'NonError');
    }
    options.metrics.flush();
  };

  return {
    before: observabilityMiddlewareBefore,
    after: observabilityMiddlewareAfter,
    onError: observabilityMiddlewareOnError,
  };
}
