/**
 * The evaluation set as the admin API and the eval runner read it: `eval/cases.jsonl`, shipped
 * beside the bundle (serverless.yml packages it; two levels up from the module, as in the repo).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type EvalCase, parseCases } from './cases.ts';

export const DEFAULT_EVAL_SET = fileURLToPath(new URL('../../eval/cases.jsonl', import.meta.url));

/**
 * The evaluation set read once from a file (the wiring passes EVAL_SET when it is set).
 * @example
 * const cases = casesFromFile();
 * (await cases()).length // 72
 */
export function casesFromFile(file = DEFAULT_EVAL_SET): () => Promise<readonly EvalCase[]> {
  let cached: Promise<readonly EvalCase[]> | undefined;
  return () => {
    cached ??= readFile(path.resolve(file), 'utf8').then(parseCases);
    cached.catch(() => {
      cached = undefined;
    });
    return cached;
  };
}
