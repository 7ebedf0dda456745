/**
 * `claims serve`: the Lambda handlers behind a local HTTP server, with the chat and admin pages,
 * a dev token issuer (standing in for Cognito) and the demo-family picker. Requests reach the
 * very same handlers as in production, as API Gateway proxy events.
 */
import { readFile } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { AdminActors } from '../admin/actors.ts';
import { FeedbackReview, withFeedbackCases } from '../admin/feedback.ts';
import { identityFromEvent } from '../auth/api-gateway.ts';
import { createDevIssuer, type DevIssuer } from '../auth/dev-issuer.ts';
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
import { json } from '../http/response.ts';
import { buildEvalJobs, templateRepository } from '../runtime/admin.ts';
import { type LocalRuntime, type LocalRuntimeOptions, REPO_ROOT, startLocalRuntime } from '../runtime/local.ts';
import { localContext, readBody, toProxyEvent, writeResult } from './proxy-event.ts';
import { onClientError, startupGate } from './startup-gate.ts';

export interface LocalServerOptions extends LocalRuntimeOptions {
  /** 0 or absent: a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Reuse a runtime (tests); otherwise one is started and closed with the server. */
  readonly runtime?: LocalRuntime;
}

export interface LocalServer {
  readonly url: string;
  readonly runtime: LocalRuntime;
  readonly issuer: DevIssuer;
  stop(): Promise<void>;
}

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult | HttpResult>;

const FRONTEND_DIR = path.join(REPO_ROOT, 'frontend');
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
  // The same verifier production uses: it fetches the JWKS over HTTP from this server.
  const verifier = createTokenVerifier({
    issuer: issuer.issuer,
    audience: issuer.audience,
    jwksUrl: `${url}${issuer.jwksPath}`,
  });
  const identify = (event: APIGatewayProxyEvent) => identityFromEvent(event, verifier);
  const askBudgetMs = runtime.config.askBudgetMs;

  // A publish drops the pipeline's cached version when it reads the database, so it is served at once.
  const adminStore = templateRepository(runtime);
  // Evaluation jobs: state in the database (any process may poll), run here in the background.
  // The set is the file's cases plus the ones admins made from members' feedback.
  const review = { feedback: new FeedbackReview(runtime.db.pool), actors: new AdminActors(runtime.db.pool) };
  const cases = withFeedbackCases(casesFromFile(runtime.config.eval.setFile), review.feedback);
  const jobs = buildEvalJobs(runtime, { store: adminStore, cases });
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
        },
        { streaming: true },
      ),
    },
    '/v1/conversations/{id}': {
      resource: '/v1/conversations/{id}',
      handler: createConversationsHandler({ identify, conversations: async () => runtime.conversations }),
    },
    '/v1/feedback': {
      resource: '/v1/feedback',
      handler: createFeedbackHandler({
        identify,
        parts: async () => ({ conversations: runtime.conversations, feedback: runtime.feedback, db: runtime.db }),
      }),
    },
    '/v1/sign-out': {
      resource: '/v1/sign-out',
      handler: createConversationsHandler({ identify, conversations: async () => runtime.conversations }),
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
      }),
    },
    '/v1/health': {
      resource: '/v1/health',
      handler: createHealthHandler({ checks: runtime.health, model: () => runtime.llmHealth.report() }),
    },
  };

  gate.open((req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch(() => {
      if (!res.headersSent)
        writeResult(res, json(500, { error: { code: 'INTERNAL', message: 'Local server error.' } }));
      else res.end();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const pathname = new URL(req.url ?? '/', url).pathname;
    const api =
      routes[pathname] ??
      (pathname.startsWith('/v1/admin/')
        ? routes['/v1/admin/{proxy+}']
        : pathname.startsWith('/v1/conversations/')
          ? routes['/v1/conversations/{id}']
          : undefined);
    if (api) {
      const body = await readBody(req);
      if (body === undefined)
        return writeResult(
          res,
          json(413, { error: { code: 'BODY_TOO_LARGE', message: 'The request body is too large.' } }),
        );
      const event = toProxyEvent(req, body, api.resource);
      const context = localContext(event.requestContext.requestId, api.resource, askBudgetMs);
      return writeResult(res, await api.handler(event, context));
    }
    if (pathname === issuer.jwksPath) return writeResult(res, json(200, issuer.jwks()));
    if (pathname === '/v1/config') return writeResult(res, json(200, { devSignIn: true }));
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

async function serveStatic(pathname: string, res: ServerResponse): Promise<void> {
  const relative = pathname === '/' ? 'index.html' : pathname === '/admin' ? 'admin.html' : pathname.slice(1);
  const file = path.resolve(FRONTEND_DIR, relative);
  const type = STATIC_TYPES[path.extname(file)];
  // Only files inside frontend/ with a known type: no traversal, no surprises.
  if (!file.startsWith(FRONTEND_DIR + path.sep) || !type) {
    return writeResult(res, json(404, { error: { code: 'NOT_FOUND', message: 'Not found.' } }));
  }
  try {
    const content = await readFile(file);
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
    res.end(content);
  } catch {
    writeResult(res, json(404, { error: { code: 'NOT_FOUND', message: 'Not found.' } }));
  }
}
