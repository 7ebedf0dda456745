/**
 * `claims serve`: the Lambda handlers behind a local HTTP server, with the chat and admin pages,
 * a dev token issuer (standing in for Cognito) and the demo-family picker. Requests reach the
 * very same handlers as in production, as API Gateway proxy events.
 */

import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { AdminActors } from '../admin/actors.ts';
import { FeedbackReview, withFeedbackCases } from '../admin/feedback.ts';
import { identityFromEvent } from '../auth/api-gateway.ts';
import { createDevIssuer, DEV_AUDIENCE, type DevIssuer } from '../auth/dev-issuer.ts';
import { createDevAuthorizationServer, type DevAuthorizationServer } from '../auth/dev-oauth.ts';
import type { Role } from '../auth/identity.ts';
import { createTokenVerifier } from '../auth/verify.ts';

import { runningOnLambda } from '../config/config.ts';
import { isPersonId } from '../core/ids.ts';
import { listFamilies } from '../db/families.ts';
import { casesFromFile } from '../eval/cases-file.ts';
import { createAdminHandler } from '../handlers/admin.ts';
import { createAskHandler } from '../handlers/ask.ts';
import { createConversationsHandler } from '../handlers/conversations.ts';
import { createFeedbackHandler } from '../handlers/feedback.ts';
import { createHealthHandler } from '../handlers/health.ts';
import type { HttpResult } from '../handlers/lambda-stream.ts';
import { createOpenApiHandler } from '../handlers/openapi.ts';
import { type CorsOptions, preflightResponse, withApiHeaders } from '../http/api-headers.ts';
import { allowedMethods, matchOperation, methodNotAllowed, notFound } from '../http/openapi.ts';
import { json } from '../http/response.ts';
import { buildEvalJobs, templateRepository } from '../runtime/admin.ts';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '../runtime/local.ts';
import { handleDevOAuth } from './dev-oauth-routes.ts';
import { FRONTEND_DIR, FRONTEND_VENDOR_FILES, type PageConfig, SIGN_IN_SCOPE } from './frontend-files.ts';
import { localContext, readBody, toProxyEvent, writeResult } from './proxy-event.ts';
import { onClientError, startupGate } from './startup-gate.ts';

export interface LocalServerOptions extends LocalRuntimeOptions {
  /** 0 or absent: a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Reuse a runtime (tests); otherwise one is started and closed with the server. */
  readonly runtime?: LocalRuntime;
  /** Lifetime of the dev issuer's ID and access tokens from sign-in (default 3600 s; tests shorten it). */
  readonly signInTokenTtlSeconds?: number;
  /** Sees every API (/v1/…) response the server sends (tests check them against the OpenAPI document). */
  readonly onApiResponse?: (response: ObservedApiResponse) => void;
}

/** One API response as sent, for {@link LocalServerOptions.onApiResponse}. */
export interface ObservedApiResponse {
  readonly method: string;
  readonly path: string;
  /** The request's Origin (the only request header the checks need: never the Authorization). */
  readonly requestHeaders: { readonly origin?: string };
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface LocalServer {
  readonly url: string;
  readonly runtime: LocalRuntime;
  readonly issuer: DevIssuer;
  /** The dev issuer's OAuth side (authorization-code flow with PKCE, refresh, revoke, logout). */
  readonly oauth: DevAuthorizationServer;
  stop(): Promise<void>;
}

/** The admin page's app client at the dev issuer (production: the admin user pool's client). */
export const DEV_ADMIN_CLIENT_ID = 'claims-assistant-local-admin';
export { SIGN_IN_SCOPE };

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult | HttpResult>;

/** The pages' policy locally (CloudFront sends production's, which adds Cognito's hosts). */
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};
/** Families offered in the demo picker (the demo families come first in member-id order). */
const PICKER_FAMILIES = 25;

/**
 * Starts the local product.
 * @example
 * const server = await startLocalServer({ port: 3000 });
 * console.log(server.url); // http://127.0.0.1:3000
 */
export async function startLocalServer(opts: LocalServerOptions = {}): Promise<LocalServer> {
  // It serves a dev token issuer: a deployed function must never run it.
  if (runningOnLambda()) throw new Error('the local server is for local development only and must not run in Lambda');
  const runtime = opts.runtime ?? (await startLocalRuntime(opts));
  const ownsRuntime = !opts.runtime;
  const server = http.createServer();
  // The request handler is in place before the port opens: a request that arrives while the
  // routes below are still being built waits for them (bounded), instead of never being answered.
  const gate = startupGate();
  server.on('request', gate.listener);
  server.on('clientError', onClientError);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve);
    });
  } catch (err) {
    gate.fail(err);
    if (ownsRuntime) await runtime.close();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${opts.host ?? '127.0.0.1'}:${port}`;
  const issuer = await createDevIssuer({ issuer: `${url}/dev` });
  // Two app clients, as production has a member pool and an admin pool (admins: role admin only).
  const oauth = createDevAuthorizationServer(issuer, {
    clients: [
      { clientId: DEV_AUDIENCE, role: 'member', redirectUris: [`${url}/`], logoutUris: [`${url}/`] },
      {
        clientId: DEV_ADMIN_CLIENT_ID,
        role: 'admin',
        redirectUris: [`${url}/admin.html`],
        logoutUris: [`${url}/admin.html`],
      },
    ],
    ...(opts.signInTokenTtlSeconds === undefined ? {} : { tokenTtlSeconds: opts.signInTokenTtlSeconds }),
  });
  // The same verifier production uses: it fetches the JWKS over HTTP from this server.
  const verifier = createTokenVerifier({
    issuer: issuer.issuer,
    audience: [issuer.audience, DEV_ADMIN_CLIENT_ID],
    jwksUrl: `${url}${issuer.jwksPath}`,
  });
  const cors: CorsOptions = runtime.config.cors;
  /** What the pages read to sign in (production: a generated /config.json in the static bucket). */
  const pageConfig: PageConfig = {
    devSignIn: true,
    signIn: {
      member: {
        issuer: issuer.issuer,
        clientId: DEV_AUDIENCE,
        redirectUri: `${url}/`,
        logoutUri: `${url}/`,
        scope: SIGN_IN_SCOPE,
      },
      admin: {
        issuer: issuer.issuer,
        clientId: DEV_ADMIN_CLIENT_ID,
        redirectUri: `${url}/admin.html`,
        logoutUri: `${url}/admin.html`,
        scope: SIGN_IN_SCOPE,
      },
    },
  };
  const identify = (event: APIGatewayProxyEvent) => identityFromEvent(event, verifier);
  const askBudgetMs = runtime.config.askBudgetMs;

  // A publish drops the pipeline's cached version when it reads the database, so it is served at once.
  const adminStore = templateRepository(runtime);
  // Evaluation jobs: state in the database (any process may poll), run here in the background.
  // The set is the file's cases plus the ones admins made from members' feedback.
  const review = { feedback: new FeedbackReview(runtime.db.pool), actors: new AdminActors(runtime.db.pool) };
  const cases = withFeedbackCases(casesFromFile(runtime.config.eval.setFile), review.feedback);
  const jobs = buildEvalJobs(runtime, { store: adminStore, cases });
  // Keyed by the OpenAPI document's path templates; every path of the document has a handler.
  const routes: Record<string, { resource: string; handler: Handler }> = {
    '/v1/ask': {
      resource: '/v1/ask',
      handler: createAskHandler(
        {
          ports: async () => runtime.ports,
          identify,
          rateLimit: runtime.rateLimit,
          onResult: runtime.onResult,
          conversations: async () => runtime.conversations,
          cors,
        },
        { streaming: true },
      ),
    },
    '/v1/conversations/{id}': {
      resource: '/v1/conversations/{id}',
      handler: createConversationsHandler({ identify, conversations: async () => runtime.conversations, cors }),
    },
    '/v1/feedback': {
      resource: '/v1/feedback',
      handler: createFeedbackHandler({
        identify,
        parts: async () => ({ conversations: runtime.conversations, feedback: runtime.feedback, db: runtime.db }),
        cors,
      }),
    },
    '/v1/sign-out': {
      resource: '/v1/sign-out',
      handler: createConversationsHandler({ identify, conversations: async () => runtime.conversations, cors }),
    },
    // Admin API: one handler for every /v1/admin/... path, as API Gateway's {proxy+} resource.
    '/v1/admin/{proxy+}': {
      resource: '/v1/admin/{proxy+}',
      handler: createAdminHandler({
        store: async () => adminStore,
        ports: async () => runtime.ports,
        identify,
        cases,
        jobs: async () => jobs,
        review: async () => review,
        cors,
      }),
    },
    '/v1/health': {
      resource: '/v1/health',
      handler: createHealthHandler({ checks: runtime.health, model: () => runtime.llmHealth.report(), cors }),
    },
    '/v1/openapi.json': { resource: '/v1/openapi.json', handler: createOpenApiHandler({ cors }) },
  };

  gate.open((req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch(() => {
      if (!res.headersSent)
        writeResult(res, json(500, { error: { code: 'INTERNAL', message: 'Local server error.' } }));
      else res.end();
    });
  });

  /**
   * An API response with the headers every API answer carries, shown to the observer, sent. A
   * streamed answer is sent as it is written; the observer sees its whole text when it ends.
   */
  function sendApi(
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
    requestId: string,
    result: APIGatewayProxyResult | HttpResult,
  ) {
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    const out = withApiHeaders(result, { requestId, origin, path: pathname, cors });
    const observe = opts.onApiResponse;
    if (observe) {
      const requestHeaders = origin === undefined ? {} : { origin };
      const seen = (body: string) =>
        observe({
          method: req.method ?? 'GET',
          path: pathname,
          requestHeaders,
          status: out.statusCode,
          headers: Object.fromEntries(Object.entries(out.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)])),
          body,
        });
      if (typeof out.body === 'string') seen(out.body);
      else {
        const chunks: Buffer[] = [];
        out.body.on('data', (c: Buffer | string) => chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c)));
        out.body.on('end', () => seen(Buffer.concat(chunks).toString('utf8')));
      }
    }
    writeResult(res, out);
  }

  const errorBody = (code: string, message: string, requestId: string) => ({ error: { code, message }, requestId });

  /**
   * /v1/…: as API Gateway would answer, from the OpenAPI document: a CORS preflight for a path it
   * has, 404 for a path it has not, 405 (with Allow) for a method the path does not take;
   * otherwise the path's handler, as a proxy event.
   */
  async function routeApi(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const requestId = randomUUID();
    const method = req.method ?? 'GET';
    const match = matchOperation(method, pathname);
    if (method === 'OPTIONS' && match.kind !== 'not-found') {
      const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
      return sendApi(
        req,
        res,
        pathname,
        requestId,
        preflightResponse({ requestId, origin, path: pathname, cors }, allowedMethods(match.route)),
      );
    }
    if (match.kind !== 'operation') {
      const err = match.kind === 'not-found' ? notFound() : methodNotAllowed(match.route);
      return sendApi(
        req,
        res,
        pathname,
        requestId,
        json(err.statusCode, errorBody(err.code, err.message, requestId), { ...err.headers }),
      );
    }
    const api =
      routes[match.route.path] ?? (pathname.startsWith('/v1/admin/') ? routes['/v1/admin/{proxy+}'] : undefined);
    if (!api) throw new Error(`no handler for ${match.route.path}`);
    const body = await readBody(req);
    if (body === undefined)
      return sendApi(
        req,
        res,
        pathname,
        requestId,
        json(413, errorBody('BODY_TOO_LARGE', 'The request body is too large.', requestId)),
      );
    const event = toProxyEvent(req, body, api.resource, requestId);
    const context = localContext(requestId, api.resource, askBudgetMs);
    return sendApi(req, res, pathname, requestId, await api.handler(event, context));
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const pathname = new URL(req.url ?? '/', url).pathname;
    // Local only, kept for older pages: not part of the API (the pages read /config.json).
    if (pathname === '/v1/config' && req.method === 'GET') return writeResult(res, json(200, { devSignIn: true }));
    if (pathname.startsWith('/v1/')) return routeApi(req, res, pathname);
    if (pathname === issuer.jwksPath) return writeResult(res, json(200, issuer.jwks()));
    if (pathname === '/config.json' && (req.method === 'GET' || req.method === 'HEAD'))
      return writeResult(res, json(200, pageConfig));
    if (
      await handleDevOAuth(req, res, pathname, {
        issuer,
        server: oauth,
        families: () => pickerFamilies(runtime),
        findPerson: (id) => findPerson(runtime, id),
        readBody,
      })
    )
      return;
    if (pathname === '/dev/people' && req.method === 'GET')
      return writeResult(res, json(200, await pickerFamilies(runtime)));
    if (pathname === '/dev/token' && req.method === 'POST')
      return writeResult(res, await devToken(runtime, issuer, await readBody(req)));
    if (req.method === 'GET' || req.method === 'HEAD') return serveStatic(pathname, res);
    writeResult(res, json(404, { error: { code: 'NOT_FOUND', message: 'No such endpoint.' } }));
  }

  return {
    url,
    runtime,
    issuer,
    oauth,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownsRuntime) await runtime.close();
    },
  };
}

async function pickerFamilies(runtime: LocalRuntime) {
  const families = await listFamilies(runtime.adminPool);
  return families.slice(0, PICKER_FAMILIES).map((f) => ({
    memberId: f.memberId,
    people: f.people.map((p) => ({ personId: p.personId, name: p.name, relationship: p.relationship })),
  }));
}

/** LOCAL ONLY: a signed token for a seeded person, as Cognito would issue after sign-in. */
async function devToken(
  runtime: LocalRuntime,
  issuer: DevIssuer,
  body: string | undefined,
): Promise<APIGatewayProxyResult> {
  let request: { personId?: unknown; role?: unknown };
  try {
    request = JSON.parse(body ?? '');
  } catch {
    return json(400, { error: { code: 'BAD_JSON', message: 'Send {"personId": "..."}.' } });
  }
  const personId = typeof request.personId === 'string' ? request.personId : '';
  const role: Role = request.role === 'admin' ? 'admin' : 'member';
  // Only a well-formed id reaches the database (a NUL byte, for one, is a PostgreSQL error).
  if (!isPersonId(personId))
    return json(404, { error: { code: 'UNKNOWN_PERSON', message: 'No seeded person has that id.' } });
  const found = await runtime.adminPool.query<{ member_id: string }>(
    'SELECT member_id::text AS member_id FROM public.people WHERE person_id = $1',
    [personId],
  );
  const memberId = found.rows[0]?.member_id;
  if (!memberId) return json(404, { error: { code: 'UNKNOWN_PERSON', message: 'No seeded person has that id.' } });
  return json(200, { token: await issuer.issue({ memberId, personId, role }) });
}

/** A seeded person's family, for the dev issuer's picker (undefined: not a seeded person). */
async function findPerson(runtime: LocalRuntime, personId: string) {
  if (!isPersonId(personId)) return undefined;
  const found = await runtime.adminPool.query<{ member_id: string; name: string }>(
    "SELECT member_id::text AS member_id, first_name || ' ' || last_name AS name FROM public.people WHERE person_id = $1",
    [personId],
  );
  const row = found.rows[0];
  return row ? { memberId: row.member_id, personId, name: row.name } : undefined;
}

async function serveStatic(pathname: string, res: ServerResponse): Promise<void> {
  const vendor = FRONTEND_VENDOR_FILES[pathname];
  const relative = pathname === '/' ? 'index.html' : pathname === '/admin' ? 'admin.html' : pathname.slice(1);
  const file = vendor ?? path.resolve(FRONTEND_DIR, relative);
  const type = STATIC_TYPES[path.extname(file)];
  // Only files inside frontend/ (or the listed library files) with a known type: no traversal.
  if ((!vendor && !file.startsWith(FRONTEND_DIR + path.sep)) || !type) {
    return writeResult(res, json(404, { error: { code: 'NOT_FOUND', message: 'Not found.' } }));
  }
  try {
    const content = await readFile(file);
    res.writeHead(200, {
      'content-type': type,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      ...(type.startsWith('text/html')
        ? { 'content-security-policy': PAGE_CSP, 'referrer-policy': 'no-referrer' }
        : {}),
    });
    res.end(content);
  } catch {
    writeResult(res, json(404, { error: { code: 'NOT_FOUND', message: 'Not found.' } }));
  }
}
