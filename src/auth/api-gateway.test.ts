import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { identityFromEvent } from './api-gateway.ts';
import { createDevIssuer, type DevIssuer } from './dev-issuer.ts';
import { AuthError, type AuthErrorCode } from './errors.ts';
import { proxyEvent } from './test-helpers.ts';
import { createTokenVerifier, type TokenVerifier } from './verify.ts';

const ALICE = { memberId: '1111111111', personId: '1111111111-01' };
const BOB = { memberId: '2222222222', personId: '2222222222-03' };

/** Claims as a REST API Cognito authorizer passes them: every value a string. */
const authorizerClaims = (who: typeof ALICE, extra: Record<string, string> = {}) => ({
  sub: 'cognito-sub-1',
  iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool',
  aud: 'client',
  token_use: 'id',
  exp: 'Mon Jan 01 00:00:00 UTC 2099',
  'custom:member_id': who.memberId,
  'custom:person_id': who.personId,
  ...extra,
});

function authError(code: AuthErrorCode) {
  return (err: unknown) => {
    assert.ok(err instanceof AuthError, `expected AuthError, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  };
}

describe('identityFromEvent', () => {
  let dev: DevIssuer;
  let verifier: TokenVerifier;

  before(async () => {
    dev = await createDevIssuer();
    // The dev issuer's own key set, in memory: fetching it over HTTP is test/auth/verify-http.test.ts.
    verifier = createTokenVerifier({ issuer: dev.issuer, audience: dev.audience, jwks: dev.jwks() });
  });

  test('behind API Gateway: the authorizer claims are the identity (no header, no verifier needed)', async () => {
    const event = proxyEvent();
    event.requestContext.authorizer = { claims: authorizerClaims(ALICE, { 'custom:role': 'admin' }) };
    assert.deepEqual(await identityFromEvent(event), { ...ALICE, role: 'admin', subject: 'cognito-sub-1' });
  });

  test('HTTP API JWT authorizer claims (authorizer.jwt.claims) are read too', async () => {
    const event = proxyEvent();
    event.requestContext.authorizer = { jwt: { claims: authorizerClaims(ALICE), scopes: null } };
    assert.equal((await identityFromEvent(event)).memberId, ALICE.memberId);
  });

  test('authorizer claims win over an Authorization header naming someone else', async () => {
    const event = proxyEvent({ headers: { Authorization: `Bearer ${await dev.issue(BOB)}` } });
    event.requestContext.authorizer = { claims: authorizerClaims(ALICE) };
    assert.equal((await identityFromEvent(event, verifier)).memberId, ALICE.memberId);
  });

  test('malformed authorizer claims fail closed: no fallback to the header', async () => {
    const event = proxyEvent({ headers: { Authorization: `Bearer ${await dev.issue(BOB)}` } });
    event.requestContext.authorizer = { claims: authorizerClaims({ memberId: 'abc', personId: ALICE.personId }) };
    await assert.rejects(identityFromEvent(event, verifier), authError('CLAIMS_INVALID'));
  });

  test('without an authorizer (local server): the Authorization header is verified', async () => {
    const event = proxyEvent({ headers: { Authorization: `Bearer ${await dev.issue(ALICE)}` } });
    assert.equal((await identityFromEvent(event, verifier)).personId, ALICE.personId);
    const lower = proxyEvent({ headers: { authorization: `Bearer ${await dev.issue(BOB)}` } });
    assert.equal((await identityFromEvent(lower, verifier)).personId, BOB.personId);
  });

  test('a forged header token is rejected on the header path', async () => {
    const impostor = await createDevIssuer({ issuer: dev.issuer, audience: dev.audience });
    const event = proxyEvent({ headers: { Authorization: `Bearer ${await impostor.issue(BOB)}` } });
    await assert.rejects(identityFromEvent(event, verifier), authError('TOKEN_INVALID'));
  });

  test('no authorizer and no header → TOKEN_MISSING; no authorizer and no verifier → TOKEN_MISSING', async () => {
    await assert.rejects(identityFromEvent(proxyEvent(), verifier), authError('TOKEN_MISSING'));
    const withHeader = proxyEvent({ headers: { Authorization: `Bearer ${await dev.issue(ALICE)}` } });
    await assert.rejects(identityFromEvent(withHeader), authError('TOKEN_MISSING'));
  });

  test('a body and query string naming another member do not change the identity', async () => {
    const event = proxyEvent({
      headers: { Authorization: `Bearer ${await dev.issue(ALICE)}`, 'x-member-id': BOB.memberId },
      body: JSON.stringify({
        question: 'my claims',
        memberId: BOB.memberId,
        member_id: BOB.memberId,
        personId: BOB.personId,
        'custom:member_id': BOB.memberId,
        claims: authorizerClaims(BOB),
        requestContext: { authorizer: { claims: authorizerClaims(BOB) } },
      }),
      queryStringParameters: { memberId: BOB.memberId, member_id: BOB.memberId, 'custom:member_id': BOB.memberId },
      multiValueQueryStringParameters: { memberId: [BOB.memberId] },
      pathParameters: { memberId: BOB.memberId },
    });
    const identity = await identityFromEvent(event, verifier);
    assert.equal(identity.memberId, ALICE.memberId);
    assert.equal(identity.personId, ALICE.personId);
  });

  test('a body alone (no token) naming a member is not an identity', async () => {
    const event = proxyEvent({ body: JSON.stringify({ memberId: BOB.memberId, personId: BOB.personId }) });
    await assert.rejects(identityFromEvent(event, verifier), authError('TOKEN_MISSING'));
  });

  test('conflicting Authorization values (two header spellings or a repeated header) are rejected', async () => {
    const alice = `Bearer ${await dev.issue(ALICE)}`;
    const bob = `Bearer ${await dev.issue(BOB)}`;
    const twoSpellings = proxyEvent({ headers: { Authorization: alice, authorization: bob } });
    await assert.rejects(identityFromEvent(twoSpellings, verifier), authError('TOKEN_INVALID'));
    const repeated = proxyEvent({
      headers: { Authorization: alice },
      multiValueHeaders: { Authorization: [alice, bob] },
    });
    await assert.rejects(identityFromEvent(repeated, verifier), authError('TOKEN_INVALID'));
    const sameTwice = proxyEvent({ headers: { Authorization: alice }, multiValueHeaders: { Authorization: [alice] } });
    assert.equal((await identityFromEvent(sameTwice, verifier)).memberId, ALICE.memberId);
  });
});
