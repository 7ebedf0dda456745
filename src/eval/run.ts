/**
 * Runs an evaluation set through the real pipeline (`ask`) and scores it.
 * SQL cases: the generated (validated) SQL and the reference SQL both run through the `db` port
 * as that member (RLS and all), and their result sets are compared (src/eval/compare.ts).
 * Refusal cases: the outcome's reason code (or status) must equal the expected one.
 */
import { randomUUID } from 'node:crypto';
import type { Stage } from '../core/ask-result.ts';
import type { MemberScope, PromptStore, PromptTemplate, TemplateName } from '../core/ports.ts';
import { InMemoryConversationStore } from '../core/testing.ts';
import { type AskPorts, ask } from '../pipeline/ask.ts';
import { askInConversation } from '../pipeline/conversation.ts';
import type { EvalCase } from './cases.ts';
import { fillReference } from './cases.ts';
import { containsResults, isOrdered, sameResults } from './compare.ts';

/** Rows compared per query: far above anything a member question returns. */
const COMPARE_ROW_CAP = 5000;

export interface CaseResult {
  readonly id: string;
  readonly kind: 'sql' | 'refusal';
  /** The question's kind from the set ('deductible', 'pending', ...), for the report by kind. */
  readonly questionKind: string;
  readonly passed: boolean;
  /** The expected refusal code, or 'rows' for SQL cases. */
  readonly expected: string;
  /** The outcome's reason code. */
  readonly got: string;
  readonly status: string;
  /** Why a case failed, in words without member data ('different rows', 'reference failed'). */
  readonly why?: string;
  readonly timings: Readonly<Record<string, number>>;
}

export interface KindScore {
  readonly total: number;
  readonly passed: number;
  readonly accuracy: number;
}

export interface StageLatency {
  readonly count: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
}

export interface EvalSummary {
  readonly total: number;
  readonly passed: number;
  /** passed / total */
  readonly accuracy: number;
  readonly sqlCases: number;
  readonly sqlPassed: number;
  /** SQL cases whose result set matched the reference. */
  readonly executionAccuracy: number;
  readonly refusalCases: number;
  readonly refusalPassed: number;
  readonly refusalAccuracy: number;
  readonly latency: Partial<Record<Stage | 'total', StageLatency>>;
  /** Passed / total per question kind, in the order kinds first appear in the set. */
  readonly byKind: Readonly<Record<string, KindScore>>;
  readonly modelId?: string;
  readonly templateVersions: Partial<Record<TemplateName, number>>;
  readonly today: string;
  readonly results: CaseResult[];
}

export interface RunEvalOptions {
  /** Called after each case with the number done so far. */
  readonly onCase?: (result: CaseResult, done: number, total: number) => void;
  /** Cases in flight at once (default 2). */
  readonly concurrency?: number;
}

/**
 * Runs every case and returns the summary (never throws for a failing case).
 * @example
 * const summary = await runEval(parseCases(text), runtime.ports, { onCase: (r, done, total) => ... });
 * summary.executionAccuracy // 0.97
 */
export async function runEval(
  cases: readonly EvalCase[],
  ports: AskPorts,
  opts: RunEvalOptions = {},
): Promise<EvalSummary> {
  const today = ports.clock.now().toISOString().slice(0, 10);
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  let done = 0;
  let modelId: string | undefined;
  const versions: Partial<Record<TemplateName, number>> = {};
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      const c = cases[i] as EvalCase;
      const { result, askModel, askVersions } = await runCase(c, ports, today);
      modelId ??= askModel;
      Object.assign(versions, askVersions);
      results[i] = result;
      done += 1;
      opts.onCase?.(result, done, cases.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));
  return summarize(results, today, modelId, versions);
}

async function runCase(c: EvalCase, ports: AskPorts, today: string) {
  const scope: MemberScope = { memberId: c.member, ...(c.person ? { personId: c.person } : {}) };
  const r = c.before
    ? await askFollowUp(c, scope, ports)
    : await ask({ requestId: `eval-${randomUUID()}`, scope, question: c.question }, ports);
  const base = {
    id: c.id,
    questionKind: c.kind ?? c.id.split('-')[0] ?? c.id,
    got: r.code,
    status: r.status,
    timings: r.timings,
  };
  const meta = { askModel: r.modelId, askVersions: r.templateVersions };
  if ('refusal' in c.expected) {
    const want = c.expected.refusal;
    const passed = r.code === want || r.status === want;
    return { result: { ...base, kind: 'refusal' as const, expected: want, passed }, ...meta };
  }
  const sql = fillReference(c.expected.sql, today, c.member);
  const result = { ...base, kind: 'sql' as const, expected: 'rows' };
  let reference: Awaited<ReturnType<AskPorts['db']['runMemberQuery']>>;
  try {
    reference = await ports.db.runMemberQuery(sql, scope, { rowCap: COMPARE_ROW_CAP });
  } catch {
    return { result: { ...result, passed: false, why: 'reference SQL failed' }, ...meta };
  }
  if (!r.sql) return { result: { ...result, passed: false, why: 'no SQL was run' }, ...meta };
  // Right rows but no answer (e.g. a broken summary template) is still a failed question.
  if (r.status === 'error') return { result: { ...result, passed: false, why: 'the pipeline failed' }, ...meta };
  try {
    const got = await ports.db.runMemberQuery(r.sql, scope, { rowCap: COMPARE_ROW_CAP });
    const passed = (c.expected.contains ? containsResults : sameResults)(reference.rows, got.rows, isOrdered(sql));
    return { result: { ...result, passed, ...(passed ? {} : { why: 'different rows' }) }, ...meta };
  } catch {
    return { result: { ...result, passed: false, why: 'generated SQL failed' }, ...meta };
  }
}

/**
 * A multi-turn case: its earlier questions, then its question, in one conversation held in
 * memory for this case only (the evaluation writes nothing to the conversation tables).
 */
async function askFollowUp(c: EvalCase, scope: MemberScope, ports: AskPorts) {
  const conversations = new InMemoryConversationStore();
  const withMemory = { ...ports, conversations };
  let conversationId: string | undefined;
  for (const question of c.before ?? []) {
    const earlier = await askInConversation(
      { requestId: `eval-${randomUUID()}`, scope, question, conversationId },
      withMemory,
    );
    conversationId = earlier.conversationId;
  }
  return askInConversation(
    { requestId: `eval-${randomUUID()}`, scope, question: c.question, conversationId },
    withMemory,
  );
}

function summarize(
  results: CaseResult[],
  today: string,
  modelId: string | undefined,
  templateVersions: Partial<Record<TemplateName, number>>,
): EvalSummary {
  const sql = results.filter((r) => r.kind === 'sql');
  const refusals = results.filter((r) => r.kind === 'refusal');
  const passed = results.filter((r) => r.passed).length;
  const sqlPassed = sql.filter((r) => r.passed).length;
  const refusalPassed = refusals.filter((r) => r.passed).length;
  const latency: Partial<Record<Stage | 'total', StageLatency>> = {};
  for (const stage of ['generate', 'validate', 'retrieve', 'summarize', 'total'] as const) {
    const ms = results.map((r) => r.timings[stage]).filter((v): v is number => typeof v === 'number');
    if (ms.length) latency[stage] = latencyOf(ms);
  }
  const byKind: Record<string, KindScore> = {};
  for (const r of results) {
    const k = byKind[r.questionKind] ?? { total: 0, passed: 0, accuracy: 0 };
    const total = k.total + 1;
    const ok = k.passed + (r.passed ? 1 : 0);
    byKind[r.questionKind] = { total, passed: ok, accuracy: ratio(ok, total) };
  }
  return {
    total: results.length,
    passed,
    accuracy: ratio(passed, results.length),
    sqlCases: sql.length,
    sqlPassed,
    executionAccuracy: ratio(sqlPassed, sql.length),
    refusalCases: refusals.length,
    refusalPassed,
    refusalAccuracy: ratio(refusalPassed, refusals.length),
    latency,
    byKind,
    ...(modelId ? { modelId } : {}),
    templateVersions,
    today,
    results,
  };
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : Math.round((a / b) * 10000) / 10000);

function latencyOf(ms: number[]): StageLatency {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? 0;
  const r = (n: number) => Math.round(n * 10) / 10;
  return { count: s.length, meanMs: r(s.reduce((a, b) => a + b, 0) / s.length), p50Ms: r(at(0.5)), p95Ms: r(at(0.95)) };
}

/**
 * A store that serves `override` for its name and the base store's published version otherwise:
 * how a draft (or `--template NAME@VERSION`) is evaluated without publishing it.
 * @example
 * const ports = { ...runtime.ports, prompts: withTemplate(runtime.ports.prompts, draft) };
 */
export function withTemplate(base: PromptStore, override: PromptTemplate): PromptStore {
  return { load: (name) => (name === override.name ? Promise.resolve(override) : base.load(name)) };
}
