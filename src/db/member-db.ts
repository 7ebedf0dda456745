/**
 * `PgMemberDb`: the `db` port over pools connected as claims_app. Member SQL runs inside a
 * transaction that carries its own signed scope (`app.open_scope`, migration 172: a
 * transaction-local setting, no write), under SET LOCAL ROLE claims_member, read-only, with
 * timeouts, and always ends in ROLLBACK. Member reads (the member query, the roster, the asker)
 * go to the reader pool when there is one (an Aurora reader, a hot standby); the audit row goes
 * to the writer.
 */

import pg from 'pg';
import { abortable, type CallOptions } from '../core/deadline.ts';
import { isMemberId, isPersonId } from '../core/ids.ts';
import type { Asker, FamilyMember, MemberDb, MemberScope, QueryResult, Row } from '../core/ports.ts';
import type { ReasonCode } from '../core/reasons.ts';
import { MEMBER_TABLES, type RelationshipCode } from '../schema/catalog.ts';
import { boundedQuery, guardedCheckout, outOfTime } from './bounded-query.ts';
import { DbScopeError, DbTimeoutError, DbTooExpensiveError, isConnectionError, toDbError } from './errors.ts';
import { type PlanEstimate, planEstimate } from './plan.ts';
import { jsonSafeTypes } from './type-parsers.ts';

export interface MemberDbOptions {
  /** Per member statement (default 5000 ms). */
  readonly statementTimeoutMs?: number;
  /** Waiting for a lock (default 1000 ms). */
  readonly lockTimeoutMs?: number;
  /** A transaction left idle, e.g. by a stalled caller (default 10000 ms). */
  readonly idleInTransactionTimeoutMs?: number;
  /** Memory per sort/hash node, in kB (default 8192). */
  readonly workMemKb?: number;
  /** Temporary file space per session, in kB (default 65536); applied only if the server lets claims_app set it. */
  readonly tempFileLimitKb?: number;
  /**
   * Refuse (SQL_TOO_EXPENSIVE) member SQL whose plan, as the member role sees it, costs more than
   * this at any node, in the planner's cost units (default 10,000,000; see docs/architecture.md).
   */
  readonly maxPlanCost?: number;
  /** Refuse member SQL whose plan expects more rows than this at any node (default 10,000,000). */
  readonly maxPlanRows?: number;
  /**
   * Refuse member SQL whose plan could process more rows than this in the worst case, every
   * member-table scan counted as all the claims this person may see (default 50,000,000; see
   * src/db/plan.ts).
   */
  readonly maxPlanWork?: number;
}

/** What one ask leaves in `ask_audit`: identifiers, outcome and timings only. */
export interface AuditEntry {
  readonly requestId: string;
  readonly memberId: string;
  readonly personId?: string;
  readonly reasonCode: ReasonCode;
  readonly rowCount: number;
  readonly timings: Readonly<Record<string, number>>;
  /** The number guard's reason code when it replaced the model's summary. */
  readonly summaryGuard?: string;
}

const MEMBER_TABLE_NAMES: ReadonlySet<string> = new Set(Object.keys(MEMBER_TABLES));

const DEFAULTS = {
  statementTimeoutMs: 5000,
  lockTimeoutMs: 1000,
  idleInTransactionTimeoutMs: 10000,
  workMemKb: 8192,
  tempFileLimitKb: 65536,
  maxPlanCost: 10_000_000,
  maxPlanRows: 10_000_000,
  maxPlanWork: 50_000_000,
} as const satisfies Required<MemberDbOptions>;

/**
 * A small pool connected as claims_app, with JSON-safe type parsers (this pool only).
 *
 * @example
 * const pool = createAppPool(appUrl, { max: 2 });
 */
export function createAppPool(connectionString: string, options: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({
    max: 4,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    // TCP keepalive: a connection into a network black hole is found dead instead of waited on.
    keepAlive: true,
    // A password given as an option (e.g. a function that reads a rotating secret) wins over
    // the URL's: pg would otherwise let the parsed URL overwrite it.
    ...(options.password === undefined ? { connectionString } : connectionFields(connectionString)),
    ...options,
    types: jsonSafeTypes,
    // ISO dates whatever the server default, so DATE cells are 'YYYY-MM-DD' (after the caller's own
    // startup options, if any).
    options: ['-c DateStyle=ISO,YMD', options.options].filter(Boolean).join(' '),
    application_name: options.application_name ?? 'claims-assistant',
  });
  return guardPool(pool);
}

/**
 * A connection the server drops (restart, failover, `pg_terminate_backend`, network) makes its
 * client emit `error`; with no listener that event ends the process. pg-pool listens only while
 * a client is idle, so every client gets a listener of its own for its whole life, checked out
 * or not: the queries on it fail (their callers see the error), the pool discards it on release
 * (it is no longer queryable), and new connections replace it.
 *
 * @example
 * const adminPool = guardPool(new pg.Pool({ connectionString }));
 */
export function guardPool<P extends pg.Pool>(pool: P): P {
  pool.on('error', () => undefined); // an idle client's error, re-emitted by the pool
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return pool;
}

function connectionFields(connectionString: string): pg.PoolConfig {
  const u = new URL(connectionString);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username),
    database: decodeURIComponent(u.pathname.slice(1)),
  };
}

export class PgMemberDb implements MemberDb {
  readonly #pool: pg.Pool;
  readonly #reader: pg.Pool;
  readonly #opts: Required<MemberDbOptions>;
  #canSetTempFileLimit: Promise<boolean> | undefined;

  /**
   * @param pool a pool from {@link createAppPool} (claims_app, JSON-safe parsers) to the writer.
   * @param reader the same kind of pool to a read-only replica, for member reads; absent: `pool`.
   */
  constructor(pool: pg.Pool, options: MemberDbOptions = {}, reader?: pg.Pool) {
    this.#pool = pool;
    this.#reader = reader ?? pool;
    this.#opts = { ...DEFAULTS, ...definedOnly(options) };
    for (const [key, value] of Object.entries(this.#opts)) {
      if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${key} must be a positive integer`);
    }
  }

  /**
   * Convenience: a pool for `appUrl` plus the port.
   *
   * @example
   * const db = PgMemberDb.connect(appUrl, { statementTimeoutMs: 3000 }, { max: 2 });
   */
  static connect(
    appUrl: string,
    options: MemberDbOptions = {},
    poolOptions: pg.PoolConfig = {},
    readerUrl?: string,
  ): PgMemberDb {
    const reader = readerUrl === undefined ? undefined : createAppPool(readerUrl, poolOptions);
    return new PgMemberDb(createAppPool(appUrl, poolOptions), options, reader);
  }

  /** The writer's pool (audit; and everything else of the service that writes). */
  get pool(): pg.Pool {
    return this.#pool;
  }

  /** The pool member reads use: the reader's, or the writer's when no reader is configured. */
  get readerPool(): pg.Pool {
    return this.#reader;
  }

  /**
   * Runs validated member SQL with the database enforcing the family scope. First the plan is
   * read (EXPLAIN, as the member, in the same transaction: one extra round trip): SQL whose plan
   * costs more than `maxPlanCost`, expects more than `maxPlanRows` rows at a node, or could
   * process more than `maxPlanWork` rows with every claims scan bounded by the claims this person
   * may see (src/db/plan.ts) is refused with {@link DbTooExpensiveError} (SQL_TOO_EXPENSIVE)
   * before it runs.
   *
   * What comes back depends only on the claims this person may see: nothing here looks at the
   * claims of people hidden from them (no "would it have matched" re-run: that was an oracle).
   *
   * @example
   * const { rows, truncated } = await db.runMemberQuery(
   *   'SELECT claim_date, provider_name FROM claims_history WHERE member_id = 1000000001',
   *   { memberId: '1000000001' }, { rowCap: 200 });
   */
  async runMemberQuery(sql: string, scope: MemberScope, opts: { rowCap: number } & CallOptions): Promise<QueryResult> {
    if (!Number.isSafeInteger(opts.rowCap) || opts.rowCap < 1)
      throw new RangeError('rowCap must be a positive integer');
    const body = stripTrailingSemicolon(sql);
    // A bound parameter forces the extended protocol: the server accepts exactly one statement.
    // The newlines keep a trailing `--` comment from swallowing the wrapper.
    const text = `SELECT * FROM (\n${body}\n) AS member_query LIMIT $1`;
    const values = [opts.rowCap + 1];
    const rows = await this.#inMemberTransaction(scope, opts, async (client, visibleRows) => {
      const plan = await client.query<{ 'QUERY PLAN': unknown }>({ text: `EXPLAIN (FORMAT JSON) ${text}`, values });
      const estimate = planEstimate(plan.rows[0]?.['QUERY PLAN'], visibleRows, MEMBER_TABLE_NAMES);
      if (this.#tooExpensive(estimate)) throw new DbTooExpensiveError('the query would cost too much to run');
      const res = await client.query<Row>({ text, values });
      return res.rows;
    });
    return { rows: rows.slice(0, opts.rowCap), truncated: rows.length > opts.rowCap };
  }

  /**
   * The family as the signed-in person may know it: everyone's name and relationship, whether
   * their claims are visible to this person (plan policy), and which one is this person. Read by
   * trusted code (a SECURITY DEFINER function for claims_app), never by member SQL.
   *
   * @example
   * await db.roster({ memberId: '1000000001' })
   * // [{ name: 'Daniel Whitfield', relationship: 'subscriber', visible: true, self: true }, ...]
   */
  async roster(scope: MemberScope, opts: CallOptions = {}): Promise<FamilyMember[]> {
    checkScope(scope);
    const res = await boundedQuery<{
      name: string;
      relationship_code: RelationshipCode;
      visible: boolean;
      is_self: boolean;
    }>(
      this.#reader,
      'SELECT name, relationship_code, visible, is_self FROM app.family_roster($1::bigint, $2::text)',
      [scope.memberId, scope.personId ?? null],
      opts,
      { readOnly: true },
    );
    return res.rows.map((r) => ({
      name: r.name,
      relationship: r.relationship_code,
      visible: r.visible,
      self: r.is_self,
    }));
  }

  /**
   * Name and relationship of the signed-in person (the subscriber when personId is absent).
   *
   * @example
   * await db.describeAsker({ memberId: '1000000001' }) // { name: 'Daniel Whitfield', relationship: 'subscriber' }
   */
  async describeAsker(scope: MemberScope, opts: CallOptions = {}): Promise<Asker | undefined> {
    checkScope(scope);
    const res = await boundedQuery<{ name: string; relationship_code: RelationshipCode }>(
      this.#reader,
      'SELECT name, relationship_code FROM app.describe_person($1::bigint, $2::text)',
      [scope.memberId, scope.personId ?? null],
      opts,
      { readOnly: true },
    );
    const row = res.rows[0];
    return row ? { name: row.name, relationship: row.relationship_code } : undefined;
  }

  /**
   * Appends one row to ask_audit (never the question, SQL, names or rows).
   *
   * @example
   * await db.writeAudit({ requestId, memberId: '1000000001', reasonCode: 'OK', rowCount: 3, timings: { total: 812 } });
   */
  async writeAudit(entry: AuditEntry): Promise<void> {
    checkScope(entry);
    try {
      await this.#pool.query(
        `INSERT INTO public.ask_audit (request_id, member_id, person_id, reason_code, row_count, timings, summary_guard)
         VALUES ($1, $2::bigint, $3, $4, $5, $6::jsonb, $7)`,
        [
          entry.requestId,
          entry.memberId,
          entry.personId ?? null,
          entry.reasonCode,
          entry.rowCount,
          JSON.stringify(entry.timings),
          entry.summaryGuard ?? null,
        ],
      );
    } catch (err) {
      throw toDbError(err);
    }
  }

  /** Closes the pools. */
  async close(): Promise<void> {
    await Promise.all([this.#pool.end(), ...(this.#reader === this.#pool ? [] : [this.#reader.end()])]);
  }

  #tooExpensive(estimate: PlanEstimate): boolean {
    const o = this.#opts;
    return estimate.maxCost > o.maxPlanCost || estimate.maxRows > o.maxPlanRows || estimate.work > o.maxPlanWork;
  }

  /** Runs `run` as the member in a scoped transaction; `visibleRows`: the claims this person may see. */
  async #inMemberTransaction<T>(
    scope: MemberScope,
    call: CallOptions,
    run: (client: pg.PoolClient, visibleRows: number) => Promise<T>,
  ): Promise<T> {
    checkScope(scope);
    const { signal } = call;
    if (signal?.aborted) throw outOfTime();
    // The first setup probes the server (temp_file_limit): bounded by the ask's deadline, and a
    // probe that hung is dropped so the next ask probes again instead of waiting on it forever.
    const setup = await abortable(this.#setupSql(call), signal, () => {
      this.#canSetTempFileLimit = undefined;
      return outOfTime();
    });
    const guarded = await guardedCheckout(this.#reader, signal);
    const { client } = guarded;
    let answered = false;
    try {
      // One round trip for the whole setup (simple protocol: one message). That is also what lets
      // app.open_scope run at all: it refuses any statement but those of the message that began
      // the transaction, so member SQL (always a later message) can never open a scope. The ids
      // were checked against strict patterns above (digits; <digits>-NN) and the person id is
      // quoted anyway.
      const person = scope.personId === undefined ? 'NULL' : client.escapeLiteral(scope.personId);
      const openScope = `SELECT app.open_scope(${scope.memberId}::bigint, ${person}::text, false, ${setup.scopeTtlMs})`;
      // Last, as the member: how many claims RLS lets through (bounds every scan in the plan check).
      const results = (await client.query(
        `${setup.begin}; ${openScope}; ${setup.becomeMember}; SELECT count(*) AS n FROM public.claims_history`,
      )) as unknown as pg.QueryResult<{ n: string | number }>[];
      const visibleRows = Number(results[results.length - 1]?.rows[0]?.n ?? Number.NaN);
      if (!Number.isFinite(visibleRows)) throw new Error('unexpected setup result');
      const result = await run(client, visibleRows);
      answered = true;
      return result;
    } catch (err) {
      throw guarded.failure(err);
    } finally {
      // Always ROLLBACK: it ends the scope and every SET LOCAL. If it fails the connection's state
      // is unknown, so it goes back as broken and the pool destroys it. With the rows in hand the
      // caller need not wait for it (one round trip less per ask): the connection goes back to
      // the pool once it is done (bounded). After a failure it is awaited, so the error reported
      // is this call's own.
      await guarded.release({ committed: false, background: answered });
    }
  }

  async #setupSql(call: CallOptions): Promise<{ begin: string; becomeMember: string; scopeTtlMs: number }> {
    const { timeoutMs } = call;
    // Bounded like every other read (a probe left running on a hung server would hold one of the
    // pool's few connections until TCP gave up).
    this.#canSetTempFileLimit ??= boundedQuery<{ ok: boolean }>(
      this.#reader,
      "SELECT coalesce(has_parameter_privilege('temp_file_limit', 'SET'), false) AS ok",
      [],
      call,
      { readOnly: true },
    )
      .then((r) => r.rows[0]?.ok === true)
      .catch((err: unknown) => {
        // An outage or a timeout is not an answer: ask again next time instead of skipping the
        // limit for good.
        if (isConnectionError(err) || err instanceof DbTimeoutError) this.#canSetTempFileLimit = undefined;
        return false; // before PostgreSQL 15 there is no parameter privilege: skip it
      });
    const o = this.#opts;
    // The statement may use the configured timeout, or less when the ask has less time left.
    const statementTimeoutMs =
      timeoutMs === undefined
        ? o.statementTimeoutMs
        : Math.max(1, Math.min(o.statementTimeoutMs, Math.floor(timeoutMs)));
    // Values are validated integers: SET takes no bind parameters.
    const begin = [
      'BEGIN',
      `SET LOCAL statement_timeout = ${statementTimeoutMs}`,
      `SET LOCAL lock_timeout = ${o.lockTimeoutMs}`,
      `SET LOCAL idle_in_transaction_session_timeout = ${o.idleInTransactionTimeoutMs}`,
      `SET LOCAL work_mem = ${o.workMemKb}`,
      ...((await this.#canSetTempFileLimit) ? [`SET LOCAL temp_file_limit = ${o.tempFileLimitKb}`] : []),
    ].join('; ');
    // pg_temp last: a relation name never resolves to a temporary object first (the member role
    // cannot create one anyway: TEMPORARY is revoked).
    const becomeMember = [
      'SET LOCAL search_path = pg_catalog, public, pg_temp',
      'SET LOCAL transaction_read_only = on',
      'SET LOCAL ROLE claims_member',
    ].join('; ');
    // How long the scope token stays valid from the transaction's start: the plan check and the
    // query (each at most one statement timeout) and the idle time allowed between statements.
    const scopeTtlMs = Math.min(900_000, 2 * statementTimeoutMs + o.idleInTransactionTimeoutMs);
    return { begin, becomeMember, scopeTtlMs };
  }
}

function checkScope(scope: { memberId: string; personId?: string }): void {
  if (!isMemberId(scope.memberId)) throw new DbScopeError('member id must be 10 digits');
  if (scope.personId !== undefined && !isPersonId(scope.personId)) {
    throw new DbScopeError('person id must look like <member_id>-NN');
  }
  if (scope.personId !== undefined && !isPersonId(scope.personId, scope.memberId)) {
    throw new DbScopeError('person id belongs to another member');
  }
}

function stripTrailingSemicolon(sql: string): string {
  return sql.trim().replace(/;\s*$/, '');
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
