/**
 * Load under faults: concurrent askers against a running server, every response recorded, and
 * the checks every fault test makes (documented status and body, no hang past the budget,
 * every answer audited).
 */
import assert from 'node:assert/strict';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import type { LocalServer } from '../../src/server/local.ts';
import { adminQuery } from './db.ts';

export interface AskOutcome {
  /** HTTP status, or 0 when no response came (connection refused or reset, or the client gave up). */
  readonly status: number;
  readonly code?: string;
  readonly bodyStatus?: string;
  readonly answer?: string;
  readonly requestId?: string;
  readonly retryAfter?: string | null;
  readonly ms: number;
  readonly startedAt: number;
  /** The client's own give-up: a response that never came within `hangMs`. */
  readonly hung?: boolean;
  readonly error?: string;
}

/** A few families' tokens, so the load spreads over members (rate limits are per family). */
export async function memberTokens(server: LocalServer, count = 4): Promise<string[]> {
  const ids = [
    DEMO_MEMBER_IDS.family,
    DEMO_MEMBER_IDS.single,
    DEMO_MEMBER_IDS.grandparent,
    DEMO_MEMBER_IDS.teenPrivacy,
  ];
  return Promise.all(
    ids.slice(0, count).map((memberId) => server.issuer.issue({ memberId, personId: `${memberId}-01` })),
  );
}

export const QUESTIONS = [
  'How many claims did I have last year?',
  'How much did I spend on prescriptions this year?',
  'How many claims did I have this year?',
  'What was my most expensive claim last year?',
] as const;

/** One ask over HTTP; never throws. `hangMs`: give up and record a hang after this long. */
export async function askOnce(url: string, token: string, question: string, hangMs: number): Promise<AskOutcome> {
  const startedAt = Date.now();
  const t0 = performance.now();
  try {
    const res = await fetch(`${url}/v1/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ question }),
      signal: AbortSignal.timeout(hangMs),
    });
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // recorded below as a body without a code
    }
    const error = body.error as { code?: string; message?: string } | undefined;
    return {
      status: res.status,
      code: (body.code as string | undefined) ?? error?.code,
      bodyStatus: body.status as string | undefined,
      answer: (body.answer as string | undefined) ?? error?.message,
      requestId: body.requestId as string | undefined,
      retryAfter: res.headers.get('retry-after'),
      ms: performance.now() - t0,
      startedAt,
    };
  } catch (err) {
    const name = (err as Error).name;
    const hung = name === 'TimeoutError' || name === 'AbortError';
    return {
      status: 0,
      ms: performance.now() - t0,
      startedAt,
      hung,
      error: (err as Error).cause ? String((err as Error).cause) : name,
    };
  }
}

/**
 * `workers` askers in parallel, each asking again as soon as it has an answer, until `stop`
 * resolves. Returns every outcome.
 */
export async function loadUntil(
  url: string,
  tokens: readonly string[],
  opts: { workers: number; hangMs: number; stop: Promise<unknown> },
): Promise<AskOutcome[]> {
  const outcomes: AskOutcome[] = [];
  let stopped = false;
  void opts.stop.then(() => {
    stopped = true;
  });
  await Promise.all(
    Array.from({ length: opts.workers }, async (_, w) => {
      for (let i = 0; !stopped; i++) {
        const token = tokens[(w + i) % tokens.length] ?? '';
        const outcome = await askOnce(url, token, QUESTIONS[(w + i) % QUESTIONS.length] ?? '', opts.hangMs);
        outcomes.push(outcome);
        // A refused connection returns at once: don't spin while the server is down.
        if (outcome.status === 0) await new Promise((r) => setTimeout(r, 50));
      }
    }),
  );
  return outcomes;
}

export const DEPENDENCY_CODES = new Set(['DB_UNAVAILABLE', 'DB_TIMEOUT', 'DB_ERROR', 'LLM_ERROR']);

/**
 * The documented outcomes under faults: a 200 with an answer, or a friendly 503 with
 * `Retry-After` and a dependency reason code — never a 500, never a hang past `budgetMs`.
 */
export function assertDocumentedOutcomes(outcomes: readonly AskOutcome[], budgetMs: number): void {
  for (const o of outcomes) {
    assert.ok(!o.hung, `an ask hung for ${Math.round(o.ms)} ms`);
    assert.ok(o.ms <= budgetMs, `an ask took ${Math.round(o.ms)} ms, over the ${budgetMs} ms budget`);
    if (o.status === 200) {
      assert.ok(o.answer && o.answer.length > 0, 'a 200 carries an answer');
      continue;
    }
    assert.equal(o.status, 503, `status ${o.status} (${o.code ?? o.error}) is not a documented fault outcome`);
    assert.ok(o.code && DEPENDENCY_CODES.has(o.code), `503 with code ${o.code}`);
    assert.equal(o.bodyStatus, 'error', 'a 503 has the ask body: {status: "error", code, answer, requestId}');
    assert.match(o.answer ?? '', /try again/i, 'a 503 tells the member to try again');
    assert.doesNotMatch(o.answer ?? '', /select|sql|error:|stack|57P01|terminat/i, 'nothing technical');
    assert.match(o.retryAfter ?? '', /^\d+$/, 'a 503 says when to retry');
  }
}

/** Request ids of 200 answers that have no `ask_audit` row (should be none). */
export async function unauditedAnswers(adminUrl: string, outcomes: readonly AskOutcome[]): Promise<string[]> {
  const answered = outcomes.filter((o) => o.status === 200).map((o) => o.requestId ?? '');
  if (answered.length === 0) return [];
  const found = await adminQuery<{ request_id: string }>(
    adminUrl,
    'SELECT request_id FROM public.ask_audit WHERE request_id = ANY($1::text[])',
    [answered],
  );
  const audited = new Set(found.rows.map((r) => r.request_id));
  return answered.filter((id) => !audited.has(id));
}

/** Counts by status and code, for assertion messages and reports. */
export function tally(outcomes: readonly AskOutcome[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of outcomes) {
    const key = o.status === 0 ? `no_response${o.hung ? '_hung' : ''}` : `${o.status}${o.code ? ` ${o.code}` : ''}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
