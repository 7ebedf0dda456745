/**
 * Member queries at scale: a separate database on the bench cluster, migrated, the normal seed
 * (demo families, plans, policies), then synthetic families generated server-side
 * (INSERT ... SELECT from generate_series) up to `claims` rows in claims_history. Secondary
 * indexes are dropped for the load and rebuilt after (as a bulk load would); FK checks are
 * skipped with session_replication_role = replica because the generator derives every claim
 * from a person it just inserted (a count check afterwards proves it). Then, for random members,
 * the eval set's SQL (or the offline engine's SQL for the common question kinds) runs through
 * PgMemberDb (claims_app → signed scope → claims_member, RLS on). Target: p95 < 10 ms; EXPLAIN shows
 * index use; EXPLAIN ANALYZE shows every scope InitPlan ran once per statement; one scope check's
 * cost is reported.
 */
import pg from 'pg';
import type { MemberScope } from '../src/core/ports.ts';
import { PgMemberDb } from '../src/db/member-db.ts';
import { migrate } from '../src/db/migrate.ts';
import { configureAppRole } from '../src/db/roles.ts';
import { seedDatabase } from '../src/db/seed/load.ts';
import { fillReference } from '../src/eval/cases.ts';
import { parseBenefitQuestion, writeBenefitSql } from '../src/llm/offline/benefits.ts';
import { parseQuestion, writeSql } from '../src/llm/offline/index.ts';
import { LIMITS } from '../src/schema/catalog.ts';
import { validateSql } from '../src/validate/index.ts';
import type { BenchCluster } from './lib/cluster.ts';
import { BENEFIT_KINDS, COMMON_QUESTIONS, loadEvalSql } from './lib/questions.ts';
import { latencyMeasure, type PartResult } from './lib/results.ts';
import { round, summarize } from './lib/stats.ts';
import { prng } from './pipeline.ts';

export interface ScaleOptions {
  readonly claims: number;
  readonly queries: number;
  readonly maxMs: number;
  readonly today: string;
}

const DB_NAME = 'claims_bench_scale';
/** Member tables that grow with the families: a Seq Scan on them at 5 M claims is a miss. */
const LARGE_TABLES: ReadonlySet<string> = new Set([
  'claims_history',
  'accumulators',
  'visit_counts',
  'family_accumulator_totals',
]);
/** Tables whose reads inside the scope functions the EXPLAIN report shows (member data). */
const NESTED_TABLES: ReadonlySet<string> = new Set([...LARGE_TABLES, 'people', 'families']);
/** Synthetic member ids start here (the normal seed uses random ids; collisions are skipped). */
const FIRST_MEMBER = 9_000_000_000;
/** ~2.5 people a family, ~20 claims a person over three years. */
const CLAIMS_PER_FAMILY = 50;

/**
 * Indexes dropped for the load and built after it, as a bulk load would: the claims' secondary
 * indexes, and the accumulator and visit-count tables' keys and indexes (millions of rows at 5 M
 * claims; building them afterwards costs about half of keeping them up row by row). Each entry is
 * [what drops it, what builds it again, as migration 002/040 made it].
 */
const REBUILT_INDEXES: readonly (readonly [string, string])[] = [
  [
    'DROP INDEX public.claims_history_member_status',
    "CREATE INDEX claims_history_member_status ON public.claims_history (member_id, claim_status, claim_date) WHERE claim_status IN ('pending', 'denied')",
  ],
  [
    'DROP INDEX public.claims_history_member_date',
    'CREATE INDEX claims_history_member_date ON public.claims_history (member_id, claim_date)',
  ],
  [
    'DROP INDEX public.claims_history_member_person',
    'CREATE INDEX claims_history_member_person ON public.claims_history (member_id, person_id, claim_date)',
  ],
  [
    'DROP INDEX public.claims_history_member_type_date',
    'CREATE INDEX claims_history_member_type_date ON public.claims_history (member_id, claim_type, claim_date)',
  ],
  [
    'DROP INDEX public.claims_history_member_provider',
    'CREATE INDEX claims_history_member_provider ON public.claims_history (member_id, provider_name)',
  ],
  [
    'ALTER TABLE public.accumulators DROP CONSTRAINT accumulators_pkey',
    'ALTER TABLE public.accumulators ADD CONSTRAINT accumulators_pkey PRIMARY KEY (member_id, person_id, plan_year, network)',
  ],
  [
    'DROP INDEX public.accumulators_member_year',
    'CREATE INDEX accumulators_member_year ON public.accumulators (member_id, plan_year)',
  ],
  [
    'ALTER TABLE public.family_accumulator_totals DROP CONSTRAINT family_accumulator_totals_pkey',
    'ALTER TABLE public.family_accumulator_totals ADD CONSTRAINT family_accumulator_totals_pkey PRIMARY KEY (member_id, plan_year, network)',
  ],
  [
    'ALTER TABLE public.visit_counts DROP CONSTRAINT visit_counts_pkey',
    'ALTER TABLE public.visit_counts ADD CONSTRAINT visit_counts_pkey PRIMARY KEY (member_id, person_id, plan_year, service_category)',
  ],
  [
    'DROP INDEX public.visit_counts_member_year',
    'CREATE INDEX visit_counts_member_year ON public.visit_counts (member_id, plan_year)',
  ],
];

/**
 * The generator: families → people → claims, all from generate_series. Families: $1 (inlined, a
 * multi-statement text takes no parameters) families, in a scratch schema both connections see.
 */
const GENERATE_FAMILIES = `
  CREATE SCHEMA bench_seed;
  CREATE UNLOGGED TABLE bench_seed.new_families AS
  SELECT (${FIRST_MEMBER} + g)::bigint AS member_id, g
  FROM generate_series(1, $1::int) g
  WHERE NOT EXISTS (SELECT 1 FROM public.families f WHERE f.member_id = ${FIRST_MEMBER} + g);
  INSERT INTO public.families (member_id, plan_id)
  SELECT nf.member_id, (SELECT array_agg(plan_id ORDER BY plan_id) FROM public.plans)[1 + nf.g % (SELECT count(*) FROM public.plans)::int]
  FROM bench_seed.new_families nf;`;

/** People of the new families, $1 today; $2 = 0 or 1: the half of the families (g mod 2) to add. */
const GENERATE_PEOPLE = `
  INSERT INTO public.people (person_id, member_id, first_name, last_name, relationship_code, birth_date)
  SELECT nf.member_id::text || '-' || lpad(n::text, 2, '0'),
         nf.member_id,
         (ARRAY['Ava','Noah','Mia','Liam','Zoe','Omar','Ines','Kenji','Lena','Raul','Tara','Ezra'])[1 + (nf.g * 7 + n) % 12],
         (ARRAY['Stone','Rivera','Okoye','Berg','Novak','Sato','Haddad','Moreau','Quinn','Duarte'])[1 + nf.g % 10],
         CASE n WHEN 1 THEN 'subscriber' WHEN 2 THEN 'spouse' ELSE (CASE WHEN (nf.g + n) % 2 = 0 THEN 'son' ELSE 'daughter' END) END,
         $1::date - make_interval(years => CASE WHEN n <= 2 THEN 28 + nf.g % 45 ELSE (nf.g + n) % 20 END, days => (nf.g * 13 + n) % 365)
  FROM bench_seed.new_families nf, generate_series(1, 1 + nf.g % 4) n
  WHERE nf.g % 2 = $2::int;`;

const NUMBER_PEOPLE = `
  CREATE UNLOGGED TABLE bench_seed.new_people AS
  SELECT (row_number() OVER (ORDER BY p.person_id) - 1)::int AS k, p.person_id, p.member_id,
         p.first_name || ' ' || p.last_name AS name, p.relationship_code
  FROM public.people p JOIN bench_seed.new_families nf ON nf.member_id = p.member_id;
  CREATE INDEX ON bench_seed.new_people (k);
  ANALYZE bench_seed.new_people;`;

/**
 * $1 claims to add, $2 people count, $3 today, $4 first i of this chunk, $5 claim_id before the
 * first generated claim. Claims of one person are spread over the table (claim i belongs to person
 * i mod $2). One claim in 50 is pending (not processed, nothing paid) and one in 50 denied (a CARC
 * code, nothing paid); the member's share of the others splits into deductible, copay and the rest.
 * Amounts are whole dollars times a fraction, computed in integer arithmetic once per row (charged
 * c, allowed 60 %, plan paid 42 %, the member 12 % = 6 % deductible + 3 % copay + 3 % not covered).
 * Claim ids are i + 1 after $5 whatever chunk inserts the row, so two chunks loaded side by side
 * give the rows and ids one sequential load would.
 */
const GENERATE_CLAIMS = `
  INSERT INTO public.claims_history (claim_id, member_id, person_id, member_name, relationship_code, claim_type,
    claim_date, provider_name, diagnosis_code, procedure_code, ndc_code, charged_amount, allowed_amount,
    plan_paid_amount, patient_responsibility, claim_status, processed_date, denial_code, service_category, network,
    deductible_amount, copay_amount, not_covered_amount)
  SELECT $5::bigint + g.i + 1, p.member_id, p.person_id, p.name, p.relationship_code,
         CASE WHEN g.med THEN 'Medical' ELSE 'RX' END,
         g.claim_date,
         CASE WHEN g.med
           THEN (ARRAY['Riverside Clinic','Lakeside Pediatrics','Northgate Hospital','Summit Family Care','Harbor Imaging','Elm Street Dental'])[1 + (g.h / 100) % 6]
           ELSE (ARRAY['CVS Pharmacy','Walgreens','Rite Aid','Costco Pharmacy'])[1 + (g.h / 100) % 4] END,
         (ARRAY['E11.9','I10','J06.9','M54.5','Z00.00','F41.1'])[1 + (g.h / 7) % 6],
         CASE WHEN g.med THEN (ARRAY['99213','99214','80053','71046','99395'])[1 + (g.h / 11) % 5] END,
         CASE WHEN NOT g.med THEN (ARRAY['00093-1048-01','00378-0208-01','00591-0405-01'])[1 + (g.h / 13) % 3] END,
         g.c,
         CASE WHEN g.open THEN 0 ELSE g.c * 60 / 100.0 END,
         CASE WHEN g.open THEN 0 ELSE g.c * 42 / 100.0 END,
         CASE WHEN g.open THEN 0 ELSE g.c * 12 / 100.0 END,
         CASE g.h % 50 WHEN 0 THEN 'pending' WHEN 1 THEN 'denied' ELSE 'paid' END,
         CASE WHEN g.h % 50 = 0 THEN NULL ELSE g.claim_date + (g.h % 30)::int END,
         CASE WHEN g.h % 50 = 1 THEN (ARRAY['16','197','50','97'])[1 + (g.h / 17) % 4] END,
         CASE WHEN g.med
           THEN (ARRAY['primary_care','primary_care','hospital_stay','primary_care','imaging','specialist'])[1 + (g.h / 100) % 6]
           ELSE 'generic_drug' END,
         'in_network',
         CASE WHEN g.open THEN 0 ELSE g.c * 6 / 100.0 END,
         CASE WHEN g.open THEN 0 ELSE g.c * 3 / 100.0 END,
         CASE WHEN g.open THEN 0 ELSE g.c * 3 / 100.0 END
  FROM (
    -- Each row's numbers once (OFFSET 0 keeps the planner from inlining them into every use).
    SELECT hh.i, hh.h, 20 + (hh.h * 31) % 4000 AS c, hh.h % 50 IN (0, 1) AS open, hh.h % 100 < 65 AS med,
           $3::date - ((hh.i * 7919) % 1095)::int AS claim_date
    FROM (SELECT i, (i * 2654435761) % 1000003 AS h FROM generate_series($4::bigint, $1::bigint - 1) i OFFSET 0) hh
    OFFSET 0
  ) g
  JOIN bench_seed.new_people p ON p.k = (g.i % $2::bigint)::int;`;

/**
 * The payer's totals for the synthetic people, this plan year and last (in network): accumulators,
 * family totals and visit counts of the four services with a visit limit (physical, occupational
 * and speech therapy, chiropractic). Values come from each person's number, not from
 * the claims (the bench measures queries; test/db/accumulators.test.ts proves the real seed's
 * consistency). $1 today.
 */
const GENERATE_ACCUMULATORS: readonly string[] = [
  `INSERT INTO public.accumulators (member_id, person_id, member_name, relationship_code, plan_year, network,
     deductible_met, oop_met, as_of_date)
   SELECT p.member_id, p.person_id, p.name, p.relationship_code, y, 'in_network',
          ((p.k * 7919 + y) % 500)::numeric(10, 2), ((p.k * 7919 + y) % 500 + (p.k * 31) % 2000)::numeric(10, 2), $1::date
   FROM bench_seed.new_people p CROSS JOIN generate_series(extract(year FROM $1::date)::int - 1, extract(year FROM $1::date)::int) y`,
  `INSERT INTO public.family_accumulator_totals (member_id, plan_year, network, deductible_met, oop_met, as_of_date)
   SELECT member_id, plan_year, network, sum(deductible_met), sum(oop_met), $1::date
   FROM public.accumulators a WHERE a.member_id IN (SELECT nf.member_id FROM bench_seed.new_families nf)
   GROUP BY member_id, plan_year, network`,
  `INSERT INTO public.visit_counts (member_id, person_id, member_name, relationship_code, plan_year, service_category,
     visits_used, as_of_date)
   SELECT p.member_id, p.person_id, p.name, p.relationship_code, y, s.category, (p.k + y + s.n) % 12, $1::date
   FROM bench_seed.new_people p
   CROSS JOIN generate_series(extract(year FROM $1::date)::int - 1, extract(year FROM $1::date)::int) y
   CROSS JOIN unnest(ARRAY['physical_therapy', 'chiropractic', 'occupational_therapy', 'speech_therapy']) WITH ORDINALITY s (category, n)`,
];

/**
 * @example const part = await benchScale(cluster, { claims: 5_000_000, queries: 2000, maxMs: 60_000, today: '2026-11-25' });
 */
export async function benchScale(cluster: BenchCluster, opts: ScaleOptions): Promise<PartResult> {
  const t0 = performance.now();
  const adminUrl = await cluster.createDatabase(DB_NAME);
  const adminPool = new pg.Pool({ connectionString: adminUrl, max: 2 });
  adminPool.on('error', () => undefined);
  let db: PgMemberDb | undefined;
  try {
    await migrate(adminUrl);
    const appUrl = await configureAppRole(adminUrl);
    await seedDatabase(adminPool, { families: 500, today: opts.today });

    // ---- the fast seed
    const seedStart = performance.now();
    const steps: Record<string, number> = {};
    const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const s = performance.now();
      try {
        return await fn();
      } finally {
        steps[name] = round((performance.now() - s) / 1000, 2);
        process.stderr.write(`[bench] scale seed: ${name} ${steps[name]} s\n`);
      }
    };
    // Two connections, so the two cores work side by side where steps are independent.
    const client = await adminPool.connect();
    const second = await adminPool.connect();
    let added = 0;
    try {
      const existing = Number((await client.query('SELECT count(*) AS n FROM public.claims_history')).rows[0].n);
      const toAdd = Math.max(0, opts.claims - existing);
      const families = Math.max(1, Math.ceil(toAdd / CLAIMS_PER_FAMILY));
      for (const c of [client, second]) {
        await c.query("SET maintenance_work_mem = '512MB'");
        // The claims' hash join on the new people (a quarter of a million at 5 M claims) and the
        // generate_series rows stay in memory instead of spilling to temp files in batches.
        await c.query("SET work_mem = '512MB'");
        await c.query('SET session_replication_role = replica');
      }
      // The indexes as the migrations made them, to prove the rebuilt ones are the same.
      const indexDefs = async () =>
        (
          await client.query<{ d: string }>(
            `SELECT string_agg(indexdef, E'\\n' ORDER BY indexname) AS d FROM pg_indexes
             WHERE schemaname = 'public' AND tablename IN ('claims_history', 'accumulators', 'family_accumulator_totals', 'visit_counts')`,
          )
        ).rows[0]?.d;
      const migrated = await indexDefs();
      await step('drop indexes', () => client.query(REBUILT_INDEXES.map(([drop]) => drop).join(';\n')));
      await step('families', () => client.query(GENERATE_FAMILIES.replace('$1::int', String(families))));
      await step('people', () =>
        Promise.all([client.query(GENERATE_PEOPLE, [opts.today, 0]), second.query(GENERATE_PEOPLE, [opts.today, 1])]),
      );
      await step('number people', () => client.query(NUMBER_PEOPLE));
      const peopleCount = Number((await client.query('SELECT count(*) AS n FROM bench_seed.new_people')).rows[0].n);
      // Two chunks side by side; ids stay i + 1 after maxId whichever chunk inserts the row.
      const maxId = String(
        (await client.query('SELECT coalesce(max(claim_id), 0) AS m FROM public.claims_history')).rows[0].m,
      );
      const half = Math.floor(toAdd / 2);
      const counts = await step('claims', () =>
        Promise.all([
          client.query(GENERATE_CLAIMS, [half, peopleCount, opts.today, 0, maxId]),
          second.query(GENERATE_CLAIMS, [toAdd, peopleCount, opts.today, half, maxId]),
        ]),
      );
      added = counts.reduce((n, r) => n + (r.rowCount ?? 0), 0);
      await client.query(
        "SELECT setval(pg_get_serial_sequence('public.claims_history', 'claim_id'), (SELECT max(claim_id) FROM public.claims_history))",
      );
      for (const c of [client, second]) await c.query('SET session_replication_role = origin');
      // Then two lanes: the claims (VACUUM ANALYZE first, while only the primary key exists, so the
      // index builds read pages whose hint bits are set), and the payer's totals with their keys.
      const claimsIndexes = REBUILT_INDEXES.filter(([drop]) => drop.includes('claims_history'));
      const otherIndexes = REBUILT_INDEXES.filter(([drop]) => !drop.includes('claims_history'));
      const label = (drop: string) => `index ${drop.split(' ').at(-1)?.replace('public.', '')}`;
      const [, orphans] = await Promise.all([
        (async () => {
          await step('vacuum analyze claims', () => client.query('VACUUM (ANALYZE) public.claims_history'));
          for (const [drop, build] of claimsIndexes) await step(label(drop), () => client.query(build));
        })(),
        (async () => {
          await second.query('SET session_replication_role = replica');
          for (const [n, sql] of GENERATE_ACCUMULATORS.entries())
            await step(`accumulators ${n + 1}`, () => second.query(sql, [opts.today]));
          await second.query('SET session_replication_role = origin');
          for (const [drop, build] of otherIndexes) await step(label(drop), () => second.query(build));
          await step('vacuum analyze the rest', () =>
            second.query(
              'VACUUM (ANALYZE) public.people, public.families, public.accumulators, public.family_accumulator_totals, public.visit_counts',
            ),
          );
          // What the skipped FK triggers would have checked (beside lane A's index builds).
          return Number(
            (
              await step('fk check', () =>
                second.query(
                  `SELECT (SELECT count(*) FROM public.claims_history c
                           WHERE NOT EXISTS (SELECT 1 FROM public.people p WHERE p.member_id = c.member_id AND p.person_id = c.person_id))
                        + (SELECT count(*) FROM public.claims_history c
                           WHERE c.denial_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.denial_reasons r WHERE r.reason_code = c.denial_code))
                          AS n`,
                ),
              )
            ).rows[0].n,
          );
        })(),
      ]);
      if ((await indexDefs()) !== migrated) throw new Error('the rebuilt indexes differ from the migrated ones');
      if (orphans !== 0) throw new Error(`${orphans} generated claims have no person or no denial reason`);
    } finally {
      client.release();
      second.release();
    }
    const seedSeconds = round((performance.now() - seedStart) / 1000, 1);
    const total = Number((await adminPool.query('SELECT count(*) AS n FROM public.claims_history')).rows[0].n);

    // ---- the queries
    db = PgMemberDb.connect(appUrl, {}, { max: 2 });
    const scopes = (
      await adminPool.query<{ member_id: string; person_id: string; name: string; rel: string }>(
        `SELECT member_id::text AS member_id, person_id, first_name || ' ' || last_name AS name, relationship_code AS rel
         FROM public.people WHERE relationship_code = 'subscriber' ORDER BY random() LIMIT 2000`,
      )
    ).rows;
    const evalSql = loadEvalSql();
    const rnd = prng(11);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
    const today = {
      year: Number(opts.today.slice(0, 4)),
      month: Number(opts.today.slice(5, 7)),
      day: Number(opts.today.slice(8, 10)),
    };
    /** One member query: the eval set's SQL re-pointed at a random member, or the engine's SQL. */
    const nextQuery = (): { sql: string; scope: MemberScope } | undefined => {
      const s = pick(scopes);
      if (evalSql?.length) {
        const c = pick(evalSql);
        return {
          sql: fillReference(c.sql, opts.today, s.member_id).replaceAll(c.memberId, s.member_id),
          scope: { memberId: s.member_id },
        };
      }
      const parsed = parseQuestion(pick(COMMON_QUESTIONS), { memberId: s.member_id, today });
      if (!parsed.ok) return undefined;
      const sql = writeSql(parsed.intent, s.member_id, { name: s.name, relationship: s.rel as 'subscriber' });
      return { sql, scope: { memberId: s.member_id } };
    };

    const latencies: number[] = [];
    let rejected = 0;
    /** Honest queries the plan check refused (SQL_TOO_EXPENSIVE): must stay 0 at every scale. */
    let tooExpensive = 0;
    const deadline = performance.now() + opts.maxMs;
    for (let i = 0; i < 50 + opts.queries && performance.now() < deadline; i++) {
      const q = nextQuery();
      if (!q) continue;
      const v = validateSql(q.sql, q.scope);
      if (!v.ok) {
        rejected++;
        continue;
      }
      const s = performance.now();
      try {
        await db.runMemberQuery(v.sql, q.scope, { rowCap: LIMITS.rowCap });
      } catch (err) {
        if ((err as { code?: unknown }).code !== 'SQL_TOO_EXPENSIVE') throw err;
        tooExpensive++;
        continue;
      }
      if (i >= 50) latencies.push(performance.now() - s);
    }

    // ---- benefit and claim-status questions (issue 14): the offline engine's SQL, random subscribers
    const benefitSql = (q: string, s: (typeof scopes)[number]): string | undefined => {
      const parsed = parseBenefitQuestion(q, { today, asker: { name: s.name, relationship: 'subscriber' } });
      return parsed?.ok
        ? writeBenefitSql(parsed.intent, s.member_id, { name: s.name, relationship: 'subscriber' })
        : undefined;
    };
    const benefitLatencies: number[] = [];
    const kindLatencies = new Map<string, number[]>(BENEFIT_KINDS.map((k) => [k.kind, []]));
    let benefitRejected = 0;
    const benefitDeadline = performance.now() + opts.maxMs;
    for (let i = 0; i < 50 + opts.queries && performance.now() < benefitDeadline; i++) {
      const s = pick(scopes);
      const k = pick(BENEFIT_KINDS);
      const sql = benefitSql(k.question, s);
      const scope = { memberId: s.member_id };
      const v = sql === undefined ? undefined : validateSql(sql, scope);
      if (!v?.ok) {
        benefitRejected++;
        continue;
      }
      const t = performance.now();
      await db.runMemberQuery(v.sql, scope, { rowCap: LIMITS.rowCap });
      if (i >= 50) {
        benefitLatencies.push(performance.now() - t);
        kindLatencies.get(k.kind)?.push(performance.now() - t);
      }
    }

    // ---- EXPLAIN (ANALYZE) as claims_member under the scope, one per query kind
    const plans: { question: string; nodes: string[]; indexes: string[]; seqScanOnClaims: boolean }[] = [];
    const benefitPlans: {
      kind: string;
      question: string;
      nodes: string[];
      indexes: string[];
      seqScanOnMemberTables: string[];
    }[] = [];
    const initPlanLoops: number[] = [];
    const appClient = new pg.Client({ connectionString: appUrl });
    await appClient.connect();
    // The plans of the statements run inside the scope's SECURITY DEFINER functions (a view such as
    // family_accumulators reads one): auto_explain sends each nested statement's plan to this
    // client as a NOTICE. LOAD and these settings need a superuser: a second, admin connection
    // runs the same EXPLAIN as claims_member under the same kind of scope.
    const nestedClient = new pg.Client({ connectionString: adminUrl });
    await nestedClient.connect();
    const nestedPlans: unknown[] = [];
    nestedClient.on('notice', (msg) => {
      const text = String(msg.message ?? '');
      const json = text.indexOf('{');
      if (text.startsWith('duration:') && json >= 0) {
        try {
          nestedPlans.push((JSON.parse(text.slice(json)) as { Plan?: unknown }).Plan);
        } catch {
          // not a plan
        }
      }
    });
    await nestedClient.query(
      "LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on; SET auto_explain.log_format = 'json'; SET auto_explain.log_level = 'notice'",
    );
    try {
      const s = scopes[0] as (typeof scopes)[number];
      const kinds = evalSql?.length
        ? evalSql.slice(0, 20).map((c, n) => ({
            label: `eval #${n + 1}`,
            sql: fillReference(c.sql, opts.today, s.member_id).replaceAll(c.memberId, s.member_id),
          }))
        : COMMON_QUESTIONS.flatMap((q) => {
            const parsed = parseQuestion(q, { memberId: s.member_id, today });
            return parsed.ok
              ? [{ label: q, sql: writeSql(parsed.intent, s.member_id, { name: s.name, relationship: 'subscriber' }) }]
              : [];
          });
      const explain = async (sql: string) => {
        // The scope opens only in the message that begins the transaction (migration 172).
        const member = String(BigInt(s.member_id));
        await appClient.query(
          `BEGIN; SELECT app.open_scope(${member}::bigint, NULL, false); SET LOCAL transaction_read_only = on; SET LOCAL ROLE claims_member`,
        );
        try {
          // ANALYZE: the actual loops of each InitPlan (the scope checks run once per statement).
          const res = await appClient.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`);
          const nodes: { type: string; index?: string; relation?: string; initPlanLoops?: number }[] = [];
          const walk = (n: Record<string, unknown>) => {
            nodes.push({
              type: String(n['Node Type']),
              index: n['Index Name'] as string | undefined,
              relation: n['Relation Name'] as string | undefined,
              ...(n['Parent Relationship'] === 'InitPlan' ? { initPlanLoops: Number(n['Actual Loops']) } : {}),
            });
            for (const c of (n.Plans as Record<string, unknown>[] | undefined) ?? []) walk(c);
          };
          walk((res.rows[0]['QUERY PLAN'] as { Plan: Record<string, unknown> }[])[0]?.Plan ?? {});
          // The nested statements' nodes (their InitPlans are the functions' own, not the policies' per-statement checks).
          for (const plan of await nestedPlansOf(sql, member)) {
            const before = nodes.length;
            walk(plan);
            for (const n of nodes.slice(before)) delete n.initPlanLoops;
          }
          return nodes;
        } finally {
          await appClient.query('ROLLBACK');
        }
      };
      /** The plans of the statements that run inside functions while `sql` runs as the member. */
      const nestedPlansOf = async (sql: string, member: string): Promise<Record<string, unknown>[]> => {
        await nestedClient.query(
          `BEGIN; SELECT app.open_scope(${member}::bigint, NULL, false); SET LOCAL transaction_read_only = on; SET LOCAL ROLE claims_member`,
        );
        nestedPlans.length = 0;
        try {
          await nestedClient.query(sql);
        } finally {
          await nestedClient.query('ROLLBACK');
        }
        // The last plan logged is the member statement itself (already walked above); of the rest,
        // those that read member data (not, e.g., the scope check's key lookup).
        const readsMemberData = (n: Record<string, unknown>): boolean =>
          NESTED_TABLES.has(String(n['Relation Name'])) ||
          ((n.Plans as Record<string, unknown>[] | undefined) ?? []).some(readsMemberData);
        return (nestedPlans.slice(0, -1) as Record<string, unknown>[]).filter(readsMemberData);
      };
      for (const k of kinds) {
        const nodes = await explain(k.sql);
        for (const n of nodes) if (n.initPlanLoops !== undefined) initPlanLoops.push(n.initPlanLoops);
        plans.push({
          question: k.label,
          nodes: [...new Set(nodes.map((n) => n.type))],
          indexes: [...new Set(nodes.flatMap((n) => (n.index ? [n.index] : [])))],
          seqScanOnClaims: nodes.some((n) => n.type === 'Seq Scan' && n.relation === 'claims_history'),
        });
      }
      for (const k of BENEFIT_KINDS) {
        const sql = benefitSql(k.question, s);
        if (!sql) continue;
        const nodes = await explain(sql);
        for (const n of nodes) if (n.initPlanLoops !== undefined) initPlanLoops.push(n.initPlanLoops);
        benefitPlans.push({
          kind: k.kind,
          question: k.question,
          nodes: [...new Set(nodes.map((n) => n.type))],
          indexes: [...new Set(nodes.flatMap((n) => (n.index ? [n.index] : [])))],
          seqScanOnMemberTables: [
            ...new Set(
              nodes.flatMap((n) =>
                n.type === 'Seq Scan' && n.relation && LARGE_TABLES.has(n.relation) ? [n.relation] : [],
              ),
            ),
          ],
        });
      }
    } finally {
      await appClient.end();
      await nestedClient.end();
    }
    // ---- One scope check (app.scope_member_id(): what each policy's InitPlan calls), timed as
    // 2,000 calls in one statement inside a scoped transaction, as the owner.
    const scopeCheckMs: number[] = [];
    const ownerClient = await adminPool.connect();
    try {
      const member = String(BigInt((scopes[0] as (typeof scopes)[number]).member_id));
      for (let round = 0; round < 7; round++) {
        await ownerClient.query(`BEGIN; SELECT app.open_scope(${member}::bigint, NULL, false)`);
        try {
          const t = performance.now();
          await ownerClient.query('SELECT count(app.scope_member_id()) FROM generate_series(1, 2000)');
          if (round > 1) scopeCheckMs.push((performance.now() - t) / 2000);
        } finally {
          await ownerClient.query('ROLLBACK');
        }
      }
    } finally {
      ownerClient.release();
    }
    const allIndexed = plans.length > 0 && plans.every((p) => p.indexes.length > 0 && !p.seqScanOnClaims);
    const benefitIndexed =
      benefitPlans.length === BENEFIT_KINDS.length &&
      benefitPlans.every((p) => p.indexes.length > 0 && p.seqScanOnMemberTables.length === 0);

    return {
      part: 'scale',
      seconds: round((performance.now() - t0) / 1000, 1),
      measures: [
        {
          id: 'scale.seed_seconds',
          part: 'scale',
          what: `server-side seed of ${added.toLocaleString('en-US')} claims (indexes, VACUUM ANALYZE included); table holds ${total.toLocaleString('en-US')}`,
          unit: 's',
          value: seedSeconds,
          target: opts.claims >= 5_000_000 ? '< 120 s' : '< 120 s (at 5 M; this run is smaller)',
          pass: seedSeconds < 120,
        },
        latencyMeasure(
          {
            id: 'scale.member_query',
            part: 'scale',
            what: `member query via PgMemberDb (signed scope, claims_member, RLS), ${evalSql?.length ? 'eval set SQL' : 'offline-engine SQL for common questions'}, random members`,
            target: 'p95 < 10 ms',
            note: rejected ? `${rejected} generated queries were rejected by the validator and skipped` : undefined,
          },
          summarize(latencies),
          (x) => x.p95 < 10,
        ),
        {
          id: 'scale.plan_check_refusals',
          part: 'scale',
          what: 'honest member queries refused by the plan check (SQL_TOO_EXPENSIVE) at this table size',
          unit: 'count',
          value: tooExpensive,
          target: '0',
          pass: tooExpensive === 0,
        },
        {
          id: 'scale.explain_index_use',
          part: 'scale',
          what: `EXPLAIN as claims_member under the scope: query kinds using an index on claims_history`,
          unit: 'count',
          value: plans.filter((p) => p.indexes.length > 0 && !p.seqScanOnClaims).length,
          target: `all ${plans.length}, no Seq Scan on claims_history`,
          pass: allIndexed,
        },
        {
          id: 'scale.scope_check_loops',
          part: 'scale',
          what: `EXPLAIN ANALYZE as claims_member of every query kind above: the most times any scope InitPlan ran in one statement (${initPlanLoops.length} InitPlans)`,
          unit: 'count',
          value: Math.max(0, ...initPlanLoops),
          target: '1 (once per statement, never per row)',
          pass: initPlanLoops.length > 0 && initPlanLoops.every((n) => n <= 1),
        },
        latencyMeasure(
          {
            id: 'scale.scope_check',
            part: 'scale',
            what: 'one scope check (app.scope_member_id(): verify the signed scope token), per call, median of 5 × 2,000 calls',
          },
          summarize(scopeCheckMs),
        ),
        latencyMeasure(
          {
            id: 'scale.benefit_query',
            part: 'scale',
            what: `benefit and claim-status queries via PgMemberDb (deductible and out-of-pocket left, cost sharing, visits left, claim paid, pending, denied + why): the offline engine's SQL over accumulators, plan views, visit counts and claim status, random subscribers`,
            target: 'p95 < 10 ms',
            note: benefitRejected
              ? `${benefitRejected} generated queries were rejected by the validator and skipped`
              : undefined,
          },
          summarize(benefitLatencies),
          (x) => x.p95 < 10,
        ),
        {
          id: 'scale.benefit_explain_index_use',
          part: 'scale',
          what: 'EXPLAIN as claims_member: benefit and claim-status kinds using indexes, no Seq Scan on claims_history, accumulators, visit_counts or family_accumulator_totals',
          unit: 'count',
          value: benefitPlans.filter((p) => p.indexes.length > 0 && p.seqScanOnMemberTables.length === 0).length,
          target: `all ${BENEFIT_KINDS.length}`,
          pass: benefitIndexed,
        },
        // One row per kind: its latency, and the indexes its EXPLAIN used.
        ...BENEFIT_KINDS.map((k) => {
          const plan = benefitPlans.find((p) => p.kind === k.kind);
          const used = plan?.indexes.length ? plan.indexes.join(', ') : 'no index';
          const seq = plan?.seqScanOnMemberTables.length
            ? `; Seq Scan on ${plan.seqScanOnMemberTables.join(', ')}`
            : '';
          return latencyMeasure(
            {
              id: `scale.benefit_query.${k.kind.replace(/[^a-z]+/g, '_').replace(/^_|_$/g, '')}`,
              part: 'scale',
              what: `benefit kind "${k.kind}" ("${k.question}"); EXPLAIN: ${used}${seq}`,
              target: 'p95 < 10 ms, an index, no Seq Scan on a large member table',
            },
            summarize(kindLatencies.get(k.kind) ?? []),
            (x) => x.p95 < 10 && (plan?.indexes.length ?? 0) > 0 && !seq,
          );
        }),
      ],
      detail: {
        claimsInTable: total,
        benefitPlans,
        seedSteps: steps,
        source: evalSql?.length ? 'eval/cases.jsonl' : 'offline engine',
        plans,
      },
    };
  } finally {
    await db?.close().catch(() => undefined);
    await adminPool.end().catch(() => undefined);
    await cluster.dropDatabase(DB_NAME).catch(() => undefined);
  }
}
