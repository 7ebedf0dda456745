/**
 * The validator test corpus, as the tests hold it: the attack corpus (exported by
 * test/attacks/corpus.ts) and the accepted/rejected lists of src/validate/validator.test.ts.
 * Those lists are module-private, so their declarations are copied verbatim into a generated
 * module under bench/.cache (imports pointed back at src/) rather than duplicated by hand.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ATTACKS, renderAttack } from '../../test/attacks/corpus.ts';

const BENCH_DIR = fileURLToPath(new URL('../', import.meta.url));
const UNIT_TEST = path.join(BENCH_DIR, '../src/validate/validator.test.ts');

export interface CorpusCase {
  readonly source: 'unit-accepted' | 'unit-rejected' | 'attack';
  readonly name: string;
  readonly sql: string;
  /** 'OK' or the reason code the validator must answer. */
  readonly expected: string;
  /** The context's member id (one unit case checks a malformed one, as the test does). */
  readonly memberId: string;
}

/** The member id the cases are written for. */
export const CORPUS_MEMBER = '1234567890';
const OTHER_MEMBER = '9876543210';

/**
 * Turns the unit test file's top (imports + constant lists) into a module exporting them.
 * @example extractUnitLists(src, '/repo/src/validate') // 'import ... export { ACCEPTED, REJECTED, M };'
 */
export function extractUnitLists(source: string, fromDir: string): string {
  const end = source.search(/^describe\(/m);
  if (end < 0) throw new Error('validator.test.ts: no describe() found');
  const head = source
    .slice(0, end)
    .replace(/^import .*from 'node:(test|assert\/strict)';\n/gm, '')
    .replace(
      /from '(\.{1,2}\/[^']+)'/g,
      (_, rel: string) => `from '${pathToFileURL(path.resolve(fromDir, rel)).href}'`,
    );
  for (const name of ['ACCEPTED', 'REJECTED', 'M']) {
    if (!new RegExp(`^const ${name}\\b`, 'm').test(head)) throw new Error(`validator.test.ts: no const ${name}`);
  }
  return `${head}\nexport { ACCEPTED, REJECTED, M };\n`;
}

/**
 * Every case of the validator corpus: accepted and rejected.
 * @example const cases = await loadCorpus(); cases.length // ~300
 */
export async function loadCorpus(): Promise<CorpusCase[]> {
  const cacheDir = path.join(BENCH_DIR, '.cache');
  await mkdir(cacheDir, { recursive: true });
  const generated = path.join(cacheDir, 'validator-unit-lists.ts');
  await writeFile(generated, extractUnitLists(await readFile(UNIT_TEST, 'utf8'), path.dirname(UNIT_TEST)));
  const unit = (await import(pathToFileURL(generated).href)) as {
    ACCEPTED: readonly string[];
    REJECTED: readonly (readonly [string, string, string])[];
    M: string;
  };
  if (unit.M !== CORPUS_MEMBER) throw new Error('validator.test.ts changed its member id');
  return [
    ...unit.ACCEPTED.map((sql, i) => ({
      source: 'unit-accepted' as const,
      name: `accepted #${i + 1}`,
      sql,
      expected: 'OK',
      memberId: CORPUS_MEMBER,
    })),
    ...unit.REJECTED.map(([name, sql, code]) => ({
      source: 'unit-rejected' as const,
      name,
      sql,
      expected: code,
      // Mirrors validator.test.ts: this one case runs with a malformed member id.
      memberId: name === 'invalid member id in context' ? '12ab' : CORPUS_MEMBER,
    })),
    ...ATTACKS.map((c) => ({
      source: 'attack' as const,
      name: `${c.family}: ${c.name}`,
      sql: renderAttack(c, CORPUS_MEMBER, OTHER_MEMBER),
      expected: c.code,
      memberId: CORPUS_MEMBER,
    })),
  ];
}
