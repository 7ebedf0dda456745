import { type Accumulated, listFamiliesWithBenefits } from '../db/families.ts';
import { startLocalRuntime } from '../runtime/local.ts';
import { CliError, memberIdArg, parse, print, printJson, UsageError } from './args.ts';

const HELP = `Usage: claims members [--member ID] [--limit N] [--year YYYY] [--json] [--data-dir DIR]

Lists the seeded demo families and their people (synthetic data), for demos and tests, with each
family's plan, the plan year's in-network deductible and out-of-pocket maximum, and the payer's
accumulators (the family's and each person's deductible and out-of-pocket amounts met so far).
--member ID  only that family
--limit N    the first N families (in member id order; the demo families come first)
--year YYYY  plan year of the limits and accumulators (default: this year)
--json       print [{memberId, planId, people: [{personId, name, relationship, birthDate}],
                     plan: {name, type, familyDeductibleKind, planYear, deductibleIndividual,
                            deductibleFamily, oopMaxIndividual, oopMaxFamily},
                     accumulators: {asOf, family: {deductibleMet, oopMet},
                                    people: {<personId>: {deductibleMet, oopMet}}}}]
--data-dir   the local database's folder, as given to 'claims serve' (default .data/;
             DATABASE_URL uses an external server instead)`;

const usd = (v: string | null | undefined) =>
  v == null ? '—' : `$${Number(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const met = (a: Accumulated | null | undefined) =>
  a ? `deductible met ${usd(a.deductibleMet)}, out-of-pocket met ${usd(a.oopMet)}` : 'no accumulators';

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    json: { type: 'boolean' },
    member: { type: 'string' },
    limit: { type: 'string' },
    year: { type: 'string' },
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
  const year = values.year === undefined ? undefined : Number(values.year);
  if (year !== undefined && !(Number.isInteger(year) && year >= 2000 && year <= 2100))
    throw new UsageError('--year must be a plan year, for example --year 2026');
  const runtime = await startLocalRuntime({
    dataDir: values['data-dir'],
    onProgress: values.json ? undefined : (line) => process.stderr.write(`  ${line}\n`),
  });
  try {
    const all = await listFamiliesWithBenefits(runtime.adminPool, year);
    const families = (memberId === undefined ? all : all.filter((f) => f.memberId === memberId)).slice(0, limit);
    if (memberId !== undefined && families.length === 0) throw new CliError(`no family has member id ${memberId}`);
    if (values.json) {
      printJson(families);
      return 0;
    }
    for (const f of families) {
      const p = f.plan;
      print(
        `${f.memberId}  plan ${f.planId} (${p.name}${p.type ? `, ${p.type}` : ''}, ${p.familyDeductibleKind} family deductible)`,
      );
      print(
        `  ${p.planYear} in network: deductible ${usd(p.deductibleIndividual)} / ${usd(p.deductibleFamily)} family, ` +
          `out-of-pocket max ${usd(p.oopMaxIndividual)} / ${usd(p.oopMaxFamily)} family` +
          (f.accumulators.asOf ? ` (accumulators as of ${f.accumulators.asOf})` : ''),
      );
      print(`  family: ${met(f.accumulators.family)}`);
      for (const person of f.people)
        print(
          `  ${person.personId}  ${person.relationship.padEnd(10)}  ${person.name}  (born ${person.birthDate})  ${met(f.accumulators.people[person.personId])}`,
        );
    }
    print(`${families.length} families`);
    return 0;
  } finally {
    await runtime.close();
  }
}
