import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { friendlyMessage, Reason } from '../core/reasons.ts';
import { isStatusError } from './errors.ts';
import { json } from './response.ts';

/** What every 503 tells the caller: try again after this many seconds. */
export const RETRY_AFTER_SECONDS = 5;

/** Failures of a dependency (database, model): a 503 with Retry-After, never a 500. */
const DEPENDENCY_CODES: ReadonlySet<string> = new Set([
  Reason.DB_UNAVAILABLE,
  Reason.DB_TIMEOUT,
  Reason.DB_ERROR,
  Reason.LLM_ERROR,
]);

export interface HttpErrorOptions {
  /** Called with the error's name only (never its message: it may quote member input). */
  readonly onUnexpected?: (errorName: string) => void;
}

const defaults: HttpErrorOptions = {};

/** The request id the member can quote to support: API Gateway's, else Lambda's. */
export function requestIdOf(event: APIGatewayProxyEvent, awsRequestId?: string): string {
  return event.requestContext?.requestId ?? awsRequestId ?? 'unknown';
}

/**
 * Maps every thrown error to a JSON response in one place: known errors keep their status and
 * code; anything else is a 500 with no detail (never a stack trace or a SQL error).
 * @example
 * middy(handler).use(httpErrorMiddleware())
 */
export function httpErrorMiddleware(
  opts: HttpErrorOptions = {},
): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const options = { ...defaults, ...opts };
  const httpErrorMiddlewareOnError: middy.MiddlewareFn<APIGatewayProxyEvent, APIGatewayProxyResult> = async (
    request,
  ) => {
    const err = request.error;
    const requestId = requestIdOf(request.event, request.context?.awsRequestId);
    if (isStatusError(err)) {
      request.response = json(
        err.statusCode,
        { error: { code: err.code, message: err.message }, requestId },
        { ...(err.statusCode === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {}), ...err.headers },
      );
      return;
    }
    const code = (err as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && DEPENDENCY_CODES.has(code)) {
      // Connection errors say "unavailable" whatever their code: the caller can only retry.
      const reason = code === Reason.LLM_ERROR ? Reason.LLM_ERROR : Reason.DB_UNAVAILABLE;
      request.response = json(
        503,
        { error: { code: reason, message: friendlyMessage(reason) }, requestId },
        { 'retry-after': String(RETRY_AFTER_SECONDS) },
      );
      return;
    }
    options.onUnexpected?.(err instanceof Error ? err.name : typeof err);
    request.response = json(500, {
      error: { code: 'INTERNAL', message: 'Sorry, something went wrong on our side. Please try again.' },
      requestId,
    });
  };
  return { onError: httpErrorMiddlewareOnError };
}
