import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toLlmError } from './bedrock.ts';
import { LlmError, LlmErrorKind } from './errors.ts';

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
