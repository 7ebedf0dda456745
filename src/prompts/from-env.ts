import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { PromptStore } from '../core/ports.ts';
import { FilePromptStore } from './file-store.ts';
import { PgPromptStore } from './pg-store.ts';

/** The shipped templates (the initial published versions). */
export const PROMPTS_DIR = fileURLToPath(new URL('../../prompts/', import.meta.url));

/**
 * The template store a deployment is configured for. PROMPT_STORE=postgres (the default) reads
 * the published versions from `prompt_templates`, re-checking the version at most every
 * PROMPT_CACHE_SECONDS (default 30) and serving the shipped files for a name nothing was
 * published for yet; PROMPT_STORE=files reads `prompts/` only (PROMPTS_DIR overrides where).
 * @example
 * const prompts = promptStoreFromEnv(process.env, pool);
 */
export function promptStoreFromEnv(env: NodeJS.ProcessEnv, pool: pg.Pool): PromptStore {
  const files = new FilePromptStore(env.PROMPTS_DIR ?? PROMPTS_DIR);
  if (env.PROMPT_STORE === 'files') return files;
  if (env.PROMPT_STORE !== undefined && env.PROMPT_STORE !== 'postgres')
    throw new Error('PROMPT_STORE must be "postgres" or "files"');
  const seconds = Number(env.PROMPT_CACHE_SECONDS ?? 30);
  return new PgPromptStore(pool, {
    checkEveryMs: Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 30_000,
    fallback: files,
  });
}
