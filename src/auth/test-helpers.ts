/**
 * Test support for src/auth: a real HTTP JWKS endpoint, a throwaway signer for claims the dev
 * issuer refuses to mint, and hand-built tokens for attacks jose would never produce.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWK, type JWTPayload, SignJWT } from 'jose';

export interface JwksServer {
  readonly port: number;
  /** Sets what the server answers at `/.well-known/jwks.json` (404 until set). */
  serve(jwks: () => JSONWebKeySet): void;
  url(path: string): string;
  /** How many JWKS requests the server has answered. */
  readonly hits: () => number;
  close(): Promise<void>;
}

/** Starts a node:http server on 127.0.0.1 (random port) serving a JWKS. */
export async function startJwksServer(): Promise<JwksServer> {
  let jwks: (() => JSONWebKeySet) | undefined;
  let hits = 0;
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.endsWith('/.well-known/jwks.json') && jwks) {
      hits += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks()));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    serve: (next) => {
      jwks = next;
    },
    url: (path) => `http://127.0.0.1:${port}${path}`,
    hits: () => hits,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

export interface TestSigner {
  readonly kid: string;
  readonly publicJwk: JWK;
  readonly jwks: JSONWebKeySet;
  /** Signs any payload with RS256 (headers may be overridden, e.g. a borrowed kid). */
  sign(payload: JWTPayload, header?: { kid?: string }): Promise<string>;
}

/** A fresh RS256 key pair that signs whatever a test asks for. */
export async function createTestSigner(): Promise<TestSigner> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = `test-${randomUUID()}`;
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return {
    kid,
    publicJwk,
    jwks: { keys: [publicJwk] },
    sign: (payload, header = {}) =>
      new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: header.kid ?? kid, typ: 'JWT' }).sign(privateKey),
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
