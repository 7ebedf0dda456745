/**
 * The admin repository of prompt templates in PostgreSQL: versions, drafts, evaluations stored on
 * drafts, publish and rollback (each one transaction), history, and the import of the shipped
 * files. The pipeline reads the published versions through the `prompts` port
 * (src/prompts/pg-store.ts); this module is the only writer of `prompt_templates`.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { PromptStore, PromptTemplate, TemplateName } from '../core/ports.ts';
import { checkPlaceholders, type PlaceholderProblems } from '../generate/placeholders.ts';
import { LIMITS } from '../schema/catalog.ts';
import { AdminErrorCode, TemplateError } from './errors.ts';

export const TEMPLATE_NAMES = ['sql', 'summary'] as const satisfies readonly TemplateName[];
export const TemplateStatus = { DRAFT: 'draft', PUBLISHED: 'published', ARCHIVED: 'archived' } as const;
export type TemplateStatus = (typeof TemplateStatus)[keyof typeof TemplateStatus];

/** What the evaluation of a draft left on it (see src/eval/gate.ts for `passed`). */
export interface StoredEval {
  readonly passed: boolean;
  /** sha256 of the system + body text the evaluation ran on. */
  readonly contentHash: string;
  readonly accuracy: number;
  readonly [key: string]: unknown;
}

export interface TemplateVersion extends PromptTemplate {
  readonly status: TemplateStatus;
  readonly author: string;
  readonly changeNote: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly publishedAt: string | null;
  readonly evalResult: StoredEval | null;
}

export interface HistoryEvent {
  readonly name: TemplateName;
  readonly version: number;
  readonly action: string;
  readonly actor: string;
  readonly note: string;
  readonly at: string;
}

export interface TemplateRepositoryOptions {
  /**
   * Called after a publish or rollback of `name` commits: a `PgPromptStore` in the same process
   * drops its cached version (`invalidate`), so the change is served at once.
   */
  readonly onPublish?: (name: TemplateName) => void;
}

/**
 * sha256 of a template's text: ties an evaluation to exactly the text it ran on.
 * @example
 * contentHash({ system: 'S', body: 'B' }).length // 64
 */
export function contentHash(t: { system: string; body: string }): string {
  return createHash('sha256').update(t.system).update('\u0000').update(t.body).digest('hex');
}

const isName = (n: unknown): n is TemplateName => (TEMPLATE_NAMES as readonly unknown[]).includes(n);

interface Row {
  name: TemplateName;
  version: number;
  status: TemplateStatus;
  system_text: string;
  body: string;
  author: string;
  change_note: string;
  created_at: Date | string;
  updated_at: Date | string;
  published_at: Date | string | null;
  eval_result: StoredEval | string | null;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function toVersion(r: Row): TemplateVersion {
  return {
    name: r.name,
    version: r.version,
    status: r.status,
    system: r.system_text,
    body: r.body,
    author: r.author,
    changeNote: r.change_note,
    createdAt: iso(r.created_at) ?? '',
    updatedAt: iso(r.updated_at) ?? '',
    publishedAt: iso(r.published_at),
    // A JSON-safe pool (createAppPool) hands jsonb back as text.
    evalResult: typeof r.eval_result === 'string' ? (JSON.parse(r.eval_result) as StoredEval) : r.eval_result,
  };
}

const COLUMNS =
  'name, version, status, system_text, body, author, change_note, created_at, updated_at, published_at, eval_result';

/**
 * The template repository over a claims_app pool.
 * @example
 * const templates = new TemplateRepository(pool, { onPublish: (name) => prompts.invalidate(name) });
 * await templates.importShipped(new FilePromptStore(PROMPTS_DIR));
 * const draft = await templates.createDraft('sql', { system, body }, actor);
 */
export class TemplateRepository {
  readonly #pool: pg.Pool;
  readonly #onPublish: ((name: TemplateName) => void) | undefined;

  constructor(pool: pg.Pool, opts: TemplateRepositoryOptions = {}) {
    this.#pool = pool;
    this.#onPublish = opts.onPublish;
  }

  /**
   * Imports every shipped template file (`prompts/<name>.prompt`) as version 1 where a name has none.
   * @example await templates.importShipped(new FilePromptStore(PROMPTS_DIR)); // ['sql', 'summary'] on an empty table
   */
  async importShipped(files: Pick<PromptStore, 'load'>, actor = 'system'): Promise<TemplateName[]> {
    return this.importInitial(await Promise.all(TEMPLATE_NAMES.map((name) => files.load(name))), actor);
  }

  /**
   * Stores the shipped templates as published version 1 of each name that has no version yet.
   * Returns the names imported. Safe to run concurrently (the primary key settles races).
   */
  async importInitial(templates: readonly PromptTemplate[], actor: string): Promise<TemplateName[]> {
    const imported: TemplateName[] = [];
    for (const t of templates) {
      const done = await this.#transaction(async (c) => {
        const res = await c.query(
          `INSERT INTO public.prompt_templates (name, version, status, system_text, body, author, change_note, published_at)
           SELECT $1, 1, 'published', $2, $3, $4, 'Initial version from prompts/' || $1 || '.prompt', now()
           WHERE NOT EXISTS (SELECT 1 FROM public.prompt_templates WHERE name = $1)
           ON CONFLICT DO NOTHING`,
          [t.name, t.system, t.body, actor],
        );
        if (res.rowCount === 1) await this.#event(c, t.name, 1, 'import', actor, 'shipped file');
        return res.rowCount === 1;
      });
      if (done) imported.push(t.name);
    }
    return imported;
  }

  /** Every version of every template, newest first, without their text. */
  async list(): Promise<Omit<TemplateVersion, 'system' | 'body'>[]> {
    const res = await this.#pool.query<Row>(
      `SELECT ${COLUMNS} FROM public.prompt_templates ORDER BY name, version DESC`,
    );
    return res.rows.map((r) => {
      const { system: _s, body: _b, ...rest } = toVersion(r);
      return rest;
    });
  }

  /** One version; TEMPLATE_NOT_FOUND when it does not exist. */
  async get(name: TemplateName, version: number): Promise<TemplateVersion> {
    const res = await this.#pool.query<Row>(
      `SELECT ${COLUMNS} FROM public.prompt_templates WHERE name = $1 AND version = $2`,
      [checkName(name), version],
    );
    const row = res.rows[0];
    if (!row) throw new TemplateError(AdminErrorCode.TEMPLATE_NOT_FOUND, `No version ${version} of ${name}.`);
    return toVersion(row);
  }

  /** The published version with its metadata; NOT_PUBLISHED when none is published. */
  async published(name: TemplateName): Promise<TemplateVersion> {
    const res = await this.#pool.query<Row>(
      `SELECT ${COLUMNS} FROM public.prompt_templates WHERE name = $1 AND status = 'published'`,
      [checkName(name)],
    );
    const row = res.rows[0];
    if (!row) throw new TemplateError(AdminErrorCode.NOT_PUBLISHED, `No published ${name} template.`);
    return toVersion(row);
  }

  /** A new draft (the next version number). */
  async createDraft(
    name: TemplateName,
    text: { system: string; body: string; changeNote?: string },
    author: string,
  ): Promise<TemplateVersion> {
    checkName(name);
    return this.#transaction(async (c) => {
      // Two admins creating at once may pick the same number: the primary key refuses the second.
      const res = await c.query<Row>(
        `INSERT INTO public.prompt_templates (name, version, status, system_text, body, author, change_note)
         SELECT $1, coalesce(max(version), 0) + 1, 'draft', $2, $3, $4, $5
         FROM public.prompt_templates WHERE name = $1
         RETURNING ${COLUMNS}`,
        [name, text.system, text.body, author, text.changeNote ?? ''],
      );
      const row = res.rows[0] as Row;
      await this.#event(c, name, row.version, 'create', author, text.changeNote ?? '');
      return toVersion(row);
    });
  }

  /** Replaces a draft's text; its evaluation no longer applies. NOT_A_DRAFT unless it is a draft. */
  async updateDraft(
    name: TemplateName,
    version: number,
    text: { system: string; body: string; changeNote?: string },
    author: string,
  ): Promise<TemplateVersion> {
    return this.#transaction(async (c) => {
      const current = await this.#lock(c, name, version);
      if (current.status !== TemplateStatus.DRAFT)
        throw new TemplateError(
          AdminErrorCode.NOT_A_DRAFT,
          `Version ${version} is ${current.status}; only drafts change.`,
        );
      const res = await c.query<Row>(
        `UPDATE public.prompt_templates
         SET system_text = $3, body = $4, change_note = coalesce($5, change_note), author = $6,
             updated_at = now(), eval_result = NULL
         WHERE name = $1 AND version = $2 RETURNING ${COLUMNS}`,
        [name, version, text.system, text.body, text.changeNote ?? null, author],
      );
      await this.#event(c, name, version, 'edit', author, text.changeNote ?? '');
      return toVersion(res.rows[0] as Row);
    });
  }

  /**
   * Stores an evaluation summary on a draft, if the draft still has the text it ran on.
   * Returns false when the draft changed meanwhile (the result is then dropped).
   */
  async recordEval(name: TemplateName, version: number, result: StoredEval, actor: string): Promise<boolean> {
    return this.#transaction(async (c) => {
      const current = await this.#lock(c, name, version);
      if (current.status !== TemplateStatus.DRAFT || contentHash(current) !== result.contentHash) return false;
      await c.query('UPDATE public.prompt_templates SET eval_result = $3::jsonb WHERE name = $1 AND version = $2', [
        name,
        version,
        JSON.stringify(result),
      ]);
      await this.#event(c, name, version, 'evaluate', actor, `accuracy ${result.accuracy}; passed ${result.passed}`);
      return true;
    });
  }

  /**
   * Publishes a draft: placeholders must check out and its stored evaluation must have passed on
   * exactly this text. The previous published version is archived in the same transaction.
   */
  async publish(name: TemplateName, version: number, actor: string, note = ''): Promise<TemplateVersion> {
    const published = await this.#transaction(async (c) => {
      const draft = await this.#lock(c, name, version);
      if (draft.status !== TemplateStatus.DRAFT)
        throw new TemplateError(AdminErrorCode.NOT_A_DRAFT, `Version ${version} is ${draft.status}; publish a draft.`);
      const problems = checkPlaceholders(name, draft.system, draft.body);
      if (problems.missing.length || problems.unknown.length)
        throw new TemplateError(AdminErrorCode.PLACEHOLDERS, placeholderMessage(problems), { details: problems });
      const ev = draft.evalResult;
      if (!ev || ev.contentHash !== contentHash(draft))
        throw new TemplateError(AdminErrorCode.NOT_EVALUATED, 'Run the evaluation on this draft before publishing it.');
      if (!ev.passed)
        throw new TemplateError(AdminErrorCode.EVAL_FAILED, 'This draft did not pass its evaluation.', {
          details: { accuracy: ev.accuracy },
        });
      return this.#swapPublished(c, name, version, actor, 'publish', note);
    });
    this.#onPublish?.(name);
    return published;
  }

  /** Publishes an earlier (archived) version again, archiving the current one: one transaction. */
  async rollback(name: TemplateName, version: number, actor: string, note = ''): Promise<TemplateVersion> {
    const published = await this.#transaction(async (c) => {
      const target = await this.#lock(c, name, version);
      if (target.status !== TemplateStatus.ARCHIVED)
        throw new TemplateError(
          AdminErrorCode.NOT_A_PREVIOUS_VERSION,
          `Version ${version} is ${target.status}; roll back to a previously published version.`,
        );
      return this.#swapPublished(c, name, version, actor, 'rollback', note);
    });
    this.#onPublish?.(name);
    return published;
  }

  /** Who changed what, newest first (one name, or all). */
  async history(name?: TemplateName, limit = 200): Promise<HistoryEvent[]> {
    const res = await this.#pool.query<HistoryEvent & { at: Date }>(
      `SELECT name, version, action, actor, note, at FROM public.prompt_template_history
       WHERE $1::text IS NULL OR name = $1 ORDER BY event_id DESC LIMIT $2`,
      [name === undefined ? null : checkName(name), limit],
    );
    return res.rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
  }

  async #swapPublished(
    c: pg.PoolClient,
    name: TemplateName,
    version: number,
    actor: string,
    action: 'publish' | 'rollback',
    note: string,
  ): Promise<TemplateVersion> {
    const old = await c.query<{ version: number }>(
      `UPDATE public.prompt_templates SET status = 'archived', updated_at = now()
       WHERE name = $1 AND status = 'published' RETURNING version`,
      [name],
    );
    for (const r of old.rows) await this.#event(c, name, r.version, 'archive', actor, `replaced by ${version}`);
    const res = await c.query<Row>(
      `UPDATE public.prompt_templates SET status = 'published', published_at = now(), updated_at = now()
       WHERE name = $1 AND version = $2 RETURNING ${COLUMNS}`,
      [name, version],
    );
    await this.#event(c, name, version, action, actor, note);
    return toVersion(res.rows[0] as Row);
  }

  async #lock(c: pg.PoolClient, name: TemplateName, version: number): Promise<TemplateVersion> {
    checkName(name);
    // Lock every row of the name: publish/rollback change two of them, so they serialize here.
    const res = await c.query<Row>(
      `SELECT ${COLUMNS} FROM public.prompt_templates WHERE name = $1 ORDER BY version FOR UPDATE`,
      [name],
    );
    const row = res.rows.find((r) => r.version === version);
    if (!row) throw new TemplateError(AdminErrorCode.TEMPLATE_NOT_FOUND, `No version ${version} of ${name}.`);
    return toVersion(row);
  }

  async #event(
    c: pg.PoolClient,
    name: TemplateName,
    version: number,
    action: string,
    actor: string,
    note: string,
  ): Promise<void> {
    await c.query(
      'INSERT INTO public.prompt_template_history (name, version, action, actor, note) VALUES ($1, $2, $3, $4, $5)',
      [name, version, action, actor, note.slice(0, LIMITS.changeNoteMaxChars)],
    );
  }

  async #transaction<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.#pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      if ((err as { code?: string }).code === '23505')
        throw new TemplateError(
          AdminErrorCode.CONFLICT,
          'Someone else changed this template at the same time; try again.',
          { cause: err },
        );
      throw err;
    } finally {
      c.release();
    }
  }
}

function checkName(name: unknown): TemplateName {
  if (!isName(name)) throw new TemplateError(AdminErrorCode.TEMPLATE_NOT_FOUND, 'No such template.');
  return name;
}

/** "missing {{question}}; unknown {{foo}}" */
export function placeholderMessage(p: PlaceholderProblems): string {
  const parts = [
    ...(p.missing.length ? [`missing ${p.missing.map((n) => `{{${n}}}`).join(', ')}`] : []),
    ...(p.unknown.length ? [`unknown ${p.unknown.map((n) => `{{${n}}}`).join(', ')}`] : []),
  ];
  return `The template's placeholders do not check out: ${parts.join('; ')}.`;
}

export { isName as isTemplateName };
