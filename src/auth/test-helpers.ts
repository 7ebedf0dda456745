/**
 * Test support for src/auth: a throwaway signer for claims the dev issuer refuses to mint, and
 * hand-built tokens for attacks jose would never produce. (The real HTTP JWKS endpoint used by
 * the integration tests is test/support/jwks-server.ts.)
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK, type JWTPayload, SignJWT } from 'jose';

export interface TestSigner {
  readonly kid: string;
  readonly publicJwk: JWK;
  readonly jwks: JSONWebKeySet;
  /** Signs any payload (RS256 unless another RSA alg is asked for; kid may be borrowed). */
  sign(payload: JWTPayload, header?: { kid?: string; alg?: 'RS256' | 'RS384' | 'RS512' | 'PS256' }): Promise<string>;
}

/**
 * A fresh RSA key pair that signs whatever a test asks for. `pinAlg: false` leaves `alg` out of
 * the published JWK, so only the verifier's own algorithm list stops other RSA algorithms.
 */
export async function createTestSigner({ pinAlg = true } = {}): Promise<TestSigner> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `test-${randomUUID()}`;
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, use: 'sig', ...(pinAlg ? { alg: 'RS256' } : {}) };
  // WebCrypto keys are bound to one algorithm; re-import the same key material for the others.
  const privateJwk = await exportJWK(privateKey);
  return {
    kid,
    publicJwk,
    jwks: { keys: [publicJwk] },
    sign: async (payload, header = {}) => {
      const alg = header.alg ?? 'RS256';
      const key = alg === 'RS256' ? privateKey : await importJWK(privateJwk, alg);
      return new SignJWT(payload).setProtectedHeader({ alg, kid: header.kid ?? kid, typ: 'JWT' }).sign(key);
    },
  };
}

export function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** `header.payload.` with no signature: the classic `alg: none` token. */
export function unsignedToken(header: Record<string, unknown>, payload: JWTPayload): string {
  return `${base64urlJson(header)}.${base64urlJson(payload)}.`;
}

/** An HS256 token whose HMAC secret is `secret` (e.g. the issuer's public key bytes). */
export function hs256Token(header: Record<string, unknown>, payload: JWTPayload, secret: string | Buffer): string {
  const input = `${base64urlJson({ ...header, alg: 'HS256' })}.${base64urlJson(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Claims shaped like a Cognito ID token from our pre-token trigger. */
export function cognitoClaims(opts: { issuer: string; audience: string }, overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: '0b6f1c1e-0000-4000-8000-000000000001',
    iss: opts.issuer,
    aud: opts.audience,
    token_use: 'id',
    iat: now,
    exp: now + 3600,
    'custom:member_id': '1234567890',
    'custom:person_id': '1234567890-01',
    'custom:role': 'member',
    ...overrides,
  };
}

/** A REST API (v1) proxy event with sensible defaults; tests override what they exercise. */
export function proxyEvent(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    body: null,
    headers: {},
    multiValueHeaders: {},
    httpMethod: 'POST',
    isBase64Encoded: false,
    path: '/v1/ask',
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    resource: '/v1/ask',
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      authorizer: null,
      httpMethod: 'POST',
      path: '/v1/ask',
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: '/v1/ask',
      stage: 'test',
      identity: {} as APIGatewayProxyEvent['requestContext']['identity'],
    },
    ...overrides,
  };
}
