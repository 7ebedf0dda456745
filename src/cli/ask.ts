import { randomUUID } from 'node:crypto';
import { ask } from '../pipeline/ask.ts';
import { startLocalRuntime } from '../runtime/local.ts';
import { memberIdArg, parse, personIdArg, print, printJson, UsageError } from './args.ts';

const HELP = `Usage: claims ask --member ID [--person PERSON_ID] [--json] [--data-dir DIR] "question"

Asks one question as a member, through the same four-stage pipeline as the API.
--person     the signed-in person in the family (default: the subscriber)
--json       print {status, code, answer, sql, rowCount, interpretation} (and notIncluded when family privacy left people out)
--data-dir   the local database's folder, as given to 'claims serve' (default .data/;
             DATABASE_URL uses an external server instead)`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      member: { type: 'string' },
      person: { type: 'string' },
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
    },
    true,
  );
  if (values.help) {
    print(HELP);
    return 0;
  }
  const memberId = memberIdArg(values.member);
  const question = positionals.join(' ').trim();
  if (!question)
    throw new UsageError(
      'add the question in quotes, for example: claims ask --member ID "How many claims did I have?"',
    );
  if (values.person !== undefined && !values.person.startsWith(`${memberId}-`)) {
    throw new UsageError('--person must be someone in the same family (PERSON_ID starts with the member id)');
  }
  const personId = personIdArg(values.person, memberId);
  const runtime = await startLocalRuntime({
    dataDir: values['data-dir'],
    onProgress: values.json ? undefined : (line) => process.stderr.write(`  ${line}\n`),
  });
  try {
    const scope = { memberId, personId };
    // Who is asking, before any model call: an unknown member or person is a usage mistake.
    if (!(await runtime.db.describeAsker(scope))) {
      throw new UsageError(
        values.person === undefined
          ? `no family has member id ${memberId} (list them with 'claims members')`
          : `member ${memberId} has no person ${values.person} (list them with 'claims members --member ${memberId}')`,
      );
    }
    const r = await ask({ requestId: randomUUID(), scope, question }, runtime.ports);
    if (values.json)
      printJson({
        status: r.status,
        code: r.code,
        answer: r.answer,
        sql: r.sql ?? null,
        rowCount: r.rowCount,
        ...(r.notIncluded && { notIncluded: r.notIncluded }),
        interpretation: r.interpretation ?? null,
      });
    else {
      print(r.answer);
      if (r.interpretation) print(`\n${r.interpretation.text}`);
    }
    return r.status === 'error' ? 1 : 0;
  } finally {
    await runtime.close();
  }
}
