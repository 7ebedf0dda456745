/**
 * Previews a template version on a sample question before it is published. SQL template: the
 * rendered prompt, the model's reply, the extracted SQL and the validator's verdict (no rows are
 * fetched). Summary template: the answer the pipeline gives with this version.
 */
import { randomUUID } from 'node:crypto';
import type { MemberScope } from '../core/ports.ts';
import { Reason } from '../core/reasons.ts';
import { withTemplate } from '../eval/run.ts';
import { extractSql } from '../generate/extract.ts';
import { checkPlaceholders } from '../generate/placeholders.ts';
import { renderSqlPrompt } from '../generate/render.ts';
import { type AskPorts, ask } from '../pipeline/ask.ts';
import { validateSql } from '../validate/index.ts';
import type { TemplateVersion } from './template-repository.ts';

export interface PreviewRequest {
  /** The member (and person) the question is asked as. */
  readonly scope: MemberScope;
  /** The sample question, already checked for length. */
  readonly question: string;
}

/**
 * Runs one version of a template on a sample question through the real ports.
 * @example
 * const out = await previewTemplate(await templates.get('sql', 3), { scope: { memberId }, question }, ports);
 * out.validation // { ok: true } or { ok: false, code }
 */
export async function previewTemplate(tpl: TemplateVersion, req: PreviewRequest, ports: AskPorts) {
  const { name, version } = tpl;
  const { scope, question } = req;
  const placeholders = checkPlaceholders(name, tpl.system, tpl.body);

  if (name === 'summary') {
    const r = await ask(
      { requestId: `preview-${randomUUID()}`, scope, question },
      { ...ports, prompts: withTemplate(ports.prompts, tpl) },
    );
    return { name, version, placeholders, status: r.status, code: r.code, answer: r.answer, sql: r.sql ?? null };
  }
  const asker = (await ports.db.describeAsker(scope)) ?? { name: 'Member', relationship: 'subscriber' as const };
  const today = ports.clock.now().toISOString().slice(0, 10);
  const rendered = renderSqlPrompt(tpl, { memberId: scope.memberId, question: question.trim(), asker, today });
  const reply = await ports.llm.generate({ purpose: 'sql', ...rendered, maxTokens: 600 });
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
