/**
 * Bedrock prompt caching through the real AWS SDK against the local stand-in: the adapter marks
 * the SQL template's static start with a Converse `cachePoint` (for models that support it), the
 * stand-in caches it as Bedrock does (a write, then reads within the TTL, nothing below the
 * minimum size) and reports `cacheReadInputTokens` / `cacheWriteInputTokens` in the usage.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { renderSqlPrompt } from '../../src/generate/render.ts';
import { BedrockLlm } from '../../src/llm/bedrock.ts';
import { type BedrockStandin, startBedrockStandin } from '../../src/llm/standin.ts';
import { FilePromptStore } from '../../src/prompts/file-store.ts';

const PROMPTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../prompts');
const CURRENT = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const OLD = 'anthropic.claude-3-sonnet-20240229-v1:0';
const asker = { name: 'Daniel Whitfield', relationship: 'subscriber' as const };

let standin: BedrockStandin;
const llms: BedrockLlm[] = [];
const llm = (modelId: string, promptCache?: 'auto' | 'on' | 'off') => {
  const made = new BedrockLlm({
    modelId,
    region: 'us-east-1',
    endpoint: standin.url,
    ...(promptCache ? { promptCache } : {}),
  });
  llms.push(made);
  return made;
};
async function sqlRequest(memberId: string, question: string) {
  const tpl = await new FilePromptStore(PROMPTS).load('sql');
  return {
    purpose: 'sql' as const,
    ...renderSqlPrompt(tpl, { memberId, question, asker, today: '2026-11-25' }),
    maxTokens: 600,
  };
}

before(async () => {
  standin = await startBedrockStandin();
});
after(async () => {
  for (const l of llms) l.destroy();
  await standin.stop();
});

describe('prompt caching of the SQL template', () => {
  it('a current Claude: the first ask writes the static start to the cache, the next ones read it', async () => {
    const model = llm(CURRENT); // auto: the model supports prompt caching
    const first = await model.generate(await sqlRequest('1000000001', 'How many claims did I have this year?'));
    const sentFirst = standin.requests.at(-1);
    const second = await model.generate(await sqlRequest('1000000004', 'What did the plan pay for my son last year?'));
    const sentSecond = standin.requests.at(-1);

    assert.ok(sentFirst?.cachedPrefix && sentFirst.cachedPrefix.length > 1000, 'a cachePoint after the static start');
    assert.equal(sentSecond?.cachedPrefix, sentFirst?.cachedPrefix, 'the same static start for another member');
    assert.ok(sentFirst?.prompt.startsWith(sentFirst.cachedPrefix), 'the model reads the same prompt, in order');
    assert.ok(!sentFirst?.cachedPrefix.includes('1000000001'), 'no member input before the cache point');

    assert.ok((first.cacheWriteInputTokens ?? 0) >= 1024, `written: ${first.cacheWriteInputTokens}`);
    assert.equal(first.cacheReadInputTokens, undefined);
    assert.equal(second.cacheReadInputTokens, first.cacheWriteInputTokens, 'read back in full');
    assert.equal(second.cacheWriteInputTokens, undefined);
    assert.ok(second.inputTokens < 300, `only the member's part is billed as input (${second.inputTokens})`);
    assert.match(second.text, /^<sql>SELECT /, 'the answer is unchanged by caching');
  });

  it('a model without prompt caching gets no cache point (auto), and "off" sends none either', async () => {
    await llm(OLD).generate(await sqlRequest('1000000001', 'How many claims did I have this year?'));
    assert.equal(standin.requests.at(-1)?.cachedPrefix, undefined);
    const off = await llm(CURRENT, 'off').generate(await sqlRequest('1000000001', 'How many claims?'));
    assert.equal(standin.requests.at(-1)?.cachedPrefix, undefined);
    assert.equal(off.cacheReadInputTokens, undefined);
    assert.ok(off.inputTokens > 1000, 'everything billed as input');
  });

  it('a prompt without a static start, or one below the minimum size, is not cached', async () => {
    const model = llm(CURRENT, 'on');
    const plain = await model.generate({
      purpose: 'sql',
      system: 'Write SQL.',
      prompt: '<question>q</question>',
      maxTokens: 50,
    });
    assert.equal(standin.requests.at(-1)?.cachedPrefix, undefined);
    assert.equal(plain.cacheWriteInputTokens, undefined);
    const small = await model.generate({
      purpose: 'sql',
      system: 'Write SQL.',
      prompt: 'A short rule.\n<question>How many claims did I have?</question>',
      cacheablePrefixChars: 'A short rule.\n'.length,
      maxTokens: 50,
    });
    assert.equal(standin.requests.at(-1)?.cachedPrefix, 'A short rule.\n', 'the checkpoint was sent');
    assert.equal(small.cacheWriteInputTokens, undefined, 'below 1024 tokens nothing is cached');
    assert.equal(small.cacheReadInputTokens, undefined);
  });
});
