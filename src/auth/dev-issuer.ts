/**
 * LOCAL ONLY: a token issuer standing in for Cognito on a developer machine and in tests.
 * It mints RS256 tokens with Cognito-like claims from a key pair generated at start (never
 * stored), and publishes the public half as a JWKS that the local server serves at
 * `/.well-known/jwks.json`; the API then verifies through the same `createTokenVerifier`
 * + `jwksUrl` path as production. Its one caller, the local server, refuses to start inside AWS
 * Lambda (src/server/local.ts), so a deployed function never mints tokens.
 */
import { createHash, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWK, SignJWT } from 'jose';
import { type Identity, IdentityClaim, identityFromClaims, type Role } from './identity.ts';

export interface DevIssuerOptions {
  /** Defaults to `http://127.0.0.1:<port>/dev`. */
  readonly issuer?: string;
  /** Used for the default issuer; defaults to 3000. */
  readonly port?: number;
  /** The app client id the tokens are for. */
  readonly audience?: string;
}

export interface IssueOptions {
  readonly memberId: string;
  readonly personId: string;
  readonly role?: Role;
  readonly ttlSeconds?: number;
  /** `id` (default: `aud` = audience) or `access` (`client_id` = audience, no `aud`), as Cognito does. */
  readonly tokenUse?: 'id' | 'access';
  /** Issue time; tests back-date it to mint expired tokens. Defaults to now. */
  readonly issuedAt?: Date;
  /** The app client the token is for (default: the issuer's `audience`). */
  readonly clientId?: string;
  /** OpenID Connect `nonce` from the authorization request (ID tokens). */
  readonly nonce?: string;
  /** The person's display name (`name`, as Cognito puts it in ID tokens with the profile scope). */
  readonly name?: string;
}

export interface DevIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** Where a server should serve {@link DevIssuer.jwks}, relative to its root. */
  readonly jwksPath: '/.well-known/jwks.json';
  /** `jwksPath` on the issuer's origin: what to give `createTokenVerifier({ jwksUrl })`. */
  readonly jwksUrl: string;
  /** The public key set (no private material): serve it as JSON. */
  jwks(): JSONWebKeySet;
  /** A signed token for one person. Refuses claims that {@link identityFromClaims} would reject. */
  issue(options: IssueOptions): Promise<string>;
}

export const DEV_AUDIENCE = 'claims-assistant-local';
const ALG = 'RS256';
const JWKS_PATH = '/.well-known/jwks.json';

/**
 * Generates a fresh key pair and returns an issuer for it (local development and tests only).
 *
 * @example
 * ```ts
 * const dev = await createDevIssuer({ port: 3000 });
 * // serve dev.jwks() at dev.jwksPath on port 3000, then:
 * const verify = createTokenVerifier({ issuer: dev.issuer, audience: dev.audience, jwksUrl: dev.jwksUrl });
 * const token = await dev.issue({ memberId: '1234567890', personId: '1234567890-01' });
 * ```
 */
export async function createDevIssuer(options: DevIssuerOptions = {}): Promise<DevIssuer> {
  const issuer = options.issuer ?? `http://127.0.0.1:${options.port ?? 3000}/dev`;
  const audience = options.audience ?? DEV_AUDIENCE;
  const { privateKey, publicKey } = await generateKeyPair(ALG, { modulusLength: 2048 });
  const kid = `dev-${randomUUID()}`;
  const { kty, n, e } = await exportJWK(publicKey);
  // Pick the public members explicitly so no private field can ever slip into the JWKS.
  const publicJwk: JWK = { kty, n, e, kid, alg: ALG, use: 'sig' };

  return {
    issuer,
    audience,
    jwksPath: JWKS_PATH,
    jwksUrl: new URL(JWKS_PATH, issuer).href,
    jwks: () => ({ keys: [{ ...publicJwk }] }),
    async issue({
      memberId,
      personId,
      role = 'member',
      ttlSeconds = 3600,
      tokenUse = 'id',
      issuedAt,
      clientId,
      nonce,
      name,
    }) {
      if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0)
        throw new RangeError('ttlSeconds must be a positive integer');
      const subject = devSubject(personId);
      const claims = {
        [IdentityClaim.MEMBER_ID]: memberId,
        [IdentityClaim.PERSON_ID]: personId,
        [IdentityClaim.ROLE]: role,
      };
      // Mint only what the API would accept, so a typo fails here rather than as a 401 later.
      identityFromClaims({ sub: subject, ...claims });
      const iat = Math.floor((issuedAt ?? new Date()).getTime() / 1000);
      const client = clientId ?? audience;
      const jwt = new SignJWT({
        ...claims,
        token_use: tokenUse,
        ...(tokenUse === 'access' ? { client_id: client } : {}),
        ...(tokenUse === 'id' && nonce !== undefined ? { nonce } : {}),
        ...(tokenUse === 'id' && name !== undefined ? { name } : {}),
      })
        .setProtectedHeader({ alg: ALG, kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setSubject(subject)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .setJti(randomUUID());
      if (tokenUse === 'id') jwt.setAudience(client);
      return jwt.sign(privateKey);
    },
  };
}

/** A stable, UUID-shaped `sub` per person, like Cognito's, so local audit rows group by user. */
function devSubject(personId: Identity['personId']): string {
  const h = createHash('sha256').update(`claims-assistant-dev:${personId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
