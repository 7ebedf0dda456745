/**
 * Who did what in the template history, by name: the history records the token subject of each
 * admin; an admin using the admin API is remembered (subject → person, migration 071) so the
 * page can show "Daniel Whitfield" instead of a subject.
 */
import type pg from 'pg';

export class AdminActors {
  readonly #pool: pg.Pool;
  readonly #seen = new Set<string>();

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Remembers this admin's person (once per subject and process). */
  async remember(identity: { subject: string; memberId: string; personId: string }): Promise<void> {
    if (this.#seen.has(identity.subject)) return;
    await this.#pool.query('SELECT app.remember_admin($1, $2::bigint, $3)', [
      identity.subject,
      identity.memberId,
      identity.personId,
    ]);
    this.#seen.add(identity.subject);
  }

  /** subject → name, for the subjects known. */
  async names(subjects: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(subjects)];
    if (unique.length === 0) return new Map();
    const res = await this.#pool.query<{ subject: string; name: string }>(
      'SELECT subject, name FROM app.admin_names($1::text[])',
      [unique],
    );
    return new Map(res.rows.map((r) => [r.subject, r.name]));
  }
}
