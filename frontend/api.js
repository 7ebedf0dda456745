// @ts-check
/**
 * The one way the pages call the API (chat and admin): same-origin JSON, the bearer token from
 * this module's memory (the sign-in, auth.js, keeps the tokens in the tab's sessionStorage so a
 * reload stays signed in; closing the tab, signing out or a 401 ends it), no cookies, no HTTP cache.
 *
 * A response is read once into an {@link ApiResult}: `ok: true` only for a 2xx with a JSON body,
 * which the caller declares the type of (the API is ours; the pages trust its shapes, as its
 * tests pin them). Anything else is `ok: false` with whatever body came back, as `unknown`.
 */

/**
 * @typedef {object} ApiOptions
 * @property {'GET' | 'POST' | 'PUT' | 'DELETE'} [method] default GET
 * @property {unknown} [body] sent as JSON
 */

/**
 * @template [T=unknown]
 * @typedef {{ ok: true, status: number, body: T } | { ok: false, status: number, body: unknown, retryAfter?: number }} ApiResult
 */

/** @type {string | undefined} */
let token;

/**
 * Sets the bearer token for every later call; `undefined` (or '') signs out.
 * @param {string | undefined} newToken
 */
export function setToken(newToken) {
  token = newToken || undefined;
}

/** @type {(() => void) | undefined} */
let unauthorized;

/**
 * Called when the API answers 401 to a call that carried a token (the session is over: the page
 * forgets its tokens and offers the sign-in again).
 * @param {() => void} callback
 */
export function onUnauthorized(callback) {
  unauthorized = callback;
}

/** @param {Response} res */
function checkAuthorized(res) {
  if (res.status === 401 && token !== undefined) unauthorized?.();
}

/** True while the page holds a token. */
export function hasToken() {
  return token !== undefined;
}

/**
 * Calls the API. Rejects only when the network fails (no response at all).
 *
 * @example
 * // The declared type of the result says what a success carries.
 * const r = await api('/dev/token', { method: 'POST', body: { personId: '1000000001-01' } });
 * if (r.ok && isRecord(r.body) && typeof r.body.token === 'string') setToken(r.body.token);
 *
 * @template [T=unknown]
 * @param {string} path
 * @param {ApiOptions} [opts]
 * @returns {Promise<ApiResult<T>>}
 */
export async function api(path, opts = {}) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method: opts.method ?? 'GET',
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    credentials: 'omit',
    cache: 'no-store',
  });
  checkAuthorized(res);
  const body = await readJson(res);
  if (res.ok && body !== undefined) return { ok: true, status: res.status, body: /** @type {T} */ (body) };
  return failure(res, body);
}

/**
 * A failed response as an {@link ApiResult}, with its `Retry-After` (seconds) when it has one.
 * @param {Response} res
 * @param {unknown} body
 * @returns {{ ok: false, status: number, body: unknown, retryAfter?: number }}
 */
function failure(res, body) {
  const retryAfter = Number(res.headers.get('retry-after'));
  return Number.isFinite(retryAfter) && retryAfter > 0
    ? { ok: false, status: res.status, body, retryAfter }
    : { ok: false, status: res.status, body };
}

/**
 * The JSON body, or undefined when there is none or it is not JSON.
 * @param {Response} res
 * @returns {Promise<unknown>}
 */
async function readJson(res) {
  try {
    return /** @type {unknown} */ (await res.json());
  } catch {
    return undefined;
  }
}

/**
 * True for a plain JSON object (not null, not an array).
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
export function isRecord(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The `error.message` of an API error body (`{"error": {"code", "message"}}`), if there is one.
 * @param {unknown} body
 * @returns {string | undefined}
 */
export function errorMessage(body) {
  const error = isRecord(body) ? body.error : undefined;
  return isRecord(error) && typeof error.message === 'string' ? error.message : undefined;
}

/**
 * The `requestId` of any API body, if there is one (support quotes it).
 * @param {unknown} body
 * @returns {string | undefined}
 */
export function requestIdOf(body) {
  return isRecord(body) && typeof body.requestId === 'string' ? body.requestId : undefined;
}

/**
 * Calls an endpoint that can stream (`POST /v1/ask`): asks for JSON lines (`Accept:
 * application/x-ndjson`), hands each event to `onEvent` as it arrives, and resolves like
 * {@link api} with the final `done` event as the body (its `httpStatus` as the status). A
 * response that is not a stream (an error before the answer started, an older server) is read
 * as JSON, as {@link api} does. Rejects when the network fails or the stream breaks off.
 *
 * @example
 * const r = await apiStream('/v1/ask', { body: { question }, onEvent: (e) => { if (e.type === 'delta') show(e.text); } });
 *
 * @param {string} path
 * @param {{ body: unknown, onEvent: (event: Record<string, unknown>) => void }} opts
 * @returns {Promise<ApiResult>}
 */
export async function apiStream(path, opts) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/x-ndjson, application/json;q=0.5', 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, {
    method: 'POST',
    headers,
    body: JSON.stringify(opts.body),
    credentials: 'omit',
    cache: 'no-store',
  });
  checkAuthorized(res);
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/x-ndjson') || !res.body) {
    const body = await readJson(res);
    if (res.ok && body !== undefined) return { ok: true, status: res.status, body };
    return failure(res, body);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  /** @type {Record<string, unknown> | undefined} */
  let done;
  for (;;) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    buffered += value;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
      if (line === '') continue;
      /** @type {unknown} */
      const event = JSON.parse(line);
      if (!isRecord(event)) continue;
      opts.onEvent(event);
      if (event.type === 'done') done = event;
    }
  }
  if (!done) throw new Error('the answer stream ended early');
  const status = typeof done.httpStatus === 'number' ? done.httpStatus : 200;
  return status < 400 ? { ok: true, status, body: done } : { ok: false, status, body: done };
}
