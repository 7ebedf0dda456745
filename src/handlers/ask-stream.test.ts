import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AskResult } from '../core/ask-result.ts';
import { Reason } from '../core/reasons.ts';
import { fixedClock, InMemoryMemberDb, InMemoryPromptStore, ScriptedLlm } from '../core/testing.ts';
import { failedAsk } from '../pipeline/ask.ts';
import { streamedAsk } from './ask-stream.ts';

const ports = {
  llm: new ScriptedLlm({}),
  db: new InMemoryMemberDb(),
  prompts: new InMemoryPromptStore(),
  clock: fixedClock('2026-03-15'),
};

async function events(body: NodeJS.ReadableStream): Promise<Record<string, unknown>[]> {
  let text = '';
  for await (const chunk of body) text += String(chunk);
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('an ask that throws still goes through `after` (its audit row) and ends with its outcome', async () => {
  const afterSaw: AskResult[] = [];
  const res = streamedAsk({
    format: 'ndjson',
    requestId: 'req-1',
    ports,
    run: async () => {
      throw Object.assign(new Error('deadline'), { name: 'TimeoutError' });
    },
    after: async (r) => {
      afterSaw.push(r);
      return r;
    },
    failed: () => failedAsk('req-1', Reason.DB_UNAVAILABLE, 1),
  });
  const done = (await events(res.body)).at(-1);
  assert.equal(afterSaw.length, 1);
  assert.equal(afterSaw[0]?.code, Reason.DB_UNAVAILABLE);
  assert.equal(done?.type, 'done');
  assert.equal(done?.code, Reason.DB_UNAVAILABLE);
  assert.equal(done?.httpStatus, 503);
});

test('without `failed`, a throw still ends the stream with INTERNAL', async () => {
  const res = streamedAsk({
    format: 'ndjson',
    requestId: 'req-2',
    ports,
    run: async () => {
      throw new Error('boom');
    },
  });
  const done = (await events(res.body)).at(-1);
  assert.deepEqual([done?.code, done?.httpStatus], [Reason.INTERNAL, 500]);
});
