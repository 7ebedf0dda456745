import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PromptStore, PromptTemplate, TemplateName } from '../core/ports.ts';
import { PromptsError, PromptsErrorCode } from './errors.ts';

/** The shipped templates (the initial published versions); PROMPTS_DIR overrides it. */
export const PROMPTS_DIR = fileURLToPath(new URL('../../prompts/', import.meta.url));

/** The `[system]` / `[body]` sections of a `.prompt` file. */
export function parsePromptFile(text: string): { system: string; body: string } {
  const m = /^\[system\]\s*\n([\s\S]*?)\n\[body\]\s*\n([\s\S]*)$/m.exec(text.replace(/\r\n/g, '\n'));
  if (!m)
    throw new PromptsError(
      PromptsErrorCode.BAD_PROMPT_FILE,
      'A .prompt file needs a [system] section followed by a [body] section',
    );
  return { system: (m[1] ?? '').trim(), body: (m[2] ?? '').trim() };
}

/**
 * Templates read from `prompts/<name>.prompt`: the shipped, initial published versions (version 1).
 * @example
 * const store = new FilePromptStore('prompts'); (await store.load('sql')).body
 */
export class FilePromptStore implements PromptStore {
  readonly #dir: string;
  readonly #cache = new Map<TemplateName, Promise<PromptTemplate>>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  load(name: TemplateName): Promise<PromptTemplate> {
    let hit = this.#cache.get(name);
    if (!hit) {
      hit = readFile(join(this.#dir, `${name}.prompt`), 'utf8').then((t) => ({
        name,
        version: 1,
        ...parsePromptFile(t),
      }));
      this.#cache.set(name, hit);
    }
    return hit;
  }
}
