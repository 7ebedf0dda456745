import type { QueryResult } from '../core/ports.ts';
import { decideFor, decidePrivacy } from '../pipeline/family-privacy.ts';
import { startLocalRuntime } from '../runtime/local.ts';
import { LIMITS } from '../schema/catalog.ts';
import { validateSql } from '../validate/index.ts';
import { EVERYONE } from '../validate/subjects.ts';
import { memberIdArg, parse, print, printJson, readStdin, UsageError } from './args.ts';

const HELP = `Usage: claims check-sql --member ID [--person P] [--json] [--lines] [--execute] [--skip-validator] [--data-dir DIR]

Validates SQL read from standard input against the safety rules, as member ID would send it.
--lines            one statement per line; one JSON result per line: {ok, code, reason, sql}
--json             print JSON results (implied by --lines)
--execute          run accepted SQL as that member (database role, row-level security, limits)
                   and print the rows
--person P         with --execute: the signed-in person (default: the subscriber)
--skip-validator   with --execute: send the SQL straight to the database layer, so that layer
                   can be tested alone (CLI only: the API never skips the validator)
--data-dir DIR     with --execute: the local database's folder, as given to 'claims serve'
                   (default .data/; DATABASE_URL uses an external server instead)
Exit status: 0 all accepted, 1 any rejected (or failed to run), 2 usage error.`;

interface CheckResult {
  ok: boolean;
  code: string;
  reason: string;
  sql: string;
  rows?: QueryResult['rows'];
  rowCount?: number;
  truncated?: boolean;
  /** Family privacy: the SQL is only about people this person may not see (decided from the roster). */
  withheld?: boolean;
  /** Family privacy: people the SQL is about whose claims this person may not see. */
  notIncluded?: readonly string[];
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    member: { type: 'string' },
    person: { type: 'string' },
    json: { type: 'boolean' },
    lines: { type: 'boolean' },
    execute: { type: 'boolean' },
    'skip-validator': { type: 'boolean' },
    'data-dir': { type: 'string' },
  });
  if (values.help) {
    print(HELP);
    return 0;
  }
  const memberId = memberIdArg(values.member);
  if (values['skip-validator'] && !values.execute)
    throw new UsageError('--skip-validator only makes sense with --execute');
  if (values.person !== undefined && !values.execute) throw new UsageError('--person only makes sense with --execute');
  const input = await readStdin();
  const statements = values.lines ? input.split('\n').filter((l) => l.trim() !== '') : [input];
  if (statements.length === 0 || statements.every((s) => s.trim() === ''))
    throw new UsageError('no SQL on standard input');

  const results: CheckResult[] = statements.map((sql) => {
    if (values['skip-validator']) return { ok: true, code: 'SKIPPED', reason: 'validator skipped', sql: sql.trim() };
    const v = validateSql(sql, { memberId });
    return v.ok
      ? { ok: true, code: 'OK', reason: 'accepted', sql: v.sql }
      : { ok: false, code: v.code, reason: v.reason, sql: sql.trim() };
  });

  if (values.execute) {
    const runtime = await startLocalRuntime({
      dataDir: values['data-dir'],
      onProgress: (line) => process.stderr.write(`  ${line}\n`),
    });
    try {
      const scope = { memberId, personId: values.person };
      for (const r of results.filter((x) => x.ok)) {
        try {
          // The same decision the pipeline makes (from the roster, never from hidden claims); the
          // SQL still runs here, so the database layer can be tested alone: RLS returns visible rows only.
          // SQL that skipped the validator is not parsed again here: it counts as about everyone.
          const roster = await runtime.db.roster(scope);
          const privacy = r.code === 'SKIPPED' ? decideFor(EVERYONE, roster) : decidePrivacy(r.sql, roster);
          const q = await runtime.db.runMemberQuery(r.sql, scope, { rowCap: LIMITS.rowCap });
          Object.assign(r, {
            rows: q.rows,
            rowCount: q.rows.length,
            truncated: q.truncated,
            withheld: privacy.about === 'hidden',
            ...(privacy.notIncluded.length > 0 ? { notIncluded: privacy.notIncluded } : {}),
          });
        } catch (err) {
          // The database refused or failed: report its reason code, never the raw error text.
          const code = (err as { code?: unknown }).code;
          Object.assign(r, {
            ok: false,
            code: typeof code === 'string' ? code : 'DB_ERROR',
            reason: 'the database refused or failed to run it',
          });
        }
      }
    } finally {
      await runtime.close();
    }
  }

  for (const r of results) {
    if (values.json || values.lines) printJson(r);
    else {
      print(r.ok ? `accepted${r.code === 'SKIPPED' ? ' (validator skipped)' : ''}` : `rejected ${r.code}: ${r.reason}`);
      if (r.rows) {
        for (const row of r.rows) print(`  ${JSON.stringify(row)}`);
        print(
          `  ${r.rowCount} row(s)${r.truncated ? ', more not shown' : ''}${r.withheld ? ', withheld by family privacy' : ''}${r.notIncluded ? `, not including ${r.notIncluded.length} private person(s)` : ''}`,
        );
      }
    }
  }
  return results.every((r) => r.ok) ? 0 : 1;
}
