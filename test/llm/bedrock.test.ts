/**
 * BedrockLlm through the real AWS SDK over HTTP: against the local Bedrock stand-in, and against
 * small HTTP servers that answer with Bedrock-style errors. Pure parts: src/llm/bedrock.test.ts.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { BedrockLlm } from '../../src/llm/bedrock.ts';
import { LlmError, LlmErrorKind } from '../../src/llm/errors.ts';
import { type BedrockStandin, startBedrockStandin } from '../../src/llm/standin.ts';

const MODEL = 'anthropic.claude-3-sonnet-20240229-v1:0';
const SQL_PROMPT = [
  '<member_id>1000000001</member_id>',
  '<today>2026-11-25</today>',
  '<asker>Maria Lopez (subscriber)</asker>',
  '<question>How many claims did I have this year?</question>',
].join('\n');

/** A real HTTP server that answers every request with one fixed Bedrock-style error. */
async function errorServer(status: number, errorType: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': errorType });
    res.end(JSON.stringify({ message: 'Too many requests, please wait before trying again.' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
describe('BedrockLlm through the AWS SDK against the stand-in', () => {
  let standin: BedrockStandin;
  before(async () => {
    standin = await startBedrockStandin();
  });
  after(() => standin.stop());

  it('sends system + one user message and returns the text and usage', async () => {
    const llm = new BedrockLlm({ modelId: MODEL, region: 'us-east-1', endpoint: standin.url });
    const res = await llm.generate({ purpose: 'sql', system: 'Write SQL.', prompt: SQL_PROMPT, maxTokens: 300 });
    llm.destroy();
    assert.equal(res.modelId, MODEL);
    assert.match(
      res.text,
      /^<sql>SELECT count\(\*\) AS claim_count FROM claims_history WHERE member_id = 1000000001 AND /,
    );
    assert.ok(res.inputTokens > 0 && res.outputTokens > 0);
    const seen = standin.requests.at(-1);
    assert.deepEqual(seen, { modelId: MODEL, system: 'Write SQL.', prompt: SQL_PROMPT, purpose: 'sql' });
  });

  it('a step with its own model id is sent to that model; the other step to the default', async () => {
    const llm = new BedrockLlm({
      modelId: MODEL,
      modelIds: { summary: 'small-summary-model' },
      region: 'us-east-1',
      endpoint: standin.url,
    });
    standin.script(['<sql>NULL</sql>', 'An answer.']);
    const sql = await llm.generate({ purpose: 'sql', system: 's', prompt: SQL_PROMPT, maxTokens: 300 });
    assert.equal(standin.requests.at(-1)?.modelId, MODEL);
    const summary = await llm.generate({ purpose: 'summary', system: 's', prompt: 'p', maxTokens: 50 });
    llm.destroy();
    assert.equal(standin.requests.at(-1)?.modelId, 'small-summary-model');
    assert.deepEqual([sql.modelId, summary.modelId], [MODEL, 'small-summary-model']);
  });

  it('returns scripted replies verbatim (e.g. a malicious SQL for validator tests)', async () => {
    const llm = new BedrockLlm({ modelId: MODEL, region: 'us-east-1', endpoint: standin.url });
    standin.script(['<sql>DELETE FROM claims_history</sql>']);
    const res = await llm.generate({ purpose: 'sql', system: 's', prompt: SQL_PROMPT, maxTokens: 300 });
    llm.destroy();
    assert.equal(res.text, '<sql>DELETE FROM claims_history</sql>');
  });

  it('an empty reply is an LlmError, not an empty answer', async () => {
    const llm = new BedrockLlm({ modelId: MODEL, region: 'us-east-1', endpoint: standin.url });
    standin.script(['']);
    await assert.rejects(
      llm.generate({ purpose: 'sql', system: 's', prompt: SQL_PROMPT, maxTokens: 10 }),
      (e: unknown) => {
        assert.ok(e instanceof LlmError);
        assert.equal(e.kind, LlmErrorKind.EMPTY_REPLY);
        return true;
      },
    );
    llm.destroy();
  });
});

describe('BedrockLlm error mapping', () => {
  it('a throttling response becomes a retryable LlmError without the prompt in its message', async () => {
    const { url, server } = await errorServer(429, 'ThrottlingException');
    const llm = new BedrockLlm({ modelId: MODEL, region: 'us-east-1', endpoint: url, maxAttempts: 1 });
    try {
      await assert.rejects(
        llm.generate({ purpose: 'sql', system: 's', prompt: 'SECRET-QUESTION', maxTokens: 10 }),
        (e: unknown) => {
          assert.ok(e instanceof LlmError);
          assert.equal(e.code, 'LLM_ERROR');
          assert.equal(e.name, 'LlmError');
          assert.equal(e.kind, LlmErrorKind.THROTTLED);
          assert.equal(e.httpStatus, 429);
          assert.equal(e.retryable, true);
          assert.equal((e.cause as Error).name, 'ThrottlingException');
          assert.ok(!e.message.includes('SECRET-QUESTION'));
          return true;
        },
      );
    } finally {
      llm.destroy();
      server.close();
    }
  });

  it('validation errors are not retryable; a closed port is a network error', async () => {
    const { url, server } = await errorServer(400, 'ValidationException');
    const bad = new BedrockLlm({ modelId: MODEL, region: 'us-east-1', endpoint: url, maxAttempts: 1 });
    await assert.rejects(bad.generate({ purpose: 'sql', system: 's', prompt: 'p', maxTokens: 10 }), (e: unknown) => {
      assert.ok(e instanceof LlmError);
      assert.equal(e.kind, LlmErrorKind.INVALID_REQUEST);
      assert.equal(e.retryable, false);
      return true;
    });
    bad.destroy();
    server.close();

    const free = await errorServer(500, 'x');
    free.server.close();
    await new Promise((r) => free.server.once('close', r));
    const down = new BedrockLlm({
      modelId: MODEL,
      region: 'us-east-1',
      endpoint: free.url,
      maxAttempts: 1,
    });
    await assert.rejects(down.generate({ purpose: 'sql', system: 's', prompt: 'p', maxTokens: 10 }), (e: unknown) => {
      assert.ok(e instanceof LlmError);
      assert.equal(e.kind, LlmErrorKind.NETWORK);
      return true;
    });
    down.destroy();
  });
});
