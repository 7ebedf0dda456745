import { listFamilies } from '../db/families.ts';
import { startLocalRuntime } from '../runtime/local.ts';
import { parse, print, printJson } from './args.ts';

const HELP = `Usage: claims members [--json]

Lists the seeded demo families and their people (synthetic data), for demos and tests.
--json   print [{memberId, planId, people: [{personId, name, relationship, birthDate}]}]`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' } });
  if (values.help) {
    print(HELP);
    return 0;
  }
  const runtime = await startLocalRuntime({
    onProgress: values.json ? undefined : (line) => process.stderr.write(`  ${line}\n`),
  });
  try {
    const families = await listFamilies(runtime.adminPool);
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
