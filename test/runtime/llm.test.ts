import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigError, parseConfig } from '../../src/config/config.ts';
import { type BedrockStandin, startBedrockStandin } from '../../src/llm/standin.ts';
import { checkLlmConfig, createLlm, lazyLlm, sqlModelId } from '../../src/runtime/llm.ts';

const SQL_PROMPT = [
  '<member_id>1000000001</member_id>',
  '<today>2026-11-25</today>',
  '<asker>Maria Lopez (subscriber)</asker>',
  '<question>How many claims did I have this year?</question>',
].join('\n');

describe('the LLM factory (LLM_PROVIDER)', () => {
  let endpoint: BedrockStandin;
  before(async () => {
    endpoint = await startBedrockStandin();
  });
  after(() => endpoint.stop());

  it('offline: the offline engine behind its own stand-in, through the Bedrock adapter and SDK', async () => {
    const setup = await createLlm(parseConfig({}).llm);
    try {
      assert.equal(setup.modelId, 'offline-engine-v1');
      assert.ok(setup.standin, 'a stand-in tests can script');
      assert.equal(setup.endpoint, setup.standin.url);
      const res = await setup.llm.generate({ purpose: 'sql', system: 's', prompt: SQL_PROMPT, maxTokens: 300 });
      assert.match(res.text, /^<sql>SELECT count\(\*\)/);
      assert.equal(setup.standin.requests.length, 1);
    } finally {
      await setup.close();
    }
  });

  it('bedrock at BEDROCK_ENDPOINT, with a separate summary model', async () => {
    const config = parseConfig({
      LLM_PROVIDER: 'bedrock',
      BEDROCK_MODEL_ID: 'model-a',
      BEDROCK_SUMMARY_MODEL_ID: 'model-b',
      BEDROCK_ENDPOINT: endpoint.url,
    });
    const setup = await createLlm(config.llm);
    try {
      assert.equal(setup.endpoint, endpoint.url);
      assert.equal(setup.standin, undefined);
      endpoint.script(['<sql>NULL</sql>', 'An answer.']);
      await setup.llm.generate({ purpose: 'sql', system: 's', prompt: SQL_PROMPT, maxTokens: 10 });
      await setup.llm.generate({ purpose: 'summary', system: 's', prompt: 'p', maxTokens: 10 });
      assert.deepEqual(
        endpoint.requests.slice(-2).map((r) => r.modelId),
        ['model-a', 'model-b'],
      );
      assert.equal(sqlModelId(config.llm), 'model-a');
    } finally {
      await setup.close();
    }
  });

  it('bedrock without a model id is a ConfigError, before any client is built', async () => {
    const lambda = parseConfig({ AWS_LAMBDA_FUNCTION_NAME: 'f', DB_SECRET_ARN: 'arn:aws:secretsmanager:x' });
    assert.throws(() => checkLlmConfig(lambda.llm), ConfigError);
    await assert.rejects(createLlm(lambda.llm), /BEDROCK_MODEL_ID is required when LLM_PROVIDER is bedrock/);
    const sqlOnly = parseConfig({ LLM_PROVIDER: 'bedrock', BEDROCK_SQL_MODEL_ID: 'm' });
    assert.throws(() => checkLlmConfig(sqlOnly.llm), /BEDROCK_SUMMARY_MODEL_ID/);
  });

  it('lazyLlm builds on the first call, once, and retries a failed build', async () => {
    let builds = 0;
    let fail = true;
    const llm = lazyLlm(async () => {
      builds++;
      if (fail) throw new Error('not yet');
      return {
        llm: { generate: async () => ({ text: 'ok', modelId: 'm', inputTokens: 1, outputTokens: 1 }) },
        modelId: 'm',
        endpoint: 'x',
        close: async () => undefined,
      };
    });
    assert.equal(builds, 0);
    const req = { purpose: 'sql' as const, system: 's', prompt: 'p', maxTokens: 1 };
    await assert.rejects(llm.generate(req), /not yet/);
    fail = false;
    assert.equal((await llm.generate(req)).text, 'ok');
    await llm.generate(req);
    assert.equal(builds, 2);
  });
});
