import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthError, AuthErrorCode, ForbiddenError } from './errors.ts';

test('AuthError is a 401 with a stable code, a name and a cause kept off the body', () => {
  const cause = new Error('signature verification failed for kid abc');
  const err = new AuthError('TOKEN_INVALID', { cause });
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'AuthError');
  assert.equal(err.statusCode, 401);
  assert.equal(err.code, 'TOKEN_INVALID');
  assert.equal(err.cause, cause);
  const body = err.toJSON();
  assert.deepEqual(Object.keys(body), ['error']);
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message']);
  assert.equal(body.error.code, 'TOKEN_INVALID');
  assert.ok(!JSON.stringify(body).includes('kid abc'));
  assert.equal(JSON.stringify(err), JSON.stringify(body), 'JSON.stringify uses toJSON');
});

test('every code has its own plain message; only FORBIDDEN is a 403', () => {
  const messages = new Set<string>();
  for (const code of Object.values(AuthErrorCode)) {
    const err = new AuthError(code);
    assert.ok(err.message.length > 10 && /^[A-Z]/.test(err.message), code);
    assert.ok(!/jwt|token|claim|jwks|signature/i.test(err.message), `${code} message is technical`);
    messages.add(err.message);
    assert.equal(err.statusCode, code === 'FORBIDDEN' ? 403 : 401, code);
  }
  assert.equal(messages.size, Object.values(AuthErrorCode).length);
});

test('ForbiddenError is an AuthError with 403 FORBIDDEN', () => {
  const err = new ForbiddenError();
  assert.ok(err instanceof AuthError);
  assert.equal(err.name, 'ForbiddenError');
  assert.equal(err.statusCode, 403);
  assert.deepEqual(err.toJSON(), { error: { code: 'FORBIDDEN', message: err.message } });
});
