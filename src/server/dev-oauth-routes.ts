/**
 * LOCAL ONLY: the dev issuer's OAuth 2.0 / OpenID Connect endpoints over HTTP, at the paths
 * Cognito's hosted sign-in uses, under the issuer (`<server>/dev`):
 *
 *   GET  /dev/.well-known/openid-configuration   discovery
 *   GET  /dev/oauth2/authorize                    the person picker (or straight back, with a session)
 *   POST /dev/oauth2/authorize                    the picker's form → redirect with the code
 *   POST /dev/oauth2/token                        authorization_code (+ PKCE verifier), refresh_token
 *   POST /dev/oauth2/revoke                       forget a refresh token
 *   GET  /dev/logout?client_id&logout_uri         end the session, back to the page
 *
 * The keys are the issuer's JWKS at /.well-known/jwks.json (served by the local server).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DevIssuer } from '../auth/dev-issuer.ts';
import type { AuthorizationRequest, DevAuthorizationServer, DevPerson } from '../auth/dev-oauth.ts';

/** A family of the picker. */
export interface PickerFamily {
  readonly memberId: string;
  readonly people: readonly { readonly personId: string; readonly name: string; readonly relationship: string }[];
}

export interface DevOAuthRoutesDeps {
  readonly issuer: DevIssuer;
  readonly server: DevAuthorizationServer;
  /** The families the picker lists. */
  readonly families: () => Promise<readonly PickerFamily[]>;
  /** The member a seeded person belongs to (undefined: no such person). */
  readonly findPerson: (personId: string) => Promise<DevPerson | undefined>;
  readonly readBody: (req: IncomingMessage) => Promise<string | undefined>;
}

/** The picker page's policy: no script at all, our stylesheet, forms only to this server. */
const PICKER_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function send(res: ServerResponse, status: number, headers: Record<string, string>, body = ''): void {
  res.writeHead(status, { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, { 'content-type': 'application/json; charset=utf-8', pragma: 'no-cache' }, JSON.stringify(body));
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/** The OpenID Connect discovery document, with Cognito's endpoint paths. */
export function discoveryDocument(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth2/authorize`,
    token_endpoint: `${issuer}/oauth2/token`,
    revocation_endpoint: `${issuer}/oauth2/revoke`,
    end_session_endpoint: `${issuer}/logout`,
    jwks_uri: new URL('/.well-known/jwks.json', issuer).href,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'email', 'profile'],
    token_endpoint_auth_methods_supported: ['none'],
  };
}

const RELATIONSHIP_LABELS: Readonly<Record<string, string>> = {
  subscriber: 'plan holder',
  spouse: 'spouse',
  son: 'son',
  daughter: 'daughter',
};

function pickerPage(request: AuthorizationRequest, families: readonly PickerFamily[], error?: string): string {
  const admin = request.client.role === 'admin';
  const groups = families
    .map((f) => {
      const options = f.people
        .map(
          (p) =>
            `<option value="${escapeHtml(p.personId)}" data-relationship="${escapeHtml(p.relationship)}">${escapeHtml(
              `${p.name} (${RELATIONSHIP_LABELS[p.relationship] ?? 'family member'})`,
            )}</option>`,
        )
        .join('');
      return `<optgroup label="Family ${escapeHtml(f.memberId)}">${options}</optgroup>`;
    })
    .join('');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <title>Sign in (local dev issuer)</title>
    <link rel="stylesheet" href="/styles.css" />
  </head>
  <body>
    <main class="page">
      <h1>Sign in</h1>
      <p class="intro">
        <span class="badge">Local demo only</span> This page stands in for Cognito's hosted sign-in.
        ${admin ? 'Choose who signs in to the <strong>admin</strong> page.' : 'Choose the person who signs in.'}
      </p>
      ${error ? `<p class="signed-in-as" role="alert">${escapeHtml(error)}</p>` : ''}
      <form id="sign-in-form" class="panel sign-in-form" method="post" action="/dev/oauth2/authorize">
        <input type="hidden" name="request_id" value="${escapeHtml(request.id)}" />
        <label for="person-picker">Person</label>
        <div class="sign-in-form__row">
          <select id="person-picker" name="person_id" required>
            <option value="">Choose a person…</option>
            ${groups}
          </select>
          <button type="submit" id="sign-in-button" class="button">Sign in</button>
        </div>
      </form>
    </main>
  </body>
</html>
`;
}

function errorPage(res: ServerResponse, status: number, message: string): void {
  send(
    res,
    status,
    { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PICKER_CSP },
    `<!doctype html><html lang="en"><head><meta charset="utf-8" /><title>Sign-in error</title><link rel="stylesheet" href="/styles.css" /></head><body><main class="page"><h1>Sign-in error</h1><p role="alert">${escapeHtml(message)}</p></main></body></html>`,
  );
}

/**
 * Handles a request under /dev/ if it is one of the OAuth endpoints; resolves false otherwise.
 * @example
 * if (await handleDevOAuth(req, res, pathname, deps)) return;
 */
export async function handleDevOAuth(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  deps: DevOAuthRoutesDeps,
): Promise<boolean> {
  const { issuer, server } = deps;
  const base = new URL(issuer.issuer).pathname; // '/dev'
  if (!pathname.startsWith(`${base}/`)) return false;
  const route = pathname.slice(base.length);
  const method = req.method ?? 'GET';
  const query = new URL(req.url ?? '/', 'http://local').searchParams;

  if (route === '/.well-known/openid-configuration' && method === 'GET') {
    sendJson(res, 200, discoveryDocument(issuer.issuer));
    return true;
  }

  if (route === '/oauth2/authorize' && method === 'GET') {
    const client = server.clients.find((c) => c.clientId === query.get('client_id'));
    const outcome = server.authorize(query, client ? cookieOf(req, server.sessionCookie(client)) : undefined);
    if (outcome.kind === 'error') errorPage(res, 400, `${outcome.error.error}: ${outcome.error.error_description}`);
    else if (outcome.kind === 'pick')
      send(
        res,
        200,
        { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PICKER_CSP },
        pickerPage(outcome.request, await deps.families()),
      );
    else send(res, 302, { location: outcome.location });
    return true;
  }

  if (route === '/oauth2/authorize' && method === 'POST') {
    const form = new URLSearchParams((await deps.readBody(req)) ?? '');
    const person = await deps.findPerson(form.get('person_id') ?? '');
    if (!person) {
      errorPage(res, 400, 'Choose one of the listed people.');
      return true;
    }
    const done = server.complete(form.get('request_id') ?? '', person);
    if (!done) {
      errorPage(res, 400, 'This sign-in has expired. Go back to the page and sign in again.');
      return true;
    }
    const cookie = `${server.sessionCookie(done.client)}=${done.sessionId}; Path=${base}; HttpOnly; SameSite=Lax`;
    send(res, 302, { location: done.location, 'set-cookie': cookie });
    return true;
  }

  if ((route === '/oauth2/token' || route === '/oauth2/revoke') && method === 'POST') {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
    if (type !== 'application/x-www-form-urlencoded') {
      sendJson(res, 400, { error: 'invalid_request', error_description: 'Send application/x-www-form-urlencoded.' });
      return true;
    }
    const form = new URLSearchParams((await deps.readBody(req)) ?? '');
    const out = route === '/oauth2/token' ? await server.token(form) : server.revoke(form);
    sendJson(res, out.status, out.body);
    return true;
  }

  if (route === '/logout' && method === 'GET') {
    const client = server.clients.find((c) => c.clientId === query.get('client_id'));
    const out = server.logout(query, client ? cookieOf(req, server.sessionCookie(client)) : undefined);
    if ('error' in out) errorPage(res, 400, `${out.error.error}: ${out.error.error_description}`);
    else
      send(res, 302, {
        location: out.location,
        'set-cookie': `${server.sessionCookie(out.client)}=; Path=${base}; HttpOnly; SameSite=Lax; Max-Age=0`,
      });
    return true;
  }
  return false;
}
