/**
 * Verifies a bearer JWT (Cognito-style, RS256) and turns it into an {@link Identity}.
 * Production and the local server take the same path: a remote JWKS fetched over HTTP(S).
 */
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { AuthError } from './errors.ts';
import { type Identity, identityFromClaims } from './identity.ts';

interface VerifierBase {
  /** Exact `iss` expected, e.g. `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`. */
  readonly issuer: string;
  /**
   * The app client id (or ids, e.g. the member and the admin clients): matched against `aud` (ID
   * tokens) or `client_id` (access tokens).
   */
  readonly audience: string | readonly string[];
  /**
   * Oldest token accepted, by its `iat`, in seconds (default {@link DEFAULT_MAX_TOKEN_AGE_SECONDS}:
   * the longest ID/access token lifetime a Cognito user pool allows). Set it to the pool's
   * configured lifetime to refuse anything older, whatever `exp` says.
   */
  readonly maxTokenAgeSeconds?: number;
}

export type TokenVerifierOptions =
  | (VerifierBase & { readonly jwksUrl: string | URL })
  /** A fixed key set, for tests and local tooling. */
  | (VerifierBase & { readonly jwks: JSONWebKeySet });

/** Verifies an `Authorization` header value; resolves the identity or rejects with `AuthError`. */
export type TokenVerifier = (authorizationHeader: string | undefined) => Promise<Identity>;

/** Only RS256: rules out `alg: none` and HS256 signed with the public key as an HMAC secret. */
const ALGORITHMS = ['RS256'];
/** Clock skew tolerated on `exp`, `nbf` and `iat` (a token issued this far in the future still passes). */
const CLOCK_TOLERANCE_SECONDS = 5;
/** Cognito ID and access tokens live at most one day (user pool app client setting, 5 min – 1 day). */
export const DEFAULT_MAX_TOKEN_AGE_SECONDS = 24 * 3600;
const TOKEN_USES: readonly unknown[] = ['id', 'access'];
// Cognito tokens are a few KB; anything far larger is not ours and not worth parsing.
const MAX_TOKEN_LENGTH = 16 * 1024;
const BEARER = /^Bearer +(\S+)$/i;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Creates a verifier for one issuer and app client.
 *
 * @example
 * ```ts
 * const verify = createTokenVerifier({
 *   issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc',
 *   audience: '4example0clientid',
 *   jwksUrl: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc/.well-known/jwks.json',
 * });
 * const identity = await verify(event.headers.Authorization);
 * ```
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const { issuer, maxTokenAgeSeconds = DEFAULT_MAX_TOKEN_AGE_SECONDS } = options;
  const audience = typeof options.audience === 'string' ? [options.audience] : [...options.audience];
  if (!issuer || audience.length === 0 || audience.some((a) => !a))
    throw new TypeError('createTokenVerifier: issuer and audience are required');
  if (!Number.isSafeInteger(maxTokenAgeSeconds) || maxTokenAgeSeconds <= 0) {
    throw new TypeError('createTokenVerifier: maxTokenAgeSeconds must be a positive integer');
  }
  const keys: JWTVerifyGetKey =
    'jwks' in options ? createLocalJWKSet(options.jwks) : createRemoteJWKSet(jwksUrlOf(options.jwksUrl));

  return async (authorizationHeader) => {
    const token = bearerToken(authorizationHeader);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: ALGORITHMS,
        issuer,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        // maxTokenAge makes jose require `iat` and refuse one that is older than this (JWTExpired)
        // or later than now + clockTolerance (issued in the future: JWTClaimValidationFailed).
        maxTokenAge: maxTokenAgeSeconds,
        requiredClaims: ['exp', 'sub', 'iat'],
      }));
    } catch (cause) {
      // jose checks the signature before the claims, so "expired" implies a genuine token.
      throw new AuthError(cause instanceof errors.JWTExpired ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID', { cause });
    }
    checkAudience(payload, audience);
    if (payload.token_use !== undefined && !TOKEN_USES.includes(payload.token_use)) {
      throw new AuthError('TOKEN_INVALID', { cause: new Error('token_use is not id or access') });
    }
    return identityFromClaims(payload);
  };
}

/** The token from `Bearer <token>`; another scheme (or none) counts as no credentials. */
function bearerToken(header: string | undefined): string {
  if (header === undefined) throw new AuthError('TOKEN_MISSING');
  if (header.length > MAX_TOKEN_LENGTH) throw new AuthError('TOKEN_INVALID', { cause: new Error('token too long') });
  const token = BEARER.exec(header.trim())?.[1];
  if (token === undefined) throw new AuthError('TOKEN_MISSING');
  return token;
}

/**
 * Cognito ID tokens carry `aud` = app client id; access tokens carry `client_id` instead.
 * Every one of the two that is present must match, and at least one must be.
 */
function checkAudience(payload: JWTPayload, audience: readonly string[]): void {
  const { aud } = payload;
  const clientId = payload.client_id;
  const audOk =
    aud === undefined ||
    (typeof aud === 'string' && audience.includes(aud)) ||
    (Array.isArray(aud) && aud.some((a) => audience.includes(a)));
  const clientIdOk = clientId === undefined || (typeof clientId === 'string' && audience.includes(clientId));
  if (!audOk || !clientIdOk || (aud === undefined && clientId === undefined)) {
    throw new AuthError('TOKEN_INVALID', { cause: new Error('audience (aud / client_id) does not match') });
  }
}

/** Keys must come over HTTPS, except from this machine (the local dev issuer). */
function jwksUrlOf(value: string | URL): URL {
  const url = new URL(value);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new TypeError('createTokenVerifier: jwksUrl must be https (http only for a loopback host)');
  }
  return url;
}
