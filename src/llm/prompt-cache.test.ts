import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foundationModelOf, supportsPromptCaching } from './prompt-cache.ts';

test('models with Bedrock prompt caching, by id, inference profile or ARN', () => {
  for (const id of [
    'anthropic.claude-3-7-sonnet-20250219-v1:0',
    'us.anthropic.claude-3-7-sonnet-20250219-v1:0',
    'anthropic.claude-3-5-haiku-20241022-v1:0',
    'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
    'eu.anthropic.claude-haiku-4-5-20251001-v1:0',
    'anthropic.claude-opus-4-1-20250805-v1:0',
    'us.amazon.nova-pro-v1:0',
    'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0',
  ])
    assert.equal(supportsPromptCaching(id), true, id);
  for (const id of [
    'anthropic.claude-3-sonnet-20240229-v1:0',
    'anthropic.claude-3-haiku-20240307-v1:0',
    'anthropic.claude-3-5-sonnet-20240620-v1:0',
    'offline-engine-v1',
    'meta.llama3-70b-instruct-v1:0',
  ])
    assert.equal(supportsPromptCaching(id), false, id);
  assert.equal(foundationModelOf('apac.amazon.nova-lite-v1:0'), 'amazon.nova-lite-v1:0');
});
