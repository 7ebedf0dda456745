import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bedrockLlmFromEnv, toLlmError } from './bedrock.ts';
import { LlmError, LlmErrorKind } from './errors.ts';

const MODEL = 'anthropic.claude-3-sonnet-20240229-v1:0';

describe('toLlmError', () => {
  it('maps SDK exceptions by name: throttling is retryable, a bad request is not; the cause is kept', () => {
    const throttled = toLlmError({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
    assert.equal(throttled.code, 'LLM_ERROR');
    assert.equal(throttled.kind, LlmErrorKind.THROTTLED);
    assert.equal(throttled.httpStatus, 429);
    assert.equal(throttled.retryable, true);
    assert.equal((throttled.cause as { name: string }).name, 'ThrottlingException');
    const invalid = toLlmError({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    assert.equal(invalid.kind, LlmErrorKind.INVALID_REQUEST);
    assert.equal(invalid.retryable, false);
  });

  it('a socket error code is a network error; an LlmError passes through unchanged', () => {
    assert.equal(toLlmError({ name: 'Error', code: 'ECONNREFUSED' }).kind, LlmErrorKind.NETWORK);
    const same = new LlmError('x', { kind: LlmErrorKind.TIMEOUT });
    assert.equal(toLlmError(same), same);
  });

  it('maps by status when the exception name is unknown', () => {
    const e = toLlmError({ name: 'SomethingNew', $metadata: { httpStatusCode: 503 } });
    assert.equal(e.kind, LlmErrorKind.UNAVAILABLE);
    assert.equal(toLlmError('boom').kind, LlmErrorKind.UNKNOWN);
  });
});

describe('bedrockLlmFromEnv', () => {
  it('reads the model, region and endpoint', () => {
    const llm = bedrockLlmFromEnv({
      BEDROCK_MODEL_ID: MODEL,
      AWS_REGION: 'us-west-2',
      BEDROCK_ENDPOINT: 'http://127.0.0.1:1',
    });
    assert.equal(llm.modelId, MODEL);
    llm.destroy();
  });

  it('fails with an LlmError when the model id or region is missing', () => {
    assert.throws(() => bedrockLlmFromEnv({ AWS_REGION: 'us-east-1' }), LlmError);
    assert.throws(() => bedrockLlmFromEnv({ BEDROCK_MODEL_ID: MODEL }), /AWS_REGION/);
  });
});
