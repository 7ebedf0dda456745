import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { createDevIssuer, DEV_AUDIENCE } from './dev-issuer.ts';

const MEMBER = { memberId: '1234567890', personId: '1234567890-01' };

describe('createDevIssuer', () => {
  test('defaults: issuer on 127.0.0.1:<port>/dev, audience claims-assistant-local', async () => {
    const dev = await createDevIssuer({ port: 4321 });
    assert.equal(dev.issuer, 'http://127.0.0.1:4321/dev');
    assert.equal(dev.audience, DEV_AUDIENCE);
    assert.equal(DEV_AUDIENCE, 'claims-assistant-local');
    assert.equal(dev.jwksPath, '/.well-known/jwks.json');
    assert.equal(dev.jwksUrl, 'http://127.0.0.1:4321/.well-known/jwks.json');
  });

  test('the JWKS holds one public RS256 signing key and no private material', async () => {
    const dev = await createDevIssuer();
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
    const [a, b] = await Promise.all([createDevIssuer(), createDevIssuer()]);
    assert.notEqual(a.jwks().keys[0]?.n, b.jwks().keys[0]?.n);
    assert.notEqual(a.jwks().keys[0]?.kid, b.jwks().keys[0]?.kid);
  });

  test('an ID token carries Cognito-like claims', async () => {
    const dev = await createDevIssuer({ issuer: 'http://127.0.0.1:9/dev', audience: 'aud-1' });
    const before = Math.floor(Date.now() / 1000);
    const token = await dev.issue({ ...MEMBER, role: 'admin', ttlSeconds: 600 });
    const header = decodeProtectedHeader(token);
    assert.equal(header.alg, 'RS256');
    assert.equal(header.kid, dev.jwks().keys[0]?.kid);
    const claims = decodeJwt(token);
    assert.equal(claims.iss, 'http://127.0.0.1:9/dev');
    assert.equal(claims.aud, 'aud-1');
    assert.equal(claims.token_use, 'id');
    assert.equal(claims['custom:member_id'], MEMBER.memberId);
    assert.equal(claims['custom:person_id'], MEMBER.personId);
    assert.equal(claims['custom:role'], 'admin');
    assert.match(String(claims.sub), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.ok(typeof claims.iat === 'number' && claims.iat >= before && claims.iat <= before + 2);
    assert.equal(claims.exp, claims.iat + 600);
    assert.equal(claims.client_id, undefined);
  });

  test('sub is stable per person and differs between people', async () => {
    const dev = await createDevIssuer();
    const a1 = decodeJwt(await dev.issue(MEMBER)).sub;
    const a2 = decodeJwt(await dev.issue({ ...MEMBER, role: 'admin' })).sub;
    const b = decodeJwt(await dev.issue({ ...MEMBER, personId: '1234567890-02' })).sub;
    assert.equal(a1, a2);
    assert.notEqual(a1, b);
  });

  test('defaults: role member, one hour', async () => {
    const claims = decodeJwt(await (await createDevIssuer()).issue(MEMBER));
    assert.equal(claims['custom:role'], 'member');
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 3600);
  });

  test('an access token carries client_id instead of aud', async () => {
    const dev = await createDevIssuer();
    const claims = decodeJwt(await dev.issue({ ...MEMBER, tokenUse: 'access' }));
    assert.equal(claims.token_use, 'access');
    assert.equal(claims.client_id, dev.audience);
    assert.equal(claims.aud, undefined);
  });

  test('refuses to mint malformed identities or non-positive lifetimes', async () => {
    const dev = await createDevIssuer();
    await assert.rejects(dev.issue({ memberId: '12345', personId: '12345-01' }));
    await assert.rejects(dev.issue({ memberId: '1234567890', personId: '9999999999-01' }));
    await assert.rejects(dev.issue({ ...MEMBER, role: 'root' as 'admin' }));
    await assert.rejects(dev.issue({ ...MEMBER, ttlSeconds: 0 }), RangeError);
    await assert.rejects(dev.issue({ ...MEMBER, ttlSeconds: 1.5 }), RangeError);
  });
});
