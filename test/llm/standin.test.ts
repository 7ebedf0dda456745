import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BedrockRuntimeClient, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { BedrockLlm } from '../../src/llm/bedrock.ts';
import { type BedrockStandin, startBedrockStandin } from '../../src/llm/standin.ts';

const SUMMARY_PROMPT = [
  '<today>2026-11-25</today>',
  '<asker>Maria Lopez (subscriber)</asker>',
  '<question>How many prescription claims did I have this year?</question>',
  '<row_count>1</row_count>',
  '<rows>[{"claim_count":"12"}]</rows>',
].join('\n');

describe('Bedrock stand-in', () => {
  let standin: BedrockStandin;
  before(async () => {
    standin = await startBedrockStandin();
  });
  after(() => standin.stop());

  function sdkClient(): BedrockRuntimeClient {
    return new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: standin.url,
      requestHandler: new NodeHttpHandler(),
      credentials: { accessKeyId: 'TEST', secretAccessKey: 'test-secret' },
      maxAttempts: 1,
    });
  }

  it('streams a reply through ConverseStreamCommand, decoded by the SDK', async () => {
    const client = sdkClient();
    const out = await client.send(
      new ConverseStreamCommand({
        modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
        system: [{ text: 'Summarize.' }],
        messages: [{ role: 'user', content: [{ text: SUMMARY_PROMPT }] }],
      }),
    );
    const kinds: string[] = [];
    let text = '';
    let totalTokens = 0;
    let stopReason: string | undefined;
    for await (const ev of out.stream ?? []) {
      kinds.push(Object.keys(ev)[0] ?? '');
      if (ev.contentBlockDelta?.delta && 'text' in ev.contentBlockDelta.delta)
        text += ev.contentBlockDelta.delta.text ?? '';
      if (ev.messageStop) stopReason = ev.messageStop.stopReason;
      if (ev.metadata) totalTokens = ev.metadata.usage?.totalTokens ?? 0;
    }
    client.destroy();
    assert.equal(text, 'You had 12 prescription claims in 2026.');
    assert.equal(kinds[0], 'messageStart');
    assert.ok(kinds.filter((k) => k === 'contentBlockDelta').length >= 2, 'the text arrives in several deltas');
    assert.deepEqual(kinds.slice(-3), ['contentBlockStop', 'messageStop', 'metadata']);
    assert.equal(stopReason, 'end_turn');
    assert.ok(totalTokens > 0);
    assert.equal(standin.requests.at(-1)?.purpose, 'summary');
  });

  it('model ids with ":" and "/" are URL-encoded by the SDK and decoded by the stand-in', async () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-sonnet-20240229-v1:0';
    const llm = new BedrockLlm({ modelId: arn, region: 'us-east-1', endpoint: standin.url });
    await llm.generate({ purpose: 'summary', system: 's', prompt: SUMMARY_PROMPT, maxTokens: 50 });
    llm.destroy();
    assert.equal(standin.requests.at(-1)?.modelId, arn);
  });

  it('scripted replies come first in, first out, then the default responder again', async () => {
    const llm = new BedrockLlm({ modelId: 'm', region: 'us-east-1', endpoint: standin.url });
    standin.script(['first', 'second']);
    const req = { purpose: 'summary' as const, system: 's', prompt: SUMMARY_PROMPT, maxTokens: 50 };
    const texts = [];
    for (let i = 0; i < 3; i++) texts.push((await llm.generate(req)).text);
    llm.destroy();
    assert.deepEqual(texts, ['first', 'second', 'You had 12 prescription claims in 2026.']);
  });

  it('rejects unsigned requests with 403 and a JSON message, like Bedrock', async () => {
    const res = await fetch(`${standin.url}/model/m/converse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
    });
    assert.equal(res.status, 403);
    assert.deepEqual(await res.json(), { message: 'Missing Authentication Token' });
    const forged = await fetch(`${standin.url}/model/m/converse`, {
      method: 'POST',
      headers: { authorization: 'Bearer x' },
      body: '{}',
    });
    assert.equal(forged.status, 403);
  });

  it('unknown paths are 404 JSON; bad JSON is a 400 ValidationException', async () => {
    const auth = {
      authorization:
        'AWS4-HMAC-SHA256 Credential=TEST/20261125/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=' +
        'a'.repeat(64),
    };
    const missing = await fetch(`${standin.url}/foundation-models`, { headers: auth });
    assert.equal(missing.status, 404);
    assert.equal(typeof ((await missing.json()) as { message?: unknown }).message, 'string');

    const bad = await fetch(`${standin.url}/model/m/converse`, { method: 'POST', headers: auth, body: '{not json' });
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get('x-amzn-errortype'), 'ValidationException');
    assert.equal(typeof ((await bad.json()) as { message?: unknown }).message, 'string');

    const noMessages = await fetch(`${standin.url}/model/m/converse`, { method: 'POST', headers: auth, body: '{}' });
    assert.equal(noMessages.status, 400);
  });

  it('a custom responder gets the model id, system, prompt and purpose', async () => {
    const custom = await startBedrockStandin({ respond: (r) => `${r.purpose}:${r.modelId}:${r.system}` });
    try {
      const llm = new BedrockLlm({ modelId: 'my-model', region: 'us-east-1', endpoint: custom.url });
      const res = await llm.generate({ purpose: 'sql', system: 'sys', prompt: '<question>q</question>', maxTokens: 5 });
      llm.destroy();
      assert.equal(res.text, 'sql:my-model:sys');
      assert.equal(custom.requests.length, 1);
    } finally {
      await custom.stop();
    }
  });
});
