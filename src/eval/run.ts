/**
 * Runs an evaluation set through the real pipeline (`ask`) and scores it.
 * SQL cases: the generated (validated) SQL and the reference SQL both run through the `db` port
 * as that member (RLS and all), and their result sets are compared (src/eval/compare.ts).
 * Refusal cases: the outcome's reason code (or status) must equal the expected one.
 */
import { randomUUID } from 'node:crypto';
import type { AskResult, Stage } from '../core/ask-result.ts';
import { centsOf, countOf, longDate, money } from '../core/format.ts';
import type { Cell, MemberScope, PromptStore, PromptTemplate, Row, TemplateName } from '../core/ports.ts';
import { Reason } from '../core/reasons.ts';
import { firstNameOf, type Roster } from '../core/roster.ts';
import { InMemoryConversationStore } from '../core/testing.ts';
import { type InterpretationParts, interpretSql } from '../interpret/index.ts';
import { type AskPorts, ask } from '../pipeline/ask.ts';
import { askInConversation } from '../pipeline/conversation.ts';
import { notIncludedNote } from '../pipeline/family-privacy.ts';
import type { EvalCase } from './cases.ts';
import { fillReference } from './cases.ts';
import { containsResults, isOrdered, sameClaims } from './compare.ts';

/** Rows compared per query: far above anything a member question returns. */
const COMPARE_ROW_CAP = 5000;

/**
 * - correct: the expected figure (rows, the figure in the answer, the interpretation) or the
 *   expected refusal;
 * - refused: no figure was given where one was expected (a refusal, a different refusal code);
 * - wrong: a figure was stated that is not the expected one, or where none should be (an
 *   answer instead of a refusal, a false "none", a private person's claims): the failure that
 *   matters most, counted separately.
 */
export type Outcome = 'correct' | 'refused' | 'wrong';

export interface CaseResult {
  readonly id: string;
  readonly kind: 'sql' | 'refusal';
  /** The question's kind from the set ('deductible', 'pending', ...), for the report by kind. */
  readonly questionKind: string;
  readonly outcome: Outcome;
  readonly passed: boolean;
  /** The expected refusal code, or 'rows' for SQL cases. */
  readonly expected: string;
  /** The outcome's reason code. */
  readonly got: string;
  readonly status: string;
  /** Why a case failed, in words without member data ('different rows', 'reference failed'). */
  readonly why?: string;
  /** Answered where the claims are private, or named a private person. */
  readonly privacyFailure?: boolean;
  /** The number guard's reason when it replaced the model's summary. */
  readonly summaryGuard?: string;
  readonly timings: Readonly<Record<string, number>>;
}

export interface KindScore {
  readonly total: number;
  readonly passed: number;
  readonly accuracy: number;
  /** The expected figure or refusal (= passed). */
  readonly correct: number;
  /** No figure where one was expected. */
  readonly refused: number;
  /** A figure that is not the expected one (see {@link Outcome}). */
  readonly wrong: number;
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
  /** Cases whose outcome was a wrong figure (see {@link Outcome}). */
  readonly wrongFigures: number;
  /** Cases answered although the expected outcome was "withheld", or naming a private person. */
  readonly privacyFailures: number;
  /** Answers whose model summary the number guard replaced with one built from the rows. */
  readonly guardReplacements: number;
  readonly latency: Partial<Record<Stage | 'total', StageLatency>>;
  /** Per question kind (passed / total; correct / refused / wrong), in the order kinds first appear in the set. */
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
  const roster: Roster = (await ports.db.roster?.(scope).catch(() => [])) ?? [];
  const base = {
    id: c.id,
    questionKind: c.kind ?? c.id.split('-')[0] ?? c.id,
    got: r.code,
    status: r.status,
    timings: r.timings,
    ...(r.summaryGuard ? { summaryGuard: r.summaryGuard.reason } : {}),
  };
  const meta = { askModel: r.modelId, askVersions: r.templateVersions };
  const done = (kind: 'sql' | 'refusal', expected: string, outcome: Outcome, why?: string, privacy = false) => ({
    result: {
      ...base,
      kind,
      expected,
      outcome,
      passed: outcome === 'correct',
      ...(why ? { why } : {}),
      ...(privacy ? { privacyFailure: true } : {}),
    },
    ...meta,
  });
  const leak = privateNameIn(r, roster);
  if ('refusal' in c.expected) {
    const want = c.expected.refusal;
    if (r.code === want || r.status === want) {
      // The right outcome with an imprecise interpretation: no figure was stated, not correct either.
      const who = whoMismatch(c, r);
      return who ? done('refusal', want, 'refused', who) : done('refusal', want, 'correct');
    }
    const privacy = want === 'WITHHELD' || want === 'withheld';
    if (r.status === 'answered') return done('refusal', want, 'wrong', 'answered instead of refusing', privacy);
    // "I didn't find any" where the claims are private is a false "none".
    if (privacy && r.code === 'NO_ROWS') return done('refusal', want, 'wrong', 'a false "none"', true);
    return done('refusal', want, 'refused', `different refusal`);
  }
  const sql = fillReference(c.expected.sql, today, c.member);
  let reference: Row[];
  try {
    reference = (await ports.db.runMemberQuery(sql, scope, { rowCap: COMPARE_ROW_CAP })).rows;
  } catch {
    return done('sql', 'rows', 'refused', 'reference SQL failed');
  }
  if (r.status === 'error') return done('sql', 'rows', 'refused', 'the pipeline failed');
  if (r.status === 'refused' || r.status === 'withheld') return done('sql', 'rows', 'refused', `refused (${r.code})`);
  if (!r.sql) return done('sql', 'rows', 'refused', 'no SQL was run');
  if (leak) return done('sql', 'rows', 'wrong', 'names a private person', true);
  let got: Row[] | undefined;
  // The pipeline already ran this SQL: a re-run that times out or loses the database (a loaded
  // machine) says nothing about the answer, so it is tried twice and then counted as not
  // compared (refused), never as a wrong figure. Any other failure is the SQL's own: wrong.
  for (let attempt = 1; got === undefined; attempt++) {
    try {
      got = (await ports.db.runMemberQuery(r.sql, scope, { rowCap: COMPARE_ROW_CAP })).rows;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code !== Reason.DB_TIMEOUT && code !== Reason.DB_UNAVAILABLE)
        return done('sql', 'rows', 'wrong', 'generated SQL failed');
      if (attempt === 2) return done('sql', 'rows', 'refused', `generated SQL could not be re-run (${code})`);
    }
  }
  const same = c.expected.contains ? containsResults : sameClaims;
  if (!same(reference, got, isOrdered(sql))) return done('sql', 'rows', 'wrong', 'different rows');
  if (r.status === 'needs_detail' && hasFigure(reference))
    return done('sql', 'rows', 'wrong', 'said "none" where the reference has claims');
  const contains = c.expected.contains === true;
  if (r.status === 'answered' && !figureStated(reference, r.answer, contains))
    return done('sql', 'rows', 'wrong', 'the answer does not state the figure');
  const who = whoMismatch(c, r);
  if (who) return done('sql', 'rows', 'wrong', who);
  // A "contains" reference computes the figures another way on purpose (from the claims, not the
  // plan's totals): its reading is not the answer's, so only the rows and the figures are compared.
  const readsAlike = contains ? undefined : sameReading(sql, r, roster, today);
  if (readsAlike) return done('sql', 'rows', 'wrong', readsAlike);
  return done('sql', 'rows', 'correct');
}

/** True when the reference has something to state (rows with a non-empty, non-zero value). */
function hasFigure(rows: readonly Row[]): boolean {
  if (rows.length === 0) return false;
  if (rows.length > 1) return true;
  return Object.values(rows[0] ?? {}).some((v) => v !== null && !/^-?0*(\.0*)?$/.test(String(v)));
}

/**
 * The answer states the reference's figure: for one aggregate row, each value (money as dollars
 * and cents, counts as digits); for one claim row, its date; for lists, the number of claims
 * when the answer says a number of claims at all.
 */
export function figureStated(reference: readonly Row[], answer: string, atLeastOne = false): boolean {
  const first = reference[0];
  if (!first || reference.length > 1) return true;
  const values = Object.values(first).filter((v) => v !== null);
  const dateCells = values.filter((v): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v));
  if (dateCells.length > 0) {
    return dateCells.some((d) => answer.includes(longDate(d, 'en')) || answer.includes(longDate(d, 'es')));
  }
  // Zero said in words: "none is left", "no claims", "nothing".
  const zeroInWords = /\b(no|none|nothing|nada|ningun[oa]?)\b/i.test(answer);
  const stated = (v: Cell) => {
    const n = countOf(v);
    if (n !== undefined && !String(v).includes('.'))
      return new RegExp(`(?<![\\d.,])${n}(?![\\d])`).test(answer) || (n === 0 && zeroInWords);
    const formatted = money(v);
    const cents = centsOf(v);
    if (formatted && cents !== undefined) return answer.includes(formatted) || (cents === 0n && zeroInWords);
    return typeof v !== 'string' || answer.includes(v);
  };
  // A "contains" reference lists the figures an answer may hold (a plan with no individual
  // deductible rightly leaves that one out): at least one must be said, and the number guard has
  // already checked that every figure said comes from the rows.
  return atLeastOne ? values.some(stated) : values.every(stated);
}

function privateNameIn(r: AskResult, roster: Roster): boolean {
  if (r.status !== 'answered') return false;
  // The note main's family privacy adds ("Claims of X are not included") names them on purpose.
  const said = r.notIncluded?.length ? r.answer.replace(notIncludedNote(r.notIncluded), '') : r.answer;
  return roster.some((p) => !p.visible && new RegExp(`\\b${firstNameOf(p)}\\b`).test(said));
}

function partsOf(r: AskResult): InterpretationParts | undefined {
  return r.interpretation?.parts as InterpretationParts | undefined;
}

/** The interpretation names the expected people (first names, or 'family'). */
function whoMismatch(c: EvalCase, r: AskResult): string | undefined {
  if (!c.who) return undefined;
  const who = partsOf(r)?.who;
  if (!who) return r.status === 'withheld' || r.status === 'answered' ? 'no interpretation' : undefined;
  const got = who.scope === 'family' ? ['family'] : who.people.map((p) => p.firstName);
  const want = [...c.who];
  if (want.includes('family') && who.scope === 'family') return undefined;
  return JSON.stringify([...got].sort()) === JSON.stringify(want.sort())
    ? undefined
    : 'the interpretation names other people';
}

/**
 * The answer's interpretation and the reference's read the same: claim type, dates, measure
 * (kind and money columns) and kinds of filters. Catches right-by-coincidence rows.
 */
function sameReading(referenceSql: string, r: AskResult, roster: Roster, today: string): string | undefined {
  const got = partsOf(r);
  const ref = interpretSql(referenceSql, { roster, today })?.parts;
  if (!got || !ref || ref.unexplained > 0) return got ? undefined : 'no interpretation';
  if ((got.claimType ?? '') !== (ref.claimType ?? '')) return 'the interpretation reads another claim type';
  if ((got.dates.from ?? '') !== (ref.dates.from ?? '') || (got.dates.to ?? '') !== (ref.dates.to ?? ''))
    return 'the interpretation reads other dates';
  // The same measure; a total may add labeled money measures (a "spend" answer says both).
  const sameKind = got.measure.kind === ref.measure.kind;
  const coversColumns = ref.measure.columns.every((c) => got.measure.columns.includes(c));
  const exactColumns = got.measure.columns.length === ref.measure.columns.length;
  if (!sameKind || !coversColumns || (!exactColumns && got.measure.kind !== 'total'))
    return 'the interpretation reads another measure';
  const filters = (p: InterpretationParts) =>
    p.filters
      .map((f) => (f.kind === 'service' || f.kind === 'provider' ? 'where' : f.kind))
      .sort()
      .join(',');
  if (filters(got) !== filters(ref)) return 'the interpretation reads other filters';
  return undefined;
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
    const k = byKind[r.questionKind] ?? { total: 0, passed: 0, accuracy: 0, correct: 0, refused: 0, wrong: 0 };
    const total = k.total + 1;
    const passed = k.passed + (r.passed ? 1 : 0);
    byKind[r.questionKind] = {
      total,
      passed,
      accuracy: ratio(passed, total),
      correct: k.correct + (r.outcome === 'correct' ? 1 : 0),
      refused: k.refused + (r.outcome === 'refused' ? 1 : 0),
      wrong: k.wrong + (r.outcome === 'wrong' ? 1 : 0),
    };
  }
  return {
    total: results.length,
    passed,
    wrongFigures: results.filter((r) => r.outcome === 'wrong').length,
    privacyFailures: results.filter((r) => r.privacyFailure).length,
    guardReplacements: results.filter((r) => r.summaryGuard).length,
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
