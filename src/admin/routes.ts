/**
 * The admin API under /v1/admin/ (the handler has already checked the admin role):
 *
 *   GET  templates                                   names, published version, every version (no text)
 *   GET  templates/{name}/versions/{v}               one version with its text and placeholder check
 *   POST templates/{name}/drafts                     {system, body, changeNote} → 201 a new draft
 *   PUT  templates/{name}/versions/{v}               {system, body, changeNote} edit a draft
 *   POST templates/{name}/versions/{v}/preview       {member, person?, question} → prompt, SQL, validator verdict
 *   POST templates/{name}/versions/{v}/eval          → 202 {jobId}; poll GET eval/{jobId}
 *   GET  eval/{jobId}                                progress (done/total) and per-case results with the diff
 *   POST templates/{name}/versions/{v}/publish       {note} → only a draft that passed its evaluation
 *   POST templates/{name}/rollback                   {version, note} → an earlier published version again
 *   GET  history[?name=sql]                          who changed what
 */
import { randomUUID } from 'node:crypto';
import type { Identity } from '../auth/identity.ts';
import type { MemberScope, TemplateName } from '../core/ports.ts';
import { Reason } from '../core/reasons.ts';
import type { EvalCase } from '../eval/cases.ts';
import { withTemplate } from '../eval/run.ts';
import { extractSql } from '../generate/extract.ts';
import { checkPlaceholders, TEMPLATE_PLACEHOLDERS } from '../generate/placeholders.ts';
import { renderSqlPrompt } from '../generate/render.ts';
import { HttpError } from '../http/errors.ts';
import { type AskPorts, ask } from '../pipeline/ask.ts';
import { isTemplateName, type PgPromptStore, TemplateStoreError } from '../prompts/pg-store.ts';
import { LIMITS } from '../schema/catalog.ts';
import { validateSql } from '../validate/index.ts';
import type { EvalJobs } from './eval-jobs.ts';

export interface AdminContext {
  readonly store: PgPromptStore;
  readonly ports: AskPorts;
  readonly jobs: EvalJobs;
  readonly cases: () => Promise<readonly EvalCase[]>;
  readonly identity: Identity;
}

export interface AdminRequest {
  readonly method: string;
  /** The path after /v1/admin/, without leading or trailing slashes. */
  readonly path: string;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
}

export interface AdminResponse {
  readonly status: number;
  readonly body: unknown;
}

const MAX_TEXT = 40_000;

/**
 * Routes one admin request. Throws HttpError for 400/404/405/409.
 * @example
 * await handleAdmin({ method: 'GET', path: 'templates', query: {}, body: undefined }, ctx)
 */
export async function handleAdmin(req: AdminRequest, ctx: AdminContext): Promise<AdminResponse> {
  try {
    return await dispatch(req, ctx);
  } catch (err) {
    if (err instanceof TemplateStoreError)
      throw new HttpError(err.status, err.code, err.message, { cause: err.details });
    throw err;
  }
}

async function dispatch(req: AdminRequest, ctx: AdminContext): Promise<AdminResponse> {
  const parts = req.path.split('/').filter(Boolean);
  const [a, b, c, d, e] = parts;
  const actor = ctx.identity.subject;
  const route = (method: string, ok: boolean) => ok && allow(req.method, method);

  if (route('GET', a === 'templates' && parts.length === 1)) return ok(await listTemplates(ctx));
  if (route('GET', a === 'history' && parts.length === 1)) {
    const name = req.query.name === undefined ? undefined : templateName(req.query.name);
    return ok({ events: await ctx.store.history(name) });
  }
  if (route('GET', a === 'eval' && parts.length === 2)) {
    const job = await ctx.jobs.get(b ?? '');
    if (!job) throw new HttpError(404, 'JOB_NOT_FOUND', 'No evaluation job with that id.');
    return ok(job);
  }
  if (a !== 'templates' || !b) throw notFound();
  const name = templateName(b);

  if (route('POST', c === 'drafts' && parts.length === 3)) {
    const text = templateText(req.body);
    return { status: 201, body: withChecks(await ctx.store.createDraft(name, text, actor)) };
  }
  if (route('POST', c === 'rollback' && parts.length === 3)) {
    const body = objectBody(req.body);
    const version = versionOf(body.version);
    return ok(await ctx.store.rollback(name, version, actor, noteOf(body.note)));
  }
  if (c !== 'versions' || d === undefined) throw notFound();
  const version = versionOf(d);

  if (parts.length === 4) {
    if (req.method === 'GET') return ok(withChecks(await ctx.store.get(name, version)));
    if (req.method === 'PUT')
      return ok(withChecks(await ctx.store.updateDraft(name, version, templateText(req.body), actor)));
    throw methodNotAllowed();
  }
  if (route('POST', e === 'preview' && parts.length === 5)) return ok(await preview(name, version, req.body, ctx));
  if (route('POST', e === 'eval' && parts.length === 5)) {
    const draft = await ctx.store.get(name, version);
    if (draft.status !== 'draft')
      throw new HttpError(409, 'NOT_A_DRAFT', `Version ${version} is ${draft.status}; evaluate a draft.`);
    const job = await ctx.jobs.start(draft, actor);
    return { status: 202, body: { jobId: job.id, total: job.total } };
  }
  if (route('POST', e === 'publish' && parts.length === 5)) {
    const body = req.body === undefined ? {} : objectBody(req.body);
    return ok(await ctx.store.publish(name, version, actor, noteOf(body.note)));
  }
  throw notFound();
}

function allow(actual: string, wanted: string): boolean {
  if (actual !== wanted) throw methodNotAllowed();
  return true;
}

const ok = (body: unknown): AdminResponse => ({ status: 200, body });
const notFound = () => new HttpError(404, 'NOT_FOUND', 'No such admin endpoint.');
const methodNotAllowed = () => new HttpError(405, 'METHOD_NOT_ALLOWED', 'That method is not allowed here.');

async function listTemplates(ctx: AdminContext) {
  const versions = await ctx.store.list();
  return {
    templates: (Object.keys(TEMPLATE_PLACEHOLDERS) as TemplateName[]).map((name) => {
      const mine = versions.filter((v) => v.name === name);
      return {
        name,
        placeholders: TEMPLATE_PLACEHOLDERS[name],
        publishedVersion: mine.find((v) => v.status === 'published')?.version ?? null,
        versions: mine,
      };
    }),
  };
}

/** A version with its placeholder check, so the page can show found / missing / unknown. */
function withChecks<T extends { name: TemplateName; system: string; body: string }>(v: T) {
  return { ...v, placeholders: checkPlaceholders(v.name, v.system, v.body) };
}

function templateName(value: string): TemplateName {
  if (!isTemplateName(value)) throw new HttpError(404, 'TEMPLATE_NOT_FOUND', 'Templates are "sql" and "summary".');
  return value;
}

function versionOf(value: unknown): number {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new HttpError(400, 'BAD_VERSION', 'A version is a whole number from 1.');
  return n;
}

function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 'BAD_JSON', 'The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

function noteOf(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value !== 'string' || value.length > 2000)
    throw new HttpError(400, 'BAD_NOTE', 'A note is text of at most 2000 characters.');
  return value;
}

function templateText(body: unknown): { system: string; body: string; changeNote: string } {
  const b = objectBody(body);
  for (const key of ['system', 'body'] as const) {
    const v = b[key];
    if (typeof v !== 'string' || v.trim() === '' || v.length > MAX_TEXT)
      throw new HttpError(400, 'BAD_TEMPLATE', `"${key}" must be non-empty text of at most ${MAX_TEXT} characters.`);
  }
  return { system: b.system as string, body: b.body as string, changeNote: noteOf(b.changeNote) };
}

/**
 * Renders a version for a sample question and member. SQL template: the prompt, the model's
 * reply, the extracted SQL and the validator's verdict (no rows). Summary template: the answer
 * the pipeline gives with this version.
 */
async function preview(name: TemplateName, version: number, raw: unknown, ctx: AdminContext) {
  const body = objectBody(raw);
  const member = body.member;
  if (typeof member !== 'string' || !/^[1-9]\d{9}$/.test(member))
    throw new HttpError(400, 'BAD_MEMBER', '"member" must be a 10-digit member id.');
  const person = body.person;
  if (
    person !== undefined &&
    (typeof person !== 'string' || !/^\d{10}-\d{2}$/.test(person) || !person.startsWith(`${member}-`))
  )
    throw new HttpError(400, 'BAD_PERSON', '"person" must be someone in that family (<member>-NN).');
  const question = body.question;
  if (typeof question !== 'string' || question.trim() === '' || question.length > LIMITS.questionMaxChars)
    throw new HttpError(
      400,
      'QUESTION_MISSING',
      `"question" must be text of 1 to ${LIMITS.questionMaxChars} characters.`,
    );
  const tpl = await ctx.store.get(name, version);
  const scope: MemberScope = { memberId: member, ...(typeof person === 'string' ? { personId: person } : {}) };
  const placeholders = checkPlaceholders(name, tpl.system, tpl.body);

  if (name === 'summary') {
    const r = await ask(
      { requestId: `preview-${randomUUID()}`, scope, question },
      { ...ctx.ports, prompts: withTemplate(ctx.ports.prompts, tpl) },
    );
    return { name, version, placeholders, status: r.status, code: r.code, answer: r.answer, sql: r.sql ?? null };
  }
  const asker = (await ctx.ports.db.describeAsker(scope)) ?? { name: 'Member', relationship: 'subscriber' as const };
  const today = ctx.ports.clock.now().toISOString().slice(0, 10);
  const rendered = renderSqlPrompt(tpl, { memberId: member, question: question.trim(), asker, today });
  const reply = await ctx.ports.llm.generate({ purpose: 'sql', ...rendered, maxTokens: 600 });
  const extracted = extractSql(reply.text);
  const validation =
    extracted.kind === 'sql'
      ? validateSql(extracted.sql, scope)
      : { ok: false as const, code: extracted.kind === 'cannot_answer' ? Reason.CANNOT_ANSWER : Reason.LLM_NO_SQL };
  return {
    name,
    version,
    placeholders,
    system: rendered.system,
    prompt: rendered.prompt,
    reply: reply.text,
    modelId: reply.modelId,
    sql: extracted.kind === 'sql' ? extracted.sql : null,
    validation: validation.ok ? { ok: true } : { ok: false, code: validation.code },
  };
}
