/**
 * BedrockLlm.stream through the real AWS SDK (ConverseStream, event-stream decoding) against the
 * local stand-in, with and without its latency model.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { BedrockLlm } from '../../src/llm/bedrock.ts';
import { LlmError } from '../../src/llm/errors.ts';
import { type BedrockStandin, startBedrockStandin } from '../../src/llm/standin.ts';

const MODEL = 'anthropic.claude-3-sonnet-20240229-v1:0';
const REPLY = 'You had 12 prescription claims this year, and your share was $41.20 in total.';

describe('BedrockLlm.stream against the stand-in', () => {
  let standin: BedrockStandin;
  before(async () => {
    standin = await startBedrockStandin();
  });
  after(() => standin.stop());

  it('hands each piece to onText as it arrives and resolves to the whole reply with usage', async () => {
    const llm = new BedrockLlm({ modelId: MODEL, region: 'us-east-1', endpoint: standin.url });
    standin.script([REPLY]);
    const pieces: string[] = [];
    const res = await llm.stream({ purpose: 'summary', system: 's', prompt: '<rows>[]</rows>', maxTokens: 300 }, (d) =>
      pieces.push(d),
    );
    llm.destroy();
    assert.ok(pieces.length > 1, 'more than one piece');
    assert.equal(pieces.join(''), REPLY);
    assert.equal(res.text, REPLY);
    assert.equal(res.modelId, MODEL);
    assert.ok(res.outputTokens > 0 && res.inputTokens > 0);
  });

  it('an HTTP error from the endpoint is an LlmError, as with Converse', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json', 'x-amzn-errortype': 'ServiceUnavailableException' });
      res.end('{"message":"busy"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const llm = new BedrockLlm({
      modelId: MODEL,
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      maxAttempts: 1,
    });
    try {
      await assert.rejects(
        llm.stream({ purpose: 'summary', system: 's', prompt: 'p', maxTokens: 10 }, () => undefined),
        (e: unknown) => e instanceof LlmError && e.kind === 'unavailable',
      );
    } finally {
      llm.destroy();
      server.close();
    }
  });
});

describe('the latency-modelled stand-in', () => {
  let standin: BedrockStandin;
  before(async () => {
    standin = await startBedrockStandin({ latency: { firstTokenMs: 120, tokensPerSecond: 200 } });
  });
  after(() => standin.stop());

  it('waits the model time to first token, then paces about one token (4 characters) per 1/tokensPerSecond', async () => {
    const llm = new BedrockLlm({ modelId: MODEL, region: 'us-east-1', endpoint: standin.url });
    standin.script([REPLY]);
    const t0 = performance.now();
    const arrivals: number[] = [];
    const pieces: string[] = [];
    await llm.stream({ purpose: 'summary', system: 's', prompt: 'p', maxTokens: 300 }, (d) => {
      arrivals.push(performance.now() - t0);
      pieces.push(d);
    });
    llm.destroy();
    assert.ok(
      pieces.every((p) => p.length <= 4),
      'token-sized pieces',
    );
    assert.ok((arrivals[0] ?? 0) >= 115, `first piece after the modelled time to first token (${arrivals[0]} ms)`);
    const span = (arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0);
    const expected = ((pieces.length - 1) / 200) * 1000;
    assert.ok(
      span >= expected * 0.8,
      `pieces are paced (${span} ms for ${pieces.length} pieces, model ${expected} ms)`,
    );
    const timing = standin.streams.at(-1);
    assert.ok(timing?.firstTokenAt && timing.lastTokenAt && timing.lastTokenAt >= timing.firstTokenAt);
  });
});
