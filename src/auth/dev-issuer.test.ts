import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { createDevIssuer, DEV_AUDIENCE, type DevIssuer } from './dev-issuer.ts';

const MEMBER = { memberId: '1234567890', personId: '1234567890-01' };

describe('createDevIssuer', () => {
  // One issuer with default options for the tests that only read or mint (RSA key generation is
  // the slow part of these tests); tests about options or key pairs make their own.
  let dev: DevIssuer;
  before(async () => {
    dev = await createDevIssuer();
  });

  test('defaults: issuer on 127.0.0.1:<port>/dev, audience claims-assistant-local', async () => {
    const local = await createDevIssuer({ port: 4321 });
    assert.equal(local.issuer, 'http://127.0.0.1:4321/dev');
    assert.equal(local.audience, DEV_AUDIENCE);
    assert.equal(DEV_AUDIENCE, 'claims-assistant-local');
    assert.equal(local.jwksPath, '/.well-known/jwks.json');
    assert.equal(local.jwksUrl, 'http://127.0.0.1:4321/.well-known/jwks.json');
  });

  test('the JWKS holds one public RS256 signing key and no private material', () => {
    const { keys } = dev.jwks();
    assert.equal(keys.length, 1);
    const [key] = keys;
    assert.ok(key);
    assert.equal(key.kty, 'RSA');
    assert.equal(key.alg, 'RS256');
    assert.equal(key.use, 'sig');
    assert.ok(key.kid && key.n && key.e);
    for (const privateField of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) {
      assert.ok(!(privateField in key), `JWKS exposes ${privateField}`);
    }
    // Callers mutating the returned object cannot corrupt the issuer's key set.
    delete key.kid;
    assert.ok(dev.jwks().keys[0]?.kid);
  });

  test('each issuer has its own key pair', async () => {
    const [a, b] = [dev, await createDevIssuer()];
    assert.notEqual(a.jwks().keys[0]?.n, b.jwks().keys[0]?.n);
    assert.notEqual(a.jwks().keys[0]?.kid, b.jwks().keys[0]?.kid);
  });

  test('an ID token carries Cognito-like claims', async () => {
    const custom = await createDevIssuer({ issuer: 'http://127.0.0.1:9/dev', audience: 'aud-1' });
    const issuedFrom = Math.floor(Date.now() / 1000);
    const token = await custom.issue({ ...MEMBER, role: 'admin', ttlSeconds: 600 });
    const header = decodeProtectedHeader(token);
    assert.equal(header.alg, 'RS256');
    assert.equal(header.kid, custom.jwks().keys[0]?.kid);
    const claims = decodeJwt(token);
    assert.equal(claims.iss, 'http://127.0.0.1:9/dev');
    assert.equal(claims.aud, 'aud-1');
    assert.equal(claims.token_use, 'id');
    assert.equal(claims['custom:member_id'], MEMBER.memberId);
    assert.equal(claims['custom:person_id'], MEMBER.personId);
    assert.equal(claims['custom:role'], 'admin');
    assert.match(String(claims.sub), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.ok(typeof claims.iat === 'number' && claims.iat >= issuedFrom && claims.iat <= issuedFrom + 2);
    assert.equal(claims.exp, claims.iat + 600);
    assert.equal(claims.client_id, undefined);
  });

  test('sub is stable per person and differs between people', async () => {
    const a1 = decodeJwt(await dev.issue(MEMBER)).sub;
    const a2 = decodeJwt(await dev.issue({ ...MEMBER, role: 'admin' })).sub;
    const b = decodeJwt(await dev.issue({ ...MEMBER, personId: '1234567890-02' })).sub;
    assert.equal(a1, a2);
    assert.notEqual(a1, b);
  });

  test('defaults: role member, one hour', async () => {
    const claims = decodeJwt(await dev.issue(MEMBER));
    assert.equal(claims['custom:role'], 'member');
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 3600);
  });

  test('an access token carries client_id instead of aud', async () => {
    const claims = decodeJwt(await dev.issue({ ...MEMBER, tokenUse: 'access' }));
    assert.equal(claims.token_use, 'access');
    assert.equal(claims.client_id, dev.audience);
    assert.equal(claims.aud, undefined);
  });

  test('refuses to mint malformed identities or non-positive lifetimes', async () => {
    await assert.rejects(dev.issue({ memberId: '12345', personId: '12345-01' }));
    await assert.rejects(dev.issue({ memberId: '1234567890', personId: '9999999999-01' }));
    await assert.rejects(dev.issue({ ...MEMBER, role: 'root' as 'admin' }));
    await assert.rejects(dev.issue({ ...MEMBER, ttlSeconds: 0 }), RangeError);
    await assert.rejects(dev.issue({ ...MEMBER, ttlSeconds: 1.5 }), RangeError);
  });
});
