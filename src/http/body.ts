import type { APIGatewayProxyEvent } from 'aws-lambda';
import { HttpError } from './errors.ts';

export interface JsonBodyOptions {
  /** Larger bodies are refused with 413 before parsing. */
  readonly maxBytes: number;
  /** The 400 message when the body is not JSON (say what shape is expected). */
  readonly badJsonMessage: string;
  /** An empty body reads as `undefined` instead of a 400. */
  readonly allowEmpty?: boolean;
}

/**
 * The event's body as JSON, with the size cap and the error responses every endpoint shares.
 * @example
 * const body = readJsonBody(event, { maxBytes: 4096, badJsonMessage: 'Send {"question": "..."}.' });
 */
export function readJsonBody(event: APIGatewayProxyEvent, opts: JsonBodyOptions): unknown {
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  if (opts.allowEmpty && raw === '') return undefined;
  if (Buffer.byteLength(raw) > opts.maxBytes)
    throw new HttpError(413, 'BODY_TOO_LARGE', 'The request body is too large.');
  try {
    return JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'BAD_JSON', opts.badJsonMessage);
  }
}
