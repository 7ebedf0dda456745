/** Human-readable lines for an evaluation: one per case and a closing summary (no member data). */
import type { CaseResult, EvalSummary } from './run.ts';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * @example
 * caseLine(result, 3, 64) // '[ 3/64] PASS count-rx-this-year  (OK, 41 ms)'
 */
export function caseLine(r: CaseResult, done: number, total: number): string {
  const width = String(total).length;
  const mark = r.outcome === 'correct' ? 'PASS' : r.outcome === 'wrong' ? 'WRONG' : 'REFUSED';
  const head = `[${String(done).padStart(width)}/${total}] ${mark} ${r.id}`;
  const detail = r.passed
    ? `${r.got}, ${Math.round(r.timings.total ?? 0)} ms`
    : `expected ${r.expected}, got ${r.got}${r.why ? `: ${r.why}` : ''}`;
  return `${head}  (${detail})`;
}

/** The closing summary: accuracies and latency per stage. */
export function summaryLines(s: EvalSummary): string[] {
  const lines = [
    '',
    `Evaluation on ${s.today}: model ${s.modelId ?? 'unknown'}, templates ${Object.entries(s.templateVersions)
      .map(([n, v]) => `${n}@${v}`)
      .join(', ')}`,
    `  execution accuracy  ${pct(s.executionAccuracy)}  (${s.sqlPassed}/${s.sqlCases} SQL cases with the reference result set)`,
    `  refusal accuracy    ${pct(s.refusalAccuracy)}  (${s.refusalPassed}/${s.refusalCases} refusal cases with the expected code)`,
    `  overall accuracy    ${pct(s.accuracy)}  (${s.passed}/${s.total})`,
    `  wrong figures       ${s.wrongFigures}  (a figure stated that is not the expected one; privacy failures: ${s.privacyFailures})`,
    `  number guard        ${s.guardReplacements} summaries replaced by an answer from the rows`,
    '  by question kind    passed / total    correct / refused / wrong',
  ];
  for (const [kind, k] of Object.entries(s.byKind)) {
    lines.push(
      `    ${kind.padEnd(18)} ${String(k.passed).padStart(3)} / ${String(k.total).padEnd(3)} ${pct(k.accuracy).padEnd(7)} ${k.correct} / ${k.refused} / ${k.wrong}`,
    );
  }
  lines.push('  latency per stage   mean / p50 / p95 ms');
  for (const [stage, l] of Object.entries(s.latency)) {
    lines.push(`    ${stage.padEnd(10)} ${l.meanMs} / ${l.p50Ms} / ${l.p95Ms}  (${l.count} cases)`);
  }
  return lines;
}
