// @ts-check
/**
 * Sign-in for the pages: OpenID Connect's authorization-code flow with PKCE against Cognito's
 * hosted sign-in (locally, the dev issuer, which speaks the same endpoints), through oauth4webapi
 * (served as a file from the package: /vendor/oauth4webapi.js, no build step, no CDN).
 *
 * - The page reads its settings (issuer, client id, redirect and sign-out URIs) from /config.json.
 * - signIn() sends the browser to the issuer's authorization endpoint with a fresh PKCE verifier
 *   (S256), state and nonce; only those wait in sessionStorage, for the one redirect back.
 * - start() completes the redirect back: checks state, exchanges the code with the verifier,
 *   validates the ID token (issuer, audience, expiry, nonce), and removes the code from the URL;
 *   on any other page load it picks up the tab's tokens (renewing them first if they expired).
 * - Tokens live in this tab's sessionStorage (never localStorage, never cookies), so a reload
 *   stays signed in; closing the tab forgets them, and so do a sign-out and a 401 (drop()). The
 *   pages' strict Content-Security-Policy (scripts from the site only) guards what can read them.
 * - Before the ID token expires it is renewed silently with the refresh token (a fetch, no frame).
 * - signOut() revokes the refresh token at the issuer, tells the portal's other tabs to forget
 *   theirs (BroadcastChannel), and ends the hosted sign-in session (Cognito's /logout).
 */
import * as oauth from './vendor/oauth4webapi.js';

/**
 * What /config.json says about one page's sign-in.
 * @typedef {object} SignInSettings
 * @property {string} issuer the OpenID issuer (Cognito: https://cognito-idp.<region>.amazonaws.com/<pool id>)
 * @property {string} clientId the app client (public: no secret; PKCE instead)
 * @property {string} redirectUri where the issuer sends the browser back with the code
 * @property {string} logoutUri where the issuer sends the browser after signing out
 * @property {string} [scope] default "openid email profile"
 * @property {string} [logoutEndpoint] the issuer's sign-out URL (Cognito: https://<domain>/logout); default from discovery
 */

/**
 * /config.json: the pages' one source of sign-in settings.
 * @typedef {{ devSignIn?: boolean, signIn?: { member?: SignInSettings, admin?: SignInSettings } }} PageConfig
 */

/**
 * The ID token's claims the pages use.
 * @typedef {{ sub: string, name?: string, email?: string, 'custom:role'?: string, 'custom:person_id'?: string, exp: number }} SignedInClaims
 */

/**
 * What a session tells the page: signed in (with the claims), or signed out (and why).
 * @typedef {{ signedIn: true, claims: SignedInClaims, idToken: string } | { signedIn: false, reason: 'signed-out' | 'expired' | 'elsewhere' | 'failed' }} SessionState
 */

const PENDING_KEY = 'claims-sign-in-pending';
/** The tokens of one app client in this tab's sessionStorage. */
const TOKENS_KEY = 'claims-sign-in-tokens';
const CHANNEL = 'claims-sign-out';
const DEFAULT_SCOPE = 'openid email profile';

/**
 * Reads /config.json (no cache). Resolves `{}` when it cannot be read.
 * @returns {Promise<PageConfig>}
 */
export async function loadPageConfig() {
  try {
    const res = await fetch('/config.json', { cache: 'no-store', credentials: 'omit' });
    if (!res.ok) return {};
    const body = /** @type {unknown} */ (await res.json());
    return typeof body === 'object' && body !== null ? /** @type {PageConfig} */ (body) : {};
  } catch {
    return {};
  }
}

/**
 * Seconds until the silent renewal: a minute before expiry, or halfway for short-lived tokens.
 * @param {number} expiresIn seconds
 */
export function renewalDelaySeconds(expiresIn) {
  return expiresIn > 120 ? expiresIn - 60 : Math.max(1, expiresIn / 2);
}

/**
 * A sign-in session for one app client.
 *
 * @example
 * const session = createSession(config.signIn.member, (state) => render(state));
 * await session.start();            // completes a redirect back, if this is one
 * button.onclick = () => session.signIn();
 *
 * @param {SignInSettings} settings
 * @param {(state: SessionState) => void} onChange called on every sign-in, renewal and sign-out
 */
export function createSession(settings, onChange) {
  const issuer = new URL(settings.issuer);
  /** @type {oauth.Client} */
  const client = { client_id: settings.clientId };
  const clientAuth = oauth.None();
  // Plain http only for an issuer on this machine (the dev issuer); Cognito is https.
  const local = issuer.protocol === 'http:' && (issuer.hostname === '127.0.0.1' || issuer.hostname === 'localhost');
  const options = local ? { [oauth.allowInsecureRequests]: true } : {};
  /** @type {Promise<oauth.AuthorizationServer> | undefined} */
  let discovered;
  /** @type {{ idToken: string, refreshToken?: string, claims: SignedInClaims } | undefined} */
  let tokens;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : undefined;
  const storageKey = `${TOKENS_KEY}:${settings.clientId}`;

  function store() {
    try {
      if (tokens) sessionStorage.setItem(storageKey, JSON.stringify(tokens));
      else sessionStorage.removeItem(storageKey);
    } catch {
      // Storage disabled or full: the session lives in memory only (a reload signs out).
    }
  }

  /** The tab's stored tokens, if any (anything unreadable counts as none). */
  function stored() {
    try {
      /** @type {unknown} */
      const value = JSON.parse(sessionStorage.getItem(storageKey) ?? 'null');
      if (typeof value !== 'object' || value === null) return undefined;
      const t = /** @type {Record<string, unknown>} */ (value);
      const claims = /** @type {SignedInClaims | null} */ (t.claims);
      if (typeof t.idToken !== 'string' || typeof claims?.sub !== 'string' || typeof claims.exp !== 'number')
        return undefined;
      return {
        idToken: t.idToken,
        ...(typeof t.refreshToken === 'string' ? { refreshToken: t.refreshToken } : {}),
        claims,
      };
    } catch {
      return undefined;
    }
  }

  /** @param {number} expiresIn seconds */
  function schedule(expiresIn) {
    clearTimeout(timer);
    timer = setTimeout(() => void renew(), renewalDelaySeconds(expiresIn) * 1000);
  }

  function server() {
    discovered ??= oauth
      .discoveryRequest(issuer, { algorithm: 'oidc', ...options })
      .then((response) => oauth.processDiscoveryResponse(issuer, response))
      .catch((err) => {
        discovered = undefined;
        throw err;
      });
    return discovered;
  }

  /** @param {SessionState} state */
  function emit(state) {
    onChange(state);
  }

  /** @param {'signed-out' | 'expired' | 'elsewhere' | 'failed'} reason */
  function forget(reason) {
    clearTimeout(timer);
    tokens = undefined;
    store();
    emit({ signedIn: false, reason });
  }

  /**
   * Keeps the tokens of a token response and schedules the renewal.
   * @param {oauth.TokenEndpointResponse} result
   */
  function keep(result) {
    const claims = /** @type {SignedInClaims | undefined} */ (
      /** @type {unknown} */ (oauth.getValidatedIdTokenClaims(result))
    );
    if (!result.id_token || !claims) throw new Error('no ID token');
    const refreshToken = result.refresh_token ?? tokens?.refreshToken;
    tokens = { idToken: result.id_token, ...(refreshToken ? { refreshToken } : {}), claims };
    store();
    schedule(result.expires_in ?? Math.max(1, claims.exp - Math.floor(Date.now() / 1000)));
    emit({ signedIn: true, claims, idToken: result.id_token });
  }

  /** Renews the ID token with the refresh token; a refusal signs the page out ('expired'). */
  async function renew() {
    const refreshToken = tokens?.refreshToken;
    if (!refreshToken) return forget('expired');
    try {
      const as = await server();
      const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshToken, options);
      keep(await oauth.processRefreshTokenResponse(as, client, response));
    } catch {
      forget('expired');
    }
  }

  channel?.addEventListener('message', (event) => {
    if (event.data === 'signed-out' && tokens) forget('elsewhere');
  });
  // A sleeping tab's timer may fire late: renew on return if the token is (nearly) expired.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && tokens && tokens.claims.exp * 1000 - Date.now() < 60_000)
      void renew();
  });

  return {
    /** The current ID token (what the API's authorizer takes), if signed in. */
    get idToken() {
      return tokens?.idToken;
    },

    /** Sends the browser to the hosted sign-in page. */
    async signIn() {
      const as = await server();
      if (!as.authorization_endpoint) throw new Error('the issuer has no authorization endpoint');
      const verifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const nonce = oauth.generateRandomNonce();
      sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, nonce, clientId: settings.clientId }));
      const url = new URL(as.authorization_endpoint);
      url.searchParams.set('client_id', settings.clientId);
      url.searchParams.set('redirect_uri', settings.redirectUri);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('scope', settings.scope ?? DEFAULT_SCOPE);
      url.searchParams.set('state', state);
      url.searchParams.set('nonce', nonce);
      url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
      url.searchParams.set('code_challenge_method', 'S256');
      window.location.assign(url.href);
    },

    /**
     * Completes a redirect back from the issuer (a `code` or an `error` in the URL); otherwise
     * picks up the tab's stored tokens (a reload), renewing them first when the ID token has
     * expired. Resolves true when this page load is signed in.
     * @returns {Promise<boolean>}
     */
    async start() {
      const here = new URL(window.location.href);
      if (!here.searchParams.has('code') && !here.searchParams.has('error')) {
        const saved = stored();
        if (!saved) return false;
        tokens = saved;
        const left = saved.claims.exp - Math.floor(Date.now() / 1000);
        if (left > 10) {
          schedule(left);
          emit({ signedIn: true, claims: saved.claims, idToken: saved.idToken });
        } else await renew();
        return tokens !== undefined;
      }
      const raw = sessionStorage.getItem(PENDING_KEY);
      sessionStorage.removeItem(PENDING_KEY);
      // The code is single-use and must not stay in the address bar or the history.
      window.history.replaceState(null, '', here.pathname + here.hash);
      try {
        /** @type {{ verifier: string, state: string, nonce: string, clientId: string }} */
        const pending = JSON.parse(raw ?? 'null');
        if (!pending || pending.clientId !== settings.clientId) throw new Error('no sign-in was started here');
        const as = await server();
        const params = oauth.validateAuthResponse(as, client, here, pending.state);
        const response = await oauth.authorizationCodeGrantRequest(
          as,
          client,
          clientAuth,
          params,
          settings.redirectUri,
          pending.verifier,
          options,
        );
        keep(
          await oauth.processAuthorizationCodeResponse(as, client, response, {
            expectedNonce: pending.nonce,
            requireIdToken: true,
          }),
        );
        return true;
      } catch {
        forget('failed');
        return false;
      }
    },

    /** Forgets the tokens without a round trip (e.g. after the API said 401: 'expired'). */
    drop() {
      forget('expired');
    },

    /** Revokes the refresh token, signs out the other tabs, and ends the hosted sign-in session. */
    async signOut() {
      const refreshToken = tokens?.refreshToken;
      clearTimeout(timer);
      tokens = undefined;
      store();
      channel?.postMessage('signed-out');
      let as;
      try {
        as = await server();
        if (refreshToken && as.revocation_endpoint) {
          const response = await oauth.revocationRequest(as, client, clientAuth, refreshToken, options);
          await oauth.processRevocationResponse(response);
        }
      } catch {
        // Still sign out here and at the issuer; the refresh token expires on its own.
      }
      const endpoint = settings.logoutEndpoint ?? as?.end_session_endpoint;
      emit({ signedIn: false, reason: 'signed-out' });
      if (!endpoint) return;
      const url = new URL(endpoint);
      url.searchParams.set('client_id', settings.clientId);
      url.searchParams.set('logout_uri', settings.logoutUri);
      window.location.assign(url.href);
    },
  };
}
