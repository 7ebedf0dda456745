import { listFamilies } from '../db/families.ts';
import { startLocalRuntime } from '../runtime/local.ts';
import { CliError, memberIdArg, parse, print, printJson, UsageError } from './args.ts';

const HELP = `Usage: claims members [--member ID] [--limit N] [--json] [--data-dir DIR]

Lists the seeded demo families and their people (synthetic data), for demos and tests.
--member ID  only that family
--limit N    the first N families (in member id order; the demo families come first)
--json       print [{memberId, planId, people: [{personId, name, relationship, birthDate}]}]
--data-dir   the local database's folder, as given to 'claims serve' (default .data/;
             DATABASE_URL uses an external server instead)`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    json: { type: 'boolean' },
    member: { type: 'string' },
    limit: { type: 'string' },
    'data-dir': { type: 'string' },
  });
  if (values.help) {
    print(HELP);
    return 0;
  }
  const memberId = values.member === undefined ? undefined : memberIdArg(values.member);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit > 0))
    throw new UsageError('--limit needs a whole number above 0, for example --limit 10');
  const runtime = await startLocalRuntime({
    dataDir: values['data-dir'],
    onProgress: values.json ? undefined : (line) => process.stderr.write(`  ${line}\n`),
  });
  try {
    const all = await listFamilies(runtime.adminPool);
    const families = (memberId === undefined ? all : all.filter((f) => f.memberId === memberId)).slice(0, limit);
    if (memberId !== undefined && families.length === 0) throw new CliError(`no family has member id ${memberId}`);
    if (values.json) {
      printJson(families);
      return 0;
    }
    for (const f of families) {
      print(`${f.memberId}  plan ${f.planId}`);
      for (const p of f.people)
        print(`  ${p.personId}  ${p.relationship.padEnd(10)}  ${p.name}  (born ${p.birthDate})`);
    }
    print(`${families.length} families`);
    return 0;
  } finally {
    await runtime.close();
  }
}
