/**
 * The `prompts` port over PostgreSQL: the published version of each template, with a small cache
 * that notices a newly published version within `checkEveryMs` (a one-row version check), without
 * a redeploy. Read only: drafts, publishing, rollback and history are the admin repository's
 * (src/admin/template-repository.ts), which writes the same table.
 */
import type pg from 'pg';
import type { PromptStore, PromptTemplate, TemplateName } from '../core/ports.ts';
import { PromptsError, PromptsErrorCode } from './errors.ts';

export interface PgPromptStoreOptions {
  /** How long a cached published version is served before a version check (default 30 s). */
  readonly checkEveryMs?: number;
  /** Served when a template has no published row yet (e.g. the shipped files). */
  readonly fallback?: PromptStore;
  readonly now?: () => number;
}

/**
 * The published templates over a claims_app pool.
 * @example
 * const prompts = new PgPromptStore(pool, { checkEveryMs: 5000, fallback: new FilePromptStore(PROMPTS_DIR) });
 * const tpl = await prompts.load('sql'); // the published version
 */
export class PgPromptStore implements PromptStore {
  readonly #pool: pg.Pool;
  readonly #checkEveryMs: number;
  readonly #fallback: PromptStore | undefined;
  readonly #now: () => number;
  readonly #cache = new Map<TemplateName, { tpl: PromptTemplate; checkedAt: number }>();

  constructor(pool: pg.Pool, opts: PgPromptStoreOptions = {}) {
    this.#pool = pool;
    this.#checkEveryMs = opts.checkEveryMs ?? 30_000;
    this.#fallback = opts.fallback;
    this.#now = opts.now ?? Date.now;
  }

  /** The published version (the port). Cached; re-checked at most every `checkEveryMs`. */
  async load(name: TemplateName): Promise<PromptTemplate> {
    const hit = this.#cache.get(name);
    const now = this.#now();
    if (hit && now - hit.checkedAt < this.#checkEveryMs) return hit.tpl;
    const current = await this.#pool.query<{ version: number }>(
      "SELECT version FROM public.prompt_templates WHERE name = $1 AND status = 'published'",
      [name],
    );
    const version = current.rows[0]?.version;
    if (version === undefined) return this.#unpublished(name);
    if (hit && hit.tpl.version === version) {
      this.#cache.set(name, { tpl: hit.tpl, checkedAt: now });
      return hit.tpl;
    }
    const text = await this.#pool.query<{ system_text: string; body: string }>(
      'SELECT system_text, body FROM public.prompt_templates WHERE name = $1 AND version = $2',
      [name, version],
    );
    const row = text.rows[0];
    if (!row) return this.#unpublished(name);
    const tpl: PromptTemplate = { name, version, system: row.system_text, body: row.body };
    this.#cache.set(name, { tpl, checkedAt: now });
    return tpl;
  }

  /**
   * Forgets the cached published version of `name` (or of every template): the next load checks
   * the database. Wire it to the admin repository's `onPublish` when both share a process.
   */
  invalidate(name?: TemplateName): void {
    if (name === undefined) this.#cache.clear();
    else this.#cache.delete(name);
  }

  async #unpublished(name: TemplateName): Promise<PromptTemplate> {
    if (!this.#fallback) throw new PromptsError(PromptsErrorCode.NOT_PUBLISHED, `No published ${name} template.`);
    return this.#fallback.load(name);
  }
}
