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
 *   GET  history[?name=sql]                          who changed what (with the admin's name)
 *   GET  feedback                                    members' feedback on answers (no rows, no names) and the cases made from it
 *   POST feedback/{id}/case                          → 201 an evaluation case from that feedback (one click)
 */
import type { AdminActors } from '../admin/actors.ts';
import { AdminError, type AdminErrorCode } from '../admin/errors.ts';
import type { EvalJobs } from '../admin/eval-jobs.ts';
import type { FeedbackReview } from '../admin/feedback.ts';
import { previewTemplate } from '../admin/preview.ts';
import { isTemplateName, type TemplateRepository } from '../admin/template-repository.ts';
import type { Identity } from '../auth/identity.ts';

import { charCount } from '../core/chars.ts';
import { isMemberId, isPersonId } from '../core/ids.ts';
import type { MemberScope, TemplateName } from '../core/ports.ts';
import type { EvalCase } from '../eval/cases.ts';
import { checkPlaceholders, TEMPLATE_PLACEHOLDERS } from '../generate/placeholders.ts';
import { HttpError } from '../http/errors.ts';
import type { AskPorts } from '../pipeline/ask.ts';
import { LIMITS } from '../schema/catalog.ts';

export interface AdminContext {
  /** The template repository (drafts, publish, rollback, history). */
  readonly store: TemplateRepository;
  readonly ports: AskPorts;
  readonly jobs: EvalJobs;
  readonly cases: () => Promise<readonly EvalCase[]>;
  readonly identity: Identity;
  /** Members' feedback and the evaluation cases made from it. */
  readonly feedback?: FeedbackReview;
  /** Admin names for the history. */
  readonly actors?: AdminActors;
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

/**
 * The HTTP status of each admin service error: the one place the admin API maps domain codes to
 * statuses (a new code without a status here does not compile).
 */
export const ADMIN_ERROR_STATUS: Readonly<Record<AdminErrorCode, 404 | 409 | 503>> = {
  TEMPLATE_NOT_FOUND: 404,
  NOT_PUBLISHED: 404,
  NOT_A_DRAFT: 409,
  NOT_A_PREVIOUS_VERSION: 409,
  PLACEHOLDERS: 409,
  NOT_EVALUATED: 409,
  EVAL_FAILED: 409,
  CONFLICT: 409,
  EVAL_NOT_STARTED: 503,
  FEEDBACK_NOT_FOUND: 404,
};

/**
 * Routes one admin request. Throws HttpError for 400/404/405/409/503: the request's own
 * mistakes directly, the services' refusals (AdminError) through ADMIN_ERROR_STATUS.
 * @example
 * await handleAdmin({ method: 'GET', path: 'templates', query: {}, body: undefined }, ctx)
 */
export async function handleAdmin(req: AdminRequest, ctx: AdminContext): Promise<AdminResponse> {
  try {
    return await dispatch(req, ctx);
  } catch (err) {
    if (err instanceof AdminError)
      throw new HttpError(ADMIN_ERROR_STATUS[err.code], err.code, err.message, { cause: err });
    throw err;
  }
}

async function dispatch(req: AdminRequest, ctx: AdminContext): Promise<AdminResponse> {
  // Who this admin is, for the history's names (best effort: never blocks the request).
  await ctx.actors?.remember(ctx.identity).catch(() => undefined);
  const parts = req.path.split('/').filter(Boolean);
  const [a, b, c, d, e] = parts;
  const actor = ctx.identity.subject;
  const route = (method: string, ok: boolean) => ok && allow(req.method, method);

  if (route('GET', a === 'templates' && parts.length === 1)) return ok(await listTemplates(ctx));
  if (route('GET', a === 'history' && parts.length === 1)) {
    const name = req.query.name === undefined ? undefined : templateName(req.query.name);
    const events = await ctx.store.history(name);
    const names = (await ctx.actors?.names(events.map((e) => e.actor))) ?? new Map<string, string>();
    return ok({ events: events.map((e) => ({ ...e, actorName: names.get(e.actor) ?? actorLabel(e.actor) })) });
  }
  if (a === 'feedback' && ctx.feedback) {
    if (route('GET', parts.length === 1))
      return ok({ items: await ctx.feedback.list(), cases: await ctx.feedback.cases() });
    if (route('POST', parts.length === 3 && c === 'case')) {
      const id = /^\d{1,12}$/.test(b ?? '') ? Number(b) : Number.NaN;
      if (!Number.isSafeInteger(id)) throw new HttpError(404, 'FEEDBACK_NOT_FOUND', 'No feedback with that id.');
      return { status: 201, body: { case: await ctx.feedback.toCase(id, actor) } };
    }
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
    const job = await ctx.jobs.start(await ctx.store.get(name, version), actor);
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

/** An actor without a known name: the system, or a shortened subject (never shown bare). */
function actorLabel(actor: string): string {
  if (actor === 'system') return 'the system (shipped files)';
  return `an admin not seen since names were recorded (${actor.slice(0, 8)}…)`;
}
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
  if (typeof value !== 'string' || value.length > LIMITS.changeNoteMaxChars)
    throw new HttpError(400, 'BAD_NOTE', `A note is text of at most ${LIMITS.changeNoteMaxChars} characters.`);
  return value;
}

function templateText(body: unknown): { system: string; body: string; changeNote: string } {
  const b = objectBody(body);
  for (const key of ['system', 'body'] as const) {
    const v = b[key];
    if (typeof v !== 'string' || v.trim() === '' || v.length > LIMITS.templateTextMaxChars)
      throw new HttpError(
        400,
        'BAD_TEMPLATE',
        `"${key}" must be non-empty text of at most ${LIMITS.templateTextMaxChars} characters.`,
      );
  }
  return { system: b.system as string, body: b.body as string, changeNote: noteOf(b.changeNote) };
}

/** A preview request's body: who asks, and the sample question (checked before the version is read). */
async function preview(name: TemplateName, version: number, raw: unknown, ctx: AdminContext) {
  const body = objectBody(raw);
  const member = body.member;
  if (!isMemberId(member)) throw new HttpError(400, 'BAD_MEMBER', '"member" must be a 10-digit member id.');
  const person = body.person;
  if (person !== undefined && !isPersonId(person, member))
    throw new HttpError(400, 'BAD_PERSON', '"person" must be someone in that family (<member>-NN).');
  const question = body.question;
  if (typeof question !== 'string' || question.trim() === '' || charCount(question) > LIMITS.questionMaxChars)
    throw new HttpError(
      400,
      'QUESTION_MISSING',
      `"question" must be text of 1 to ${LIMITS.questionMaxChars} characters.`,
    );
  const scope: MemberScope = { memberId: member, ...(person === undefined ? {} : { personId: person }) };
  return previewTemplate(await ctx.store.get(name, version), { scope, question }, ctx.ports);
}
