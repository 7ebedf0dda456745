/**
 * Findings 2, 3 and 4: a model that hangs, drips, resets, errors or is slow. The real AWS SDK
 * talks to the Bedrock stand-in, whose mode is switched while the server runs. Each ask ends
 * within the budget with a friendly 503 LLM_ERROR and an audit row saying so (never a later
 * `OK`); a hung model frees its sockets; `/v1/health` reports the model's state from recent
 * calls; and once the model is healthy the same server answers again at once.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BedrockLlm } from '../../src/llm/bedrock.ts';
import { LlmError } from '../../src/llm/errors.ts';
import type { BedrockStandin, StandinMode } from '../../src/llm/standin.ts';
import { type LocalServer, startLocalServer } from '../../src/server/local.ts';
import { adminQuery, freshDatabase, type TestDatabase } from '../support/db.ts';
import { type AskOutcome, askOnce, assertDocumentedOutcomes, memberTokens, QUESTIONS, tally } from '../support/load.ts';

/** The local server's time per ask (ASK_BUDGET_MS); the pipeline stops 1.5 s before it. */
const BUDGET_MS = 6_000;
/**
 * What a caller may wait at most: the budget and some room for the HTTP round trip on a loaded CI
 * machine. A hung model would hold an ask for the SDK's 20 s request timeout, far past this.
 */
const WAIT_MS = BUDGET_MS + 3_000;

let db: TestDatabase;
let server: LocalServer;
let standin: BedrockStandin;
let tokens: string[];

before(async () => {
  db = await freshDatabase();
  server = await startLocalServer({
    databaseUrl: db.adminUrl,
    env: { ASK_RATE_LIMIT: '100000', ASK_BUDGET_MS: String(BUDGET_MS) },
  });
  standin = server.runtime.standin as BedrockStandin;
  assert.ok(standin, 'the server runs the stand-in');
  tokens = await memberTokens(server);
});

after(async () => {
  await server?.stop();
  await db?.drop();
});

async function concurrentAsks(n: number): Promise<AskOutcome[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      askOnce(server.url, tokens[i % tokens.length] ?? '', QUESTIONS[i % QUESTIONS.length] ?? '', WAIT_MS + 5_000),
    ),
  );
}

async function auditCodes(requestIds: readonly (string | undefined)[]): Promise<Map<string, string[]>> {
  const res = await adminQuery<{ request_id: string; reason_code: string }>(
    db.adminUrl,
    'SELECT request_id, reason_code FROM public.ask_audit WHERE request_id = ANY($1::text[]) ORDER BY audit_id',
    [requestIds.filter(Boolean)],
  );
  const out = new Map<string, string[]>();
  for (const r of res.rows) out.set(r.request_id, [...(out.get(r.request_id) ?? []), r.reason_code]);
  return out;
}

async function health(): Promise<{ status: number; model?: { status: string; consecutiveFailures: number } }> {
  const res = await fetch(`${server.url}/v1/health`, { signal: AbortSignal.timeout(5_000) });
  const body = (await res.json()) as { checks: { model?: { status: string; consecutiveFailures: number } } };
  return { status: res.status, model: body.checks.model };
}

function assertModelFailures(outcomes: readonly AskOutcome[]): void {
  assertDocumentedOutcomes(outcomes, WAIT_MS);
  for (const o of outcomes) assert.equal(o.code, 'LLM_ERROR', JSON.stringify(tally(outcomes)));
}

test('finding 2: the SDK request timeout throws instead of waiting on a silent model', async () => {
  standin.setMode({ kind: 'hang' });
  const llm = new BedrockLlm({
    modelId: 'offline-engine-v1',
    region: 'us-east-1',
    endpoint: standin.url,
    requestTimeoutMs: 300,
    maxAttempts: 1,
  });
  const t0 = performance.now();
  try {
    // No signal: only the client's own timeout can end this call.
    await assert.rejects(
      llm.generate({ purpose: 'sql', system: 's', prompt: '<question>x</question>', maxTokens: 10 }),
      (err: unknown) => err instanceof LlmError && err.kind === 'timeout',
    );
    assert.ok(performance.now() - t0 < 8_000, `timed out after ${Math.round(performance.now() - t0)} ms`);
  } finally {
    llm.destroy();
    standin.setMode({ kind: 'ok' });
  }
});

test('finding 3: 55 concurrent asks against a hung model end in time, free their sockets, and the service recovers', async () => {
  const before = await concurrentAsks(1);
  assert.equal(before[0]?.status, 200, 'answers before the fault');

  standin.setMode({ kind: 'hang' });
  const hung = await concurrentAsks(55);
  assertModelFailures(hung);
  const codes = await auditCodes(hung.map((o) => o.requestId));
  for (const o of hung) assert.deepEqual(codes.get(o.requestId ?? ''), ['LLM_ERROR'], 'one audit row, LLM_ERROR');

  // Aborted calls destroy their sockets: nothing is left waiting on the model.
  for (let i = 0; i < 50 && standin.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(standin.inFlight, 0, 'no request left open at the model');

  const degraded = await health();
  assert.equal(degraded.status, 503, 'health says degraded while the model fails');
  assert.equal(degraded.model?.status, 'failing');
  const callsBefore = standin.requests.length;
  await health();
  assert.equal(standin.requests.length, callsBefore, 'health does not call the model');

  // Stuck sockets would make these wait and fail (LLM_ERROR) instead of reaching the model.
  standin.setMode({ kind: 'ok' });
  const healed = await concurrentAsks(8);
  assert.deepEqual(
    healed.map((o) => o.status),
    healed.map(() => 200),
    `answers again at once: ${JSON.stringify(tally(healed))}`,
  );
  const ok = await health();
  assert.equal(ok.status, 200);
  assert.equal(ok.model?.status, 'ok');
});

for (const mode of [
  { kind: 'drip', intervalMs: 400 },
  { kind: 'reset' },
  { kind: 'error', status: 503 },
  { kind: 'error', status: 500 },
] as const satisfies readonly StandinMode[]) {
  test(`a model that ${mode.kind}s${'status' in mode ? ` ${mode.status}` : ''}: friendly 503 LLM_ERROR within the budget`, async () => {
    standin.setMode(mode);
    try {
      const outcomes = await concurrentAsks(6);
      assertModelFailures(outcomes);
      const codes = await auditCodes(outcomes.map((o) => o.requestId));
      for (const o of outcomes) assert.deepEqual(codes.get(o.requestId ?? ''), ['LLM_ERROR']);
    } finally {
      standin.setMode({ kind: 'ok' });
    }
    const healed = await concurrentAsks(2);
    assert.deepEqual(
      healed.map((o) => o.status),
      [200, 200],
    );
  });
}

test('finding 4: a model slower than the budget gives a 503 at the deadline and no later OK audit row', async () => {
  // The summary call may use all that is left (budget - 1.5 s reserve); this one takes longer.
  standin.setMode({ kind: 'slow', delayMs: BUDGET_MS, purpose: 'summary' });
  try {
    const [o] = await concurrentAsks(1);
    assert.ok(o);
    assertModelFailures([o]);
    // Wait until the slow reply would have arrived and the pipeline, had it kept going, written.
    await new Promise((r) => setTimeout(r, BUDGET_MS - o.ms + 800));
    const codes = await auditCodes([o.requestId]);
    assert.deepEqual(codes.get(o.requestId ?? ''), ['LLM_ERROR'], 'exactly one audit row, and it is not OK');
  } finally {
    standin.setMode({ kind: 'ok' });
  }
});
