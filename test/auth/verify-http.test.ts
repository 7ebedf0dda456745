/**
 * The token verifier on its production path: keys fetched from a real HTTP JWKS endpoint
 * (createRemoteJWKSet). Claim rules on a local key set: src/auth/verify.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader, exportSPKI, importJWK } from 'jose';
import { createDevIssuer, type DevIssuer } from '../../src/auth/dev-issuer.ts';
import { AuthError, type AuthErrorCode } from '../../src/auth/errors.ts';
import {
  base64urlJson,
  cognitoClaims,
  createTestSigner,
  hs256Token,
  unsignedToken,
} from '../../src/auth/test-helpers.ts';
import { createTokenVerifier, type TokenVerifier } from '../../src/auth/verify.ts';
import { type JwksServer, startJwksServer } from '../support/jwks-server.ts';

const MEMBER = { memberId: '1234567890', personId: '1234567890-02' };

function authError(code: AuthErrorCode) {
  return (err: unknown) => {
    assert.ok(err instanceof AuthError, `expected AuthError, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  };
}

describe('createTokenVerifier with a remote JWKS over real HTTP (the production path)', () => {
  let server: JwksServer;
  let dev: DevIssuer;
  let verify: TokenVerifier;

  before(async () => {
    server = await startJwksServer();
    dev = await createDevIssuer({ port: server.port });
    server.serve(() => dev.jwks());
    verify = createTokenVerifier({
      issuer: dev.issuer,
      audience: dev.audience,
      jwksUrl: dev.jwksUrl,
    });
  });
  after(() => server.close());

  test('a valid token yields the identity from its claims, fetching keys over HTTP', async () => {
    const token = await dev.issue(MEMBER);
    const identity = await verify(`Bearer ${token}`);
    assert.deepEqual(identity, { ...MEMBER, role: 'member', subject: decodeJwt(token).sub });
    assert.ok(server.hits() >= 1, 'the JWKS was fetched from the HTTP server');
  });

  test('the scheme is case-insensitive and surrounding spaces are tolerated', async () => {
    const token = await dev.issue(MEMBER);
    assert.equal((await verify(`  bearer ${token} `)).memberId, MEMBER.memberId);
  });

  test('role admin comes through', async () => {
    const identity = await verify(`Bearer ${await dev.issue({ ...MEMBER, role: 'admin' })}`);
    assert.equal(identity.role, 'admin');
  });

  test('an access token (client_id, no aud) is accepted', async () => {
    const token = await dev.issue({ ...MEMBER, tokenUse: 'access' });
    const claims = decodeJwt(token);
    assert.equal(claims.aud, undefined);
    assert.equal(claims.client_id, dev.audience);
    assert.equal((await verify(`Bearer ${token}`)).personId, MEMBER.personId);
  });

  test('a missing or empty header is TOKEN_MISSING', async () => {
    await assert.rejects(verify(undefined), authError('TOKEN_MISSING'));
    await assert.rejects(verify(''), authError('TOKEN_MISSING'));
  });

  test('a header that is not "Bearer <token>" is TOKEN_MISSING', async () => {
    const token = await dev.issue(MEMBER);
    for (const header of [token, `Basic ${token}`, 'Bearer', 'Bearer ', `Token ${token}`, `Bearer ${token} extra`]) {
      await assert.rejects(verify(header), authError('TOKEN_MISSING'), header.slice(0, 12));
    }
  });

  test('an expired token is TOKEN_EXPIRED', async () => {
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    const token = await dev.issue({ ...MEMBER, ttlSeconds: 3600, issuedAt: twoHoursAgo });
    await assert.rejects(verify(`Bearer ${token}`), authError('TOKEN_EXPIRED'));
  });

  test('clock tolerance is small: 2 s past expiry passes, 30 s past does not', async () => {
    const justExpired = await dev.issue({ ...MEMBER, ttlSeconds: 60, issuedAt: new Date(Date.now() - 62_000) });
    assert.equal((await verify(`Bearer ${justExpired}`)).memberId, MEMBER.memberId);
    const expired = await dev.issue({ ...MEMBER, ttlSeconds: 60, issuedAt: new Date(Date.now() - 90_000) });
    await assert.rejects(verify(`Bearer ${expired}`), authError('TOKEN_EXPIRED'));
  });

  test('a token forged by another issuer instance (same iss/aud, its own key) is TOKEN_INVALID', async () => {
    const impostor = await createDevIssuer({ issuer: dev.issuer, audience: dev.audience });
    await assert.rejects(verify(`Bearer ${await impostor.issue(MEMBER)}`), authError('TOKEN_INVALID'));
  });

  test('a token signed by another key but claiming the real kid is TOKEN_INVALID', async () => {
    const signer = await createTestSigner();
    const realKid = dev.jwks().keys[0]?.kid;
    assert.ok(realKid);
    const token = await signer.sign(cognitoClaims(dev), { kid: realKid });
    assert.equal(decodeProtectedHeader(token).kid, realKid);
    await assert.rejects(verify(`Bearer ${token}`), authError('TOKEN_INVALID'));
  });

  test('a verifier for another audience rejects the token', async () => {
    const other = createTokenVerifier({
      issuer: dev.issuer,
      audience: 'other-client',
      jwksUrl: server.url(dev.jwksPath),
    });
    await assert.rejects(other(`Bearer ${await dev.issue(MEMBER)}`), authError('TOKEN_INVALID'));
    await assert.rejects(
      other(`Bearer ${await dev.issue({ ...MEMBER, tokenUse: 'access' })}`),
      authError('TOKEN_INVALID'),
      'client_id is checked too',
    );
  });

  test('a verifier for another issuer rejects the token', async () => {
    const other = createTokenVerifier({
      issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other',
      audience: dev.audience,
      jwksUrl: server.url(dev.jwksPath),
    });
    await assert.rejects(other(`Bearer ${await dev.issue(MEMBER)}`), authError('TOKEN_INVALID'));
  });

  test('an unsigned alg:none token is TOKEN_INVALID', async () => {
    const kid = dev.jwks().keys[0]?.kid;
    for (const alg of ['none', 'None', 'NONE']) {
      const token = unsignedToken({ alg, typ: 'JWT', kid }, cognitoClaims(dev));
      await assert.rejects(verify(`Bearer ${token}`), authError('TOKEN_INVALID'), alg);
    }
  });

  test('an HS256 token whose secret is the public key (PEM or JWK bytes) is TOKEN_INVALID', async () => {
    const jwk = dev.jwks().keys[0];
    assert.ok(jwk);
    const publicKey = await importJWK(jwk, 'RS256');
    assert.ok(!(publicKey instanceof Uint8Array));
    const pem = await exportSPKI(publicKey);
    for (const secret of [pem, pem.trim(), JSON.stringify(jwk), Buffer.from(jwk.n ?? '', 'base64url')]) {
      const token = hs256Token({ typ: 'JWT', kid: jwk.kid }, cognitoClaims(dev), secret);
      await assert.rejects(verify(`Bearer ${token}`), authError('TOKEN_INVALID'));
    }
  });

  test('a genuine token with its payload tampered (another member id) is TOKEN_INVALID', async () => {
    const [header, payload, signature] = (await dev.issue(MEMBER)).split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const tampered = { ...claims, 'custom:member_id': '9999999999', 'custom:person_id': '9999999999-01' };
    const token = `${header}.${base64urlJson(tampered)}.${signature}`;
    await assert.rejects(verify(`Bearer ${token}`), authError('TOKEN_INVALID'));
  });

  test('garbage after Bearer and oversized headers are TOKEN_INVALID', async () => {
    await assert.rejects(verify('Bearer not-a-jwt'), authError('TOKEN_INVALID'));
    await assert.rejects(verify('Bearer a.b.c'), authError('TOKEN_INVALID'));
    await assert.rejects(verify(`Bearer ${'a'.repeat(20_000)}`), authError('TOKEN_INVALID'));
  });

  test('the error body names the code only: no token, claims or member id', async () => {
    const token = await dev.issue({ ...MEMBER, issuedAt: new Date(Date.now() - 7200_000) });
    const err = await verify(`Bearer ${token}`).catch((e: unknown) => e);
    assert.ok(err instanceof AuthError);
    const body = JSON.stringify(err.toJSON());
    assert.deepEqual(Object.keys(err.toJSON().error).sort(), ['code', 'message']);
    for (const secret of [MEMBER.memberId, MEMBER.personId, token.slice(0, 20), '"exp"', 'claim']) {
      assert.ok(!body.includes(secret), `body leaks ${secret}`);
    }
  });
});

describe('createTokenVerifier with an unreachable JWKS endpoint', () => {
  test('an unreachable JWKS endpoint fails closed as TOKEN_INVALID', async () => {
    const down = await startJwksServer();
    await down.close();
    const dev = await createDevIssuer({ port: down.port });
    const verify = createTokenVerifier({ issuer: dev.issuer, audience: dev.audience, jwksUrl: dev.jwksUrl });
    await assert.rejects(verify(`Bearer ${await dev.issue(MEMBER)}`), authError('TOKEN_INVALID'));
  });
});
