/**
 * LOCAL ONLY: the OAuth 2.0 / OpenID Connect side of the dev issuer, speaking what Cognito's
 * hosted sign-in speaks, so the pages run their production sign-in code locally and in the browser
 * tests: the authorization-code flow with PKCE (S256 required, as the pages always send it),
 * one-time codes bound to the client, redirect URI and code challenge, a token endpoint for
 * `authorization_code` and `refresh_token` grants (ID token with the request's `nonce`, access
 * token, opaque refresh token), token revocation (RFC 7009), a sign-in session per app client (what
 * Cognito's session cookie does: a second sign-in skips the picker) and logout with Cognito's
 * parameters (`client_id`, `logout_uri`).
 *
 * This module holds the protocol state (in memory, never stored) and decisions; the local server
 * (src/server/dev-oauth-routes.ts) turns them into HTTP, with the person picker page.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DevIssuer } from './dev-issuer.ts';
import type { Role } from './identity.ts';

/** An app client registered at the dev issuer (Cognito: the user pool's app client). */
export interface DevOAuthClient {
  readonly clientId: string;
  /** The role every token for this client carries (member pool / admin pool). */
  readonly role: Role;
  /** Exact redirect URIs (Cognito: callback URLs). */
  readonly redirectUris: readonly string[];
  /** Exact post-logout URIs (Cognito: sign-out URLs). */
  readonly logoutUris: readonly string[];
}

export interface DevOAuthOptions {
  readonly clients: readonly DevOAuthClient[];
  /** Lifetime of ID and access tokens (default 3600 s, as Cognito's app clients here). */
  readonly tokenTtlSeconds?: number;
  /** Lifetime of refresh tokens (default 12 h). */
  readonly refreshTtlSeconds?: number;
  readonly now?: () => number;
}

/** A person the picker signed in. */
export interface DevPerson {
  readonly memberId: string;
  readonly personId: string;
  /** Shown by the pages ("Signed in as …"); the ID token's `name`. */
  readonly name?: string;
}

/** A validated authorization request, waiting for the person picker. */
export interface AuthorizationRequest {
  readonly id: string;
  readonly client: DevOAuthClient;
  readonly redirectUri: string;
  readonly state: string | undefined;
  readonly nonce: string | undefined;
  readonly codeChallenge: string;
  readonly scope: string;
}

/** An OAuth error (RFC 6749 §4.1.2.1 / §5.2). */
export interface OAuthError {
  readonly error: string;
  readonly error_description: string;
}

export type AuthorizeOutcome =
  /** Show the picker (no session, or `prompt=login`). */
  | { readonly kind: 'pick'; readonly request: AuthorizationRequest }
  /** A session exists: back to the client at once with a code. */
  | { readonly kind: 'redirect'; readonly location: string }
  /** The client or redirect URI is wrong: show the error, never redirect (RFC 6749 §4.1.2.1). */
  | { readonly kind: 'error'; readonly error: OAuthError }
  /** Anything else wrong: back to the client with the error. */
  | { readonly kind: 'error-redirect'; readonly location: string };

export interface TokenResponse {
  readonly status: 200 | 400 | 401;
  readonly body: object;
}

export interface DevAuthorizationServer {
  readonly clients: readonly DevOAuthClient[];
  /** GET …/oauth2/authorize: validates the request; `sessionId` is the client's session cookie. */
  authorize(params: URLSearchParams, sessionId: string | undefined): AuthorizeOutcome;
  /** The picker chose a person: a code for the pending request, and a session for the client. */
  complete(
    requestId: string,
    person: DevPerson,
  ): { readonly location: string; readonly sessionId: string; readonly client: DevOAuthClient } | undefined;
  /** POST …/oauth2/token (form parameters). */
  token(params: URLSearchParams): Promise<TokenResponse>;
  /** POST …/oauth2/revoke: forgets a refresh token (always 200, RFC 7009). */
  revoke(params: URLSearchParams): TokenResponse;
  /** GET …/logout: ends the client's session; where to send the browser, or an error. */
  logout(
    params: URLSearchParams,
    sessionId: string | undefined,
  ): { readonly location: string; readonly client: DevOAuthClient } | { readonly error: OAuthError };
  /** The session cookie's name for a client (one per client, as Cognito has one domain per pool). */
  sessionCookie(client: DevOAuthClient): string;
}

const CODE_TTL_MS = 5 * 60_000;
const PENDING_TTL_MS = 10 * 60_000;
/** RFC 7636: 43–128 characters of [A-Z a-z 0-9 - . _ ~]. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

const random = () => randomBytes(32).toString('base64url');

/** BASE64URL(SHA256(verifier)), RFC 7636 §4.2. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const oauthError = (error: string, description: string): OAuthError => ({ error, error_description: description });

/**
 * @example
 * const server = createDevAuthorizationServer(issuer, { clients: [{ clientId: 'claims-assistant-local',
 *   role: 'member', redirectUris: ['http://127.0.0.1:3000/'], logoutUris: ['http://127.0.0.1:3000/'] }] });
 */
export function createDevAuthorizationServer(issuer: DevIssuer, opts: DevOAuthOptions): DevAuthorizationServer {
  const now = opts.now ?? Date.now;
  const tokenTtl = opts.tokenTtlSeconds ?? 3600;
  const refreshTtlMs = (opts.refreshTtlSeconds ?? 12 * 3600) * 1000;
  const clients = new Map(opts.clients.map((c) => [c.clientId, c]));
  const pending = new Map<string, AuthorizationRequest & { readonly expires: number }>();
  const codes = new Map<
    string,
    { readonly request: AuthorizationRequest; readonly person: DevPerson; readonly expires: number }
  >();
  const refreshTokens = new Map<
    string,
    { readonly clientId: string; readonly person: DevPerson; readonly expires: number }
  >();
  const sessions = new Map<string, { readonly clientId: string; readonly person: DevPerson }>();

  const sweep = () => {
    const t = now();
    for (const [k, v] of pending) if (v.expires <= t) pending.delete(k);
    for (const [k, v] of codes) if (v.expires <= t) codes.delete(k);
    for (const [k, v] of refreshTokens) if (v.expires <= t) refreshTokens.delete(k);
  };

  const withQuery = (uri: string, params: Record<string, string | undefined>) => {
    const url = new URL(uri);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
    return url.href;
  };

  const issueCode = (request: AuthorizationRequest, person: DevPerson) => {
    const code = random();
    codes.set(code, { request, person, expires: now() + CODE_TTL_MS });
    return withQuery(request.redirectUri, { code, state: request.state });
  };

  const tokensFor = async (client: DevOAuthClient, person: DevPerson, nonce: string | undefined) => {
    const base = {
      memberId: person.memberId,
      personId: person.personId,
      role: client.role,
      ttlSeconds: tokenTtl,
      clientId: client.clientId,
    };
    return {
      id_token: await issuer.issue({
        ...base,
        tokenUse: 'id',
        ...(nonce === undefined ? {} : { nonce }),
        ...(person.name === undefined ? {} : { name: person.name }),
      }),
      access_token: await issuer.issue({ ...base, tokenUse: 'access' }),
      token_type: 'Bearer',
      expires_in: tokenTtl,
    };
  };

  const clientOf = (params: URLSearchParams) => clients.get(params.get('client_id') ?? '');

  return {
    clients: opts.clients,

    authorize(params, sessionId) {
      sweep();
      const client = clientOf(params);
      if (!client) return { kind: 'error', error: oauthError('invalid_client', 'Unknown client_id.') };
      const redirectUri = params.get('redirect_uri') ?? '';
      if (!client.redirectUris.includes(redirectUri))
        return {
          kind: 'error',
          error: oauthError('invalid_request', 'redirect_uri is not registered for this client.'),
        };
      const state = params.get('state') ?? undefined;
      const back = (error: string, description: string) =>
        ({
          kind: 'error-redirect',
          location: withQuery(redirectUri, { error, error_description: description, state }),
        }) as const;
      if (params.get('response_type') !== 'code')
        return back('unsupported_response_type', 'Only response_type=code is supported.');
      const codeChallenge = params.get('code_challenge') ?? '';
      if (params.get('code_challenge_method') !== 'S256' || !CHALLENGE.test(codeChallenge))
        return back('invalid_request', 'PKCE is required: code_challenge with code_challenge_method=S256.');
      const scope = params.get('scope') ?? '';
      if (!scope.split(' ').includes('openid')) return back('invalid_scope', 'The scope must include openid.');
      const request: AuthorizationRequest = {
        id: random(),
        client,
        redirectUri,
        state,
        nonce: params.get('nonce') ?? undefined,
        codeChallenge,
        scope,
      };
      const session = sessionId ? sessions.get(sessionId) : undefined;
      if (session && session.clientId === client.clientId && params.get('prompt') !== 'login')
        return { kind: 'redirect', location: issueCode(request, session.person) };
      pending.set(request.id, { ...request, expires: now() + PENDING_TTL_MS });
      return { kind: 'pick', request };
    },

    complete(requestId, person) {
      sweep();
      const request = pending.get(requestId);
      if (!request) return undefined;
      pending.delete(requestId);
      const sessionId = random();
      sessions.set(sessionId, { clientId: request.client.clientId, person });
      return { location: issueCode(request, person), sessionId, client: request.client };
    },

    async token(params) {
      sweep();
      const client = clientOf(params);
      if (!client) return { status: 401, body: oauthError('invalid_client', 'Unknown client_id.') };
      const grant = params.get('grant_type');
      if (grant === 'authorization_code') {
        const code = params.get('code') ?? '';
        const entry = codes.get(code);
        codes.delete(code); // one use, whatever happens next
        const verifier = params.get('code_verifier') ?? '';
        if (
          !entry ||
          entry.request.client.clientId !== client.clientId ||
          entry.request.redirectUri !== params.get('redirect_uri') ||
          !VERIFIER.test(verifier) ||
          !sameText(s256(verifier), entry.request.codeChallenge)
        )
          return {
            status: 400,
            body: oauthError('invalid_grant', 'The code, redirect_uri or code_verifier is not valid.'),
          };
        const refresh = random();
        refreshTokens.set(refresh, { clientId: client.clientId, person: entry.person, expires: now() + refreshTtlMs });
        return {
          status: 200,
          body: { ...(await tokensFor(client, entry.person, entry.request.nonce)), refresh_token: refresh },
        };
      }
      if (grant === 'refresh_token') {
        const entry = refreshTokens.get(params.get('refresh_token') ?? '');
        if (!entry || entry.clientId !== client.clientId)
          return { status: 400, body: oauthError('invalid_grant', 'The refresh token is not valid.') };
        // Like Cognito (no rotation): new ID and access tokens, the same refresh token.
        return { status: 200, body: await tokensFor(client, entry.person, undefined) };
      }
      return {
        status: 400,
        body: oauthError('unsupported_grant_type', 'Use authorization_code or refresh_token.'),
      };
    },

    revoke(params) {
      const client = clientOf(params);
      if (!client) return { status: 401, body: oauthError('invalid_client', 'Unknown client_id.') };
      const token = params.get('token') ?? '';
      const entry = refreshTokens.get(token);
      if (entry && entry.clientId === client.clientId) refreshTokens.delete(token);
      return { status: 200, body: {} };
    },

    logout(params, sessionId) {
      const client = clientOf(params);
      if (!client) return { error: oauthError('invalid_client', 'Unknown client_id.') };
      const logoutUri = params.get('logout_uri') ?? '';
      if (!client.logoutUris.includes(logoutUri))
        return { error: oauthError('invalid_request', 'logout_uri is not registered for this client.') };
      if (sessionId && sessions.get(sessionId)?.clientId === client.clientId) sessions.delete(sessionId);
      return { location: logoutUri, client };
    },

    sessionCookie(client) {
      return `claims_dev_session_${client.role}`;
    },
  };
}
