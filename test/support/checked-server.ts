/**
 * The local server with every API (/v1/…) response it sends checked against the OpenAPI document
 * (test/support/openapi.ts); `stop()` fails listing every response that did not match.
 */
import assert from 'node:assert/strict';
import { type LocalServer, type LocalServerOptions, startLocalServer } from '../../src/server/local.ts';
import { checkResponse } from './openapi.ts';

/** A local server whose every API response is checked; `stop()` fails if any did not match. */
export interface CheckedServer extends LocalServer {
  readonly violations: readonly string[];
  /** API responses seen so far. */
  readonly seen: number;
}

/**
 * Starts the local server with an observer on every /v1 response.
 * @example
 * const server = await startCheckedServer({ databaseUrl: db.adminUrl });
 * // … tests …
 * await server.stop(); // throws listing every response that did not match the document
 */
export async function startCheckedServer(opts: LocalServerOptions = {}): Promise<CheckedServer> {
  const violations: string[] = [];
  let seen = 0;
  const allowedOrigins = (opts.env?.CORS_ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const server = await startLocalServer({
    ...opts,
    onApiResponse: (r) => {
      seen += 1;
      violations.push(
        ...checkResponse(
          {
            method: r.method,
            path: r.path,
            status: r.status,
            headers: r.headers,
            body: r.body,
            origin: r.requestHeaders.origin,
          },
          { allowedOrigins },
        ),
      );
      opts.onApiResponse?.(r);
    },
  });
  return {
    ...server,
    violations,
    get seen() {
      return seen;
    },
    async stop() {
      await server.stop();
      assert.deepEqual(violations, [], 'every API response matches openapi/openapi.json');
    },
  };
}
