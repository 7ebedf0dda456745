import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { PromptStore } from '../pipeline/ports.ts';
import { FilePromptStore } from './file-store.ts';

/** The shipped templates (the initial published versions). */
export const PROMPTS_DIR = fileURLToPath(new URL('../../prompts/', import.meta.url));

/**
 * The template store a deployment is configured for: PROMPT_STORE=files reads `prompts/`
 * (PROMPTS_DIR overrides where); the default is the same files until the database store lands.
 */
export function promptStoreFromEnv(env: NodeJS.ProcessEnv, _pool: pg.Pool): PromptStore {
  return new FilePromptStore(env.PROMPTS_DIR ?? PROMPTS_DIR);
}
