import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type pg from 'pg';
import { parseConfig } from '../config/config.ts';
import type { Llm } from '../core/ports.ts';
import { FilePromptStore } from '../prompts/file-store.ts';
import { PgPromptStore } from '../prompts/pg-store.ts';
import { type App, buildApp, deferredHealthChecks } from './app.ts';

/** A pool that records queries and answers as app.take_ask / SELECT 1 would; no database. */
function recordingPool(allowed = true) {
  const queries: { text: string; values?: unknown[] }[] = [];
  const pool = {
    query: async (text: string, values?: unknown[]) => {
      queries.push({ text, values });
      return { rows: [{ allowed }], rowCount: 1 };
    },
  } as unknown as pg.Pool;
  return { pool, queries };
}

const llm: Llm = { generate: async () => ({ text: 'x', modelId: 'm', inputTokens: 0, outputTokens: 0 }) };

describe('buildApp: the one wiring', () => {
  it('takes the template store from PROMPT_STORE', () => {
    const { pool } = recordingPool();
    assert.ok(buildApp(parseConfig({}), { pool, llm }).ports.prompts instanceof PgPromptStore);
    assert.ok(buildApp(parseConfig({ PROMPT_STORE: 'files' }), { pool, llm }).ports.prompts instanceof FilePromptStore);
  });

  it('the rate limit uses ASK_RATE_LIMIT / ASK_RATE_WINDOW_SECONDS and answers 429 with a Retry-After when refused', async () => {
    const { pool, queries } = recordingPool(false);
    const app = buildApp(parseConfig({ ASK_RATE_LIMIT: '7', ASK_RATE_WINDOW_SECONDS: '90' }), { pool, llm });
    await assert.rejects(
      app.rateLimit({ subject: 's', memberId: '1000000001', personId: '1000000001-01', role: 'member' }),
      (err: { statusCode?: number; headers?: Record<string, string> }) =>
        err.statusCode === 429 && /^\d+$/.test(err.headers?.['retry-after'] ?? ''),
    );
    assert.deepEqual(queries.find((q) => /take_ask/.test(q.text))?.values, ['1000000001', 7, 90]);
  });

  it('health checks are the same names built or deferred; a failed build reads as a failing check', async () => {
    const { pool, queries } = recordingPool();
    const app = buildApp(parseConfig({ PROMPT_STORE: 'files' }), { pool, llm });
    const deferred = deferredHealthChecks(async () => app);
    assert.deepEqual(Object.keys(deferred), Object.keys(app.health));
    assert.deepEqual(Object.keys(app.health).sort(), ['database', 'templates']);
    const check = (checks: typeof deferred, name: string) => checks[name]?.() ?? assert.fail(`no check ${name}`);
    await check(deferred, 'database');
    assert.equal(queries.at(-1)?.text, 'SELECT 1');
    assert.equal(((await check(app.health, 'templates')) as { name: string }).name, 'sql');
    const broken = deferredHealthChecks(async (): Promise<App> => {
      throw new Error('no secret');
    });
    await assert.rejects(check(broken, 'database'), /no secret/);
  });
});
