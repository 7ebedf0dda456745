/**
 * Token verification rules on a local key set (no network): claims, audience, algorithms, sizes,
 * configuration. The same verifier fetching keys over HTTP: test/auth/verify-http.test.ts.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { AuthError, type AuthErrorCode } from './errors.ts';
import { cognitoClaims, createTestSigner, type TestSigner } from './test-helpers.ts';
import { createTokenVerifier, type TokenVerifier } from './verify.ts';

function authError(code: AuthErrorCode) {
  return (err: unknown) => {
    assert.ok(err instanceof AuthError, `expected AuthError, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  };
}

describe('createTokenVerifier claim rules (local JWKS, tokens the dev issuer refuses to mint)', () => {
  const issuer = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_test';
  const audience = 'client-abc';
  let signer: TestSigner;
  let verify: TokenVerifier;

  before(async () => {
    signer = await createTestSigner();
    verify = createTokenVerifier({ issuer, audience, jwks: signer.jwks });
  });

  const bearer = async (overrides: Record<string, unknown>) =>
    `Bearer ${await signer.sign(cognitoClaims({ issuer, audience }, overrides))}`;

  test('a well-formed token passes (the baseline the other cases change one thing of)', async () => {
    assert.equal((await verify(await bearer({}))).memberId, '1234567890');
  });

  test('a non-digit member id in a validly signed token is CLAIMS_INVALID', async () => {
    for (const memberId of ['12345abcde', '1234567890 OR 1=1', ' 1234567890', '123456789', 1234567890]) {
      await assert.rejects(verify(await bearer({ 'custom:member_id': memberId })), authError('CLAIMS_INVALID'));
    }
  });

  test('missing member claims (an unmapped user) is CLAIMS_INVALID', async () => {
    await assert.rejects(
      verify(await bearer({ 'custom:member_id': undefined, 'custom:person_id': undefined })),
      authError('CLAIMS_INVALID'),
    );
  });

  test('an access token with client_id for another client is TOKEN_INVALID', async () => {
    await assert.rejects(verify(await bearer({ aud: undefined, client_id: 'other' })), authError('TOKEN_INVALID'));
  });

  test('an access token with client_id matching passes; aud and client_id must both match when both present', async () => {
    assert.equal(
      (await verify(await bearer({ aud: undefined, token_use: 'access', client_id: audience }))).role,
      'member',
    );
    await assert.rejects(verify(await bearer({ client_id: 'other' })), authError('TOKEN_INVALID'));
  });

  test('a token with neither aud nor client_id is TOKEN_INVALID', async () => {
    await assert.rejects(verify(await bearer({ aud: undefined })), authError('TOKEN_INVALID'));
  });

  test('aud as an array containing the client is accepted; without it, rejected', async () => {
    assert.equal((await verify(await bearer({ aud: ['x', audience] }))).role, 'member');
    await assert.rejects(verify(await bearer({ aud: ['x', 'y'] })), authError('TOKEN_INVALID'));
  });

  test('token_use other than id/access (e.g. refresh) is TOKEN_INVALID; absent is fine', async () => {
    await assert.rejects(verify(await bearer({ token_use: 'refresh' })), authError('TOKEN_INVALID'));
    assert.equal((await verify(await bearer({ token_use: undefined }))).role, 'member');
  });

  test('only RS256 is accepted, even from a key whose JWK does not pin its alg', async () => {
    const unpinned = await createTestSigner({ pinAlg: false });
    const lenient = createTokenVerifier({ issuer, audience, jwks: unpinned.jwks });
    const claims = cognitoClaims({ issuer, audience });
    assert.equal((await lenient(`Bearer ${await unpinned.sign(claims)}`)).role, 'member');
    for (const alg of ['RS384', 'RS512', 'PS256'] as const) {
      await assert.rejects(lenient(`Bearer ${await unpinned.sign(claims, { alg })}`), authError('TOKEN_INVALID'), alg);
    }
  });

  test('a validly signed but oversized token is refused before any crypto', async () => {
    await assert.rejects(verify(await bearer({ padding: 'x'.repeat(20_000) })), authError('TOKEN_INVALID'));
    assert.equal((await verify(await bearer({ padding: 'x'.repeat(2_000) }))).role, 'member');
  });

  test('a token without exp or sub is rejected', async () => {
    await assert.rejects(verify(await bearer({ exp: undefined })), authError('TOKEN_INVALID'));
    await assert.rejects(verify(await bearer({ sub: undefined })), authError('TOKEN_INVALID'));
  });

  test('a token not yet valid (nbf in the future) is TOKEN_INVALID', async () => {
    const inAMinute = Math.floor(Date.now() / 1000) + 60;
    await assert.rejects(verify(await bearer({ nbf: inAMinute })), authError('TOKEN_INVALID'));
  });

  const now = () => Math.floor(Date.now() / 1000);
  const YEAR = 365 * 24 * 3600;

  test('a token issued in the future (iat) is TOKEN_INVALID, beyond a few seconds of clock skew', async () => {
    for (const ahead of [YEAR * 5, 3600, 60]) {
      const iat = now() + ahead;
      await assert.rejects(verify(await bearer({ iat, exp: iat + 3600 })), authError('TOKEN_INVALID'), `${ahead} s`);
    }
    const skewed = now() + 2;
    assert.equal((await verify(await bearer({ iat: skewed, exp: skewed + 3600 }))).role, 'member', '2 s of skew');
  });

  test('a token older than the user pool allows is TOKEN_EXPIRED, even when its exp is far away', async () => {
    const issued = now() - 25 * 3600;
    await assert.rejects(verify(await bearer({ iat: issued, exp: now() + YEAR })), authError('TOKEN_EXPIRED'));
    const recent = now() - 23 * 3600;
    assert.equal((await verify(await bearer({ iat: recent, exp: now() + 3600 }))).role, 'member');
  });

  test("the maximum age is configurable (the pool's own token lifetime)", async () => {
    const hourly = createTokenVerifier({ issuer, audience, jwks: signer.jwks, maxTokenAgeSeconds: 3600 });
    const twoHoursOld = now() - 7200;
    await assert.rejects(hourly(await bearer({ iat: twoHoursOld, exp: now() + 600 })), authError('TOKEN_EXPIRED'));
    assert.equal((await hourly(await bearer({ iat: now() - 600 }))).role, 'member');
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      assert.throws(
        () => createTokenVerifier({ issuer, audience, jwks: signer.jwks, maxTokenAgeSeconds: bad }),
        TypeError,
      );
    }
  });

  test('a token without iat is TOKEN_INVALID', async () => {
    await assert.rejects(verify(await bearer({ iat: undefined })), authError('TOKEN_INVALID'));
  });
});

describe('createTokenVerifier configuration', () => {
  test('a plain-http JWKS URL is refused unless it is a loopback address', () => {
    const base = { issuer: 'https://issuer.example', audience: 'a' };
    assert.throws(() => createTokenVerifier({ ...base, jwksUrl: 'http://keys.example/jwks.json' }), TypeError);
    assert.doesNotThrow(() => createTokenVerifier({ ...base, jwksUrl: 'https://keys.example/jwks.json' }));
    assert.doesNotThrow(() => createTokenVerifier({ ...base, jwksUrl: 'http://127.0.0.1:8080/jwks.json' }));
  });

  test('issuer and audience are required', () => {
    assert.throws(() => createTokenVerifier({ issuer: '', audience: 'a', jwks: { keys: [] } }), TypeError);
    assert.throws(() => createTokenVerifier({ issuer: 'i', audience: '', jwks: { keys: [] } }), TypeError);
  });
});
