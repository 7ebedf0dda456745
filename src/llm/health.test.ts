import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ScriptedLlm } from '../core/testing.ts';
import { ModelHealth, withModelHealth } from './health.ts';

const REQ = { purpose: 'summary' as const, system: 's', prompt: 'p', maxTokens: 10 };

describe('withModelHealth', () => {
  test('a streaming model still streams through it, and the outcome is recorded', async () => {
    const health = new ModelHealth();
    const llm = withModelHealth(new ScriptedLlm({ summary: 'You had 3 claims.' }, { streamPieceChars: 4 }), health);
    assert.ok(llm.stream, 'stream is kept');
    const pieces: string[] = [];
    const reply = await llm.stream(REQ, (d) => pieces.push(d));
    assert.equal(pieces.length, 5);
    assert.equal(pieces.join(''), reply.text);
    assert.equal(health.report().status, 'ok');
  });

  test('a model without streaming gets none, so the pipeline calls generate', () => {
    const llm = withModelHealth(new ScriptedLlm({ summary: 'x' }), new ModelHealth());
    assert.equal(llm.stream, undefined);
  });

  test('a failed stream counts as a failure', async () => {
    const health = new ModelHealth();
    const llm = withModelHealth(new ScriptedLlm({ summary: new Error('boom') }, { streamPieceChars: 4 }), health);
    await assert.rejects(() => llm.stream?.(REQ, () => {}) ?? Promise.resolve());
    assert.equal(health.report().consecutiveFailures, 1);
  });
});
