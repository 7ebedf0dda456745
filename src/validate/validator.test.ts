import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reason, type ReasonCode } from '../core/reasons.ts';
import { LIMITS } from '../schema/catalog.ts';
import { validateSql } from './index.ts';

const M = '1234567890';
const OTHER = '9876543210';
const CH = 'claims_history';
const ctx = { memberId: M };

/** Realistic SQL for members' questions; every one must pass unchanged (and parse in PostgreSQL mode). */
const ACCEPTED: readonly string[] = [
  `SELECT claim_type, SUM(allowed_amount) AS total FROM claims_history WHERE member_id = ${M} AND claim_date >= date_trunc('year', current_date) GROUP BY claim_type`,
  `SELECT count(*) FROM claims_history WHERE member_id = ${M}`,
  `SELECT COUNT(*) AS claims FROM claims_history WHERE member_id = '${M}' AND EXTRACT(YEAR FROM claim_date) = 2025;`,
  `SELECT claim_date, provider_name, allowed_amount FROM claims_history WHERE member_id = ${M} ORDER BY claim_date DESC LIMIT 10`,
  `SELECT provider_name, COUNT(*) AS visits FROM claims_history WHERE member_id = ${M} GROUP BY provider_name ORDER BY visits DESC LIMIT 1`,
  `SELECT provider_name, COUNT(*) FROM claims_history WHERE member_id = ${M} GROUP BY provider_name ORDER BY COUNT(*) DESC LIMIT 1`,
  `SELECT claim_id, claim_date, provider_name FROM claims_history WHERE member_id = ${M} AND member_name ILIKE '%maria%'`,
  `SELECT claim_id, claim_date, provider_name FROM claims_history WHERE member_id = ${M} AND provider_name ILIKE '%city clinic%' AND claim_type = 'Medical'`,
  `SELECT claim_date, provider_name FROM claims_history WHERE member_id = ${M} AND relationship_code = 'son'`,
  `SELECT SUM(allowed_amount) FROM claims_history WHERE member_id = ${M} AND claim_date >= current_date - interval '12 months'`,
  `WITH mine AS (SELECT claim_id, claim_type FROM claims_history WHERE member_id = ${M}) SELECT claim_type, count(*) FROM mine GROUP BY claim_type`,
  `WITH mine AS (SELECT claim_id, allowed_amount FROM claims_history WHERE member_id = ${M}), big AS (SELECT claim_id FROM mine WHERE allowed_amount > 100) SELECT count(*) FROM big`,
  `SELECT t.provider_name, t.total FROM (SELECT provider_name, SUM(allowed_amount) AS total FROM claims_history WHERE member_id = ${M} GROUP BY provider_name) t ORDER BY t.total DESC`,
  `SELECT c.claim_id, c.claim_date FROM claims_history c WHERE c.member_id = ${M} AND c.allowed_amount > (SELECT avg(allowed_amount) FROM claims_history WHERE member_id = ${M})`,
  `SELECT member_name, claim_date FROM claims_history WHERE member_id = ${M} AND claim_type = 'RX' UNION SELECT member_name, claim_date FROM claims_history WHERE member_id = ${M} AND claim_type = 'Medical'`,
  `SELECT claim_date, allowed_amount, SUM(allowed_amount) OVER (ORDER BY claim_date) AS running FROM claims_history WHERE member_id = ${M}`,
  `SELECT claim_date, SUM(allowed_amount) OVER (PARTITION BY member_name ORDER BY claim_date) FROM claims_history WHERE member_id = ${M}`,
  `SELECT DISTINCT provider_name FROM claims_history WHERE member_id = ${M} AND claim_date = make_date(2025, 3, 14)`,
  `SELECT to_char(claim_date, 'YYYY-MM') AS month, sum(patient_responsibility) FROM claims_history WHERE member_id = ${M} GROUP BY 1 ORDER BY 1`,
  `SELECT round(avg(allowed_amount), 2) FROM claims_history WHERE member_id = ${M}`,
  `SELECT coalesce(sum(patient_responsibility), 0) AS owed FROM claims_history WHERE ${M} = member_id`,
  `SELECT claim_id FROM public.claims_history WHERE member_id = ${M}`,
  `SELECT claim_id, claim_date, provider_name FROM claims_history WHERE (member_id = ${M}) AND (claim_type = 'RX' OR claim_type = 'Medical')`,
  `SELECT claim_id, claim_date, provider_name FROM claims_history WHERE member_id = ${M} AND claim_date BETWEEN '2025-01-01' AND '2025-12-31'`,
  `SELECT claim_id, claim_date, provider_name FROM claims_history WHERE member_id = ${M} AND claim_date >= DATE '2025-01-01'`,
  `SELECT claim_id, claim_date, provider_name FROM claims_history WHERE member_id = ${M} AND claim_date::date >= '2025-01-01'::date`,
  `SELECT CAST(allowed_amount AS integer) FROM claims_history WHERE member_id = ${M}`,
  `SELECT a.claim_id, b.claim_id FROM claims_history a JOIN claims_history b ON a.claim_id = b.claim_id WHERE a.member_id = ${M} AND b.member_id = ${M}`,
  `SELECT c.claim_id, c.claim_date FROM claims_history c WHERE c.member_id = ${M} AND EXISTS (SELECT 1 FROM claims_history x WHERE x.member_id = ${M} AND x.provider_name = c.provider_name AND x.claim_id <> c.claim_id)`,
  `SELECT claim_id, claim_date, provider_name FROM claims_history WHERE member_id = ${M} AND provider_name IN (SELECT provider_name FROM claims_history WHERE member_id = ${M} AND claim_type = 'RX')`,
  `SELECT member_id, count(*) FROM claims_history WHERE member_id = ${M} GROUP BY member_id`,
  `SELECT count(*) FILTER (WHERE claim_type = 'RX') AS rx, count(*) FILTER (WHERE claim_type = 'Medical') AS med FROM claims_history WHERE member_id = ${M}`,
  `SELECT CASE WHEN claim_type = 'RX' THEN 'pharmacy' ELSE 'doctor' END AS kind, count(*) FROM claims_history WHERE member_id = ${M} GROUP BY 1`,
  `SELECT DISTINCT ON (member_name) member_name, claim_date FROM claims_history WHERE member_id = ${M} ORDER BY member_name, claim_date DESC`,
  `SELECT max(claim_date) FROM claims_history WHERE member_id = ${M} AND lower(member_name) LIKE '%john%'`,
  `SELECT date_part('month', claim_date) AS m, count(*) FROM claims_history WHERE member_id = ${M} GROUP BY m`,
  `SELECT claim_id, claim_date, provider_name FROM claims_history WHERE member_id = ${M} AND claim_date >= now() - interval '30 days' LIMIT 50 OFFSET 0`,
  `SELECT age(claim_date), initcap(member_name), upper(provider_name), length(ndc_code), trim(diagnosis_code), concat(member_name, ' ', provider_name) FROM claims_history WHERE member_id = ${M}`,
  `SELECT greatest(allowed_amount, plan_paid_amount), least(1, 2), nullif(ndc_code, ''), abs(-1), ceil(charged_amount), floor(charged_amount) FROM claims_history WHERE member_id = ${M}`,
  `SELECT claim_id, claim_date, provider_name FROM claims_history WHERE member_id = ${M} AND procedure_code IS NOT NULL AND ndc_code IS NULL`,
  `SELECT claim_id, claim_date, provider_name FROM claims_history WHERE member_id = ${M} AND claim_type NOT IN ('RX') AND member_name NOT ILIKE '%x%'`,
  `(SELECT claim_date FROM claims_history WHERE member_id = ${M} AND claim_type = 'RX') UNION ALL (SELECT claim_date FROM claims_history WHERE member_id = ${M} AND claim_type = 'Medical') ORDER BY 1 LIMIT 5`,
  `SELECT s.n FROM (SELECT count(*) AS n FROM claims_history WHERE member_id = ${M}) AS s`,
  `SELECT x.provider_name FROM claims_history c, LATERAL (SELECT provider_name FROM claims_history d WHERE d.member_id = ${M} AND d.claim_id = c.claim_id) x WHERE c.member_id = ${M}`,
  `SELECT -allowed_amount FROM claims_history WHERE member_id = ${M} AND NOT (claim_type = 'RX')`,
  `SELECT claim_id FROM claims_history WHERE member_id = ${M} AND claim_id = ANY (ARRAY[1, 2, 3])`,
  `SELECT count(DISTINCT provider_name) FROM claims_history WHERE member_id = ${M}`,
  `SELECT count(*) OVER () AS total, claim_id FROM claims_history WHERE member_id = ${M}`,
  `SELECT claim_id, claim_date, provider_name FROM claims_history WHERE member_id = ${M} AND claim_date >= date_trunc('year', current_date) - interval '1 year' AND claim_date < date_trunc('year', current_date)`,
  `SELECT member_name, sum(patient_responsibility) AS owed FROM claims_history WHERE member_id = ${M} GROUP BY member_name HAVING sum(patient_responsibility) > 0`,
  `SELECT provider_name FROM claims_history WHERE member_id = ${M} AND member_name ILIKE '%o''brien%'`,
  // analytics (issue 12)
  `SELECT claim_date, row_number() OVER (PARTITION BY member_name ORDER BY claim_date) AS n FROM claims_history WHERE member_id = ${M}`,
  `SELECT provider_name, rank() OVER (ORDER BY allowed_amount DESC), dense_rank() OVER (ORDER BY allowed_amount DESC) FROM claims_history WHERE member_id = ${M}`,
  `SELECT claim_date, lag(claim_date) OVER (ORDER BY claim_date) AS previous, lead(claim_date, 1) OVER (PARTITION BY member_name ORDER BY claim_date) AS next FROM claims_history WHERE member_id = ${M}`,
  `SELECT claim_date, sum(allowed_amount) OVER (PARTITION BY member_name ORDER BY claim_date ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running FROM claims_history WHERE member_id = ${M}`,
  `SELECT claim_date, avg(allowed_amount) OVER (ORDER BY claim_date ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS moving_avg, count(*) OVER (ORDER BY claim_date ROWS 3 PRECEDING) AS recent, min(allowed_amount) OVER (ORDER BY claim_date ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING), max(allowed_amount) OVER (ORDER BY claim_date ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM claims_history WHERE member_id = ${M}`,
  `SELECT member_name, string_agg(DISTINCT provider_name, ', ' ORDER BY provider_name) AS providers FROM claims_history WHERE member_id = ${M} GROUP BY member_name`,
  `SELECT string_agg(provider_name, ', ') FROM claims_history WHERE member_id = ${M}`,
  `SELECT member_name, percentile_cont(0.5) WITHIN GROUP (ORDER BY allowed_amount) AS median FROM claims_history WHERE member_id = ${M} GROUP BY member_name`,
  `SELECT claim_type, member_name, sum(patient_responsibility) FROM claims_history WHERE member_id = ${M} GROUP BY ROLLUP (claim_type, member_name) ORDER BY 1, 2`,
  `SELECT left(diagnosis_code, 3) AS category, right(ndc_code, 2), substring(provider_name, 1, 10) FROM claims_history WHERE member_id = ${M}`,
  `SELECT r.member_name, r.claim_date FROM (SELECT member_name, claim_date, row_number() OVER (PARTITION BY member_name ORDER BY allowed_amount DESC) AS rn FROM claims_history WHERE member_id = ${M}) r WHERE r.rn <= 3`,
  // star over named columns, and count(*)
  `SELECT * FROM (SELECT claim_id, claim_date FROM claims_history WHERE member_id = ${M}) t`,
  `WITH mine AS (SELECT claim_id, claim_type FROM claims_history WHERE member_id = ${M}) SELECT * FROM mine`,
  `WITH mine AS (SELECT claim_id, claim_type FROM claims_history WHERE member_id = ${M}) SELECT m.* FROM mine m`,
  // three relations joined: the most the join bound allows
  `WITH mine AS (SELECT claim_id, claim_type FROM claims_history WHERE member_id = ${M}) SELECT count(*) FROM mine a JOIN mine b ON a.claim_id = b.claim_id JOIN mine c ON b.claim_id = c.claim_id`,
  `WITH this_year AS (SELECT provider_name, sum(allowed_amount) AS total FROM claims_history WHERE member_id = ${M} AND claim_date >= DATE '2026-01-01' GROUP BY provider_name), last_year AS (SELECT provider_name, sum(allowed_amount) AS total FROM claims_history WHERE member_id = ${M} AND claim_date < DATE '2026-01-01' GROUP BY provider_name) SELECT t.provider_name, t.total, l.total FROM this_year t LEFT JOIN last_year l ON t.provider_name = l.provider_name`,
];

/** [why, sql, expected code]: at least one per rule. */
const REJECTED: readonly (readonly [string, string, ReasonCode])[] = [
  // size
  ['empty', '', Reason.SQL_EMPTY],
  ['blank', '   \n ', Reason.SQL_EMPTY],
  ['only a semicolon', ' ; ', Reason.SQL_EMPTY],
  [
    'over the length cap',
    `SELECT * FROM ${CH} WHERE member_id = ${M} AND member_name = '${'x'.repeat(LIMITS.sqlMaxChars)}'`,
    Reason.SQL_TOO_LONG,
  ],
  // lexer
  ['line comment', `SELECT * FROM ${CH} WHERE member_id = ${M} --hi`, Reason.SQL_COMMENT],
  ['block comment first', `/* hi */ SELECT * FROM ${CH} WHERE member_id = ${M}`, Reason.SQL_COMMENT],
  ['two statements', `SELECT 1; SELECT 2`, Reason.SQL_MULTIPLE_STATEMENTS],
  ['two trailing semicolons', `SELECT * FROM ${CH} WHERE member_id = ${M};;`, Reason.SQL_MULTIPLE_STATEMENTS],
  ['dollar quote', `SELECT $$x$$`, Reason.SQL_UNSUPPORTED],
  ['escape string', `SELECT e'x' FROM ${CH} WHERE member_id = ${M}`, Reason.SQL_UNSUPPORTED],
  ['bit string', `SELECT B'101'`, Reason.SQL_UNSUPPORTED],
  ['unicode escape', `SELECT u&'x'`, Reason.SQL_UNSUPPORTED],
  ['backslash in string', `SELECT * FROM ${CH} WHERE member_id = ${M} AND member_name = 'a\\'`, Reason.SQL_UNSUPPORTED],
  ['backtick identifier', `SELECT \`claim_id\` FROM ${CH} WHERE member_id = ${M}`, Reason.SQL_UNSUPPORTED],
  ['hash operator', `SELECT * FROM ${CH} WHERE member_id = ${M} # 1`, Reason.SQL_UNSUPPORTED],
  ['non-ASCII space', `SELECT * FROM ${CH} WHERE member_id\u00a0= ${M}`, Reason.SQL_UNSUPPORTED],
  ['unterminated string', `SELECT * FROM ${CH} WHERE member_id = ${M} AND member_name = 'x`, Reason.SQL_PARSE_ERROR],
  // statement kind
  ['values', 'VALUES (1)', Reason.SQL_NOT_SELECT],
  ['table command', `TABLE ${CH}`, Reason.SQL_NOT_SELECT],
  ['show', 'SHOW ALL', Reason.SQL_NOT_SELECT],
  ['explain', `EXPLAIN SELECT * FROM ${CH} WHERE member_id = ${M}`, Reason.SQL_NOT_SELECT],
  ['begin', 'BEGIN', Reason.SQL_NOT_SELECT],
  [
    'update inside a sub-query',
    `SELECT * FROM ${CH} WHERE member_id = ${M} AND claim_id IN (UPDATE ${CH} SET claim_id = 1 RETURNING claim_id)`,
    Reason.SQL_NOT_SELECT,
  ],
  ['select into', `SELECT claim_id INTO x FROM ${CH} WHERE member_id = ${M}`, Reason.SQL_SELECT_INTO],
  ['for update', `SELECT * FROM ${CH} WHERE member_id = ${M} FOR UPDATE OF ${CH}`, Reason.SQL_LOCKING_CLAUSE],
  // parse
  ['garbage', 'SELECT FROM WHERE', Reason.SQL_PARSE_ERROR],
  ['open parenthesis', `SELECT * FROM ${CH} WHERE member_id = ${M} AND (`, Reason.SQL_PARSE_ERROR],
  ['close before open', `SELECT count(*)) FROM ${CH} WHERE (member_id = ${M}`, Reason.SQL_PARSE_ERROR],
  [
    'one parenthesis short',
    `SELECT sum(coalesce(plan_paid_amount, 0) FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_PARSE_ERROR,
  ],
  // tables
  ['catalog table', 'SELECT relname FROM pg_catalog.pg_class', Reason.SQL_TABLE_NOT_ALLOWED],
  ['unknown table', `SELECT * FROM claims WHERE member_id = ${M}`, Reason.SQL_TABLE_NOT_ALLOWED],
  ['other schema', `SELECT * FROM audit.claims_history WHERE member_id = ${M}`, Reason.SQL_TABLE_NOT_ALLOWED],
  ['quoted people table', 'SELECT * FROM "public"."people"', Reason.SQL_TABLE_NOT_ALLOWED],
  [
    'catalog in sub-query',
    `SELECT * FROM ${CH} WHERE member_id = ${M} AND member_name IN (SELECT usename FROM pg_user)`,
    Reason.SQL_TABLE_NOT_ALLOWED,
  ],
  // columns
  ['unknown column', `SELECT ssn FROM ${CH} WHERE member_id = ${M}`, Reason.SQL_COLUMN_NOT_ALLOWED],
  [
    'quoted column in other case',
    `SELECT "Member_Name" FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_COLUMN_NOT_ALLOWED,
  ],
  ['system column', `SELECT tableoid FROM ${CH} WHERE member_id = ${M}`, Reason.SQL_COLUMN_NOT_ALLOWED],
  ['unknown qualifier', `SELECT x.claim_id FROM ${CH} c WHERE c.member_id = ${M}`, Reason.SQL_COLUMN_NOT_ALLOWED],
  ['whole-row reference', `SELECT c FROM ${CH} c WHERE c.member_id = ${M}`, Reason.SQL_COLUMN_NOT_ALLOWED],
  [
    'column missing from CTE',
    `WITH m AS (SELECT claim_id FROM ${CH} WHERE member_id = ${M}) SELECT member_name FROM m`,
    Reason.SQL_COLUMN_NOT_ALLOWED,
  ],
  [
    'column missing from derived table',
    `SELECT s.member_name FROM (SELECT claim_id FROM ${CH} WHERE member_id = ${M}) s`,
    Reason.SQL_COLUMN_NOT_ALLOWED,
  ],
  [
    'table name hidden by alias',
    `SELECT * FROM ${CH} c WHERE claims_history.member_id = ${M}`,
    Reason.SQL_COLUMN_NOT_ALLOWED,
  ],
  // functions and casts
  [
    'schema-qualified allowed name',
    `SELECT pg_catalog.count(*) FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_FUNCTION_NOT_ALLOWED,
  ],
  ['version', 'SELECT version()', Reason.SQL_FUNCTION_NOT_ALLOWED],
  [
    'md5 in where',
    `SELECT * FROM ${CH} WHERE member_id = ${M} AND md5(member_name) = 'x'`,
    Reason.SQL_FUNCTION_NOT_ALLOWED,
  ],
  [
    'current_timestamp keyword',
    `SELECT current_timestamp FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_FUNCTION_NOT_ALLOWED,
  ],
  ['quoted exists is a function call', `SELECT "exists"(1)`, Reason.SQL_FUNCTION_NOT_ALLOWED],
  ['table function in FROM', `SELECT * FROM unnest(ARRAY[1, 2]) u`, Reason.SQL_FUNCTION_NOT_ALLOWED],
  ['cast to regclass', `SELECT 'pg_authid'::regclass`, Reason.SQL_CAST_NOT_ALLOWED],
  [
    'cast to double precision',
    `SELECT allowed_amount::double precision FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_CAST_NOT_ALLOWED,
  ],
  ['cast to array', `SELECT '{1}'::int[]`, Reason.SQL_CAST_NOT_ALLOWED],
  ['cast to json', `SELECT CAST(member_name AS json) FROM ${CH} WHERE member_id = ${M}`, Reason.SQL_CAST_NOT_ALLOWED],
  // unsupported syntax
  ['recursive CTE', `WITH RECURSIVE r AS (SELECT 1 AS n) SELECT n FROM r`, Reason.SQL_UNSUPPORTED],
  [
    'CTE shadows table',
    `WITH Claims_History AS (SELECT 1 AS member_id) SELECT * FROM claims_history WHERE member_id = ${M}`,
    Reason.SQL_UNSUPPORTED,
  ],
  [
    'alias column list renames member_id',
    `SELECT * FROM ${CH} AS c(member_id, x) WHERE member_id = ${M}`,
    Reason.SQL_UNSUPPORTED,
  ],
  [
    'natural join',
    `SELECT * FROM ${CH} a NATURAL JOIN ${CH} b WHERE a.member_id = ${M} AND b.member_id = ${M}`,
    Reason.SQL_UNSUPPORTED,
  ],
  ['only', `SELECT * FROM ONLY ${CH} WHERE member_id = ${M}`, Reason.SQL_UNSUPPORTED],
  ['regex operator', `SELECT * FROM ${CH} WHERE member_id = ${M} AND member_name ~ '(a+)+$'`, Reason.SQL_UNSUPPORTED],
  ['similar to', `SELECT * FROM ${CH} WHERE member_id = ${M} AND member_name SIMILAR TO 'a%'`, Reason.SQL_UNSUPPORTED],
  [
    'is distinct from',
    `SELECT * FROM ${CH} WHERE member_id = ${M} AND ndc_code IS DISTINCT FROM 'x'`,
    Reason.SQL_UNSUPPORTED,
  ],
  ['collate', `SELECT member_name COLLATE "C" FROM ${CH} WHERE member_id = ${M}`, Reason.SQL_UNSUPPORTED],
  ['tablesample', `SELECT * FROM ${CH} TABLESAMPLE SYSTEM (50) WHERE member_id = ${M}`, Reason.SQL_UNSUPPORTED],
  [
    'named window',
    `SELECT sum(allowed_amount) OVER w FROM ${CH} WHERE member_id = ${M} WINDOW w AS (ORDER BY claim_date)`,
    Reason.SQL_UNSUPPORTED,
  ],
  [
    'same alias twice',
    `SELECT * FROM ${CH} c JOIN (SELECT claim_id FROM ${CH} WHERE member_id = ${M}) c ON true WHERE c.member_id = ${M}`,
    Reason.SQL_UNSUPPORTED,
  ],
  [
    'trim keyword form',
    `SELECT trim(both 'x' from member_name) FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_UNSUPPORTED,
  ],
  ['invalid member id in context', `SELECT 1`, Reason.SQL_UNSUPPORTED],
  // member scope
  ['no scope', `SELECT count(*) FROM ${CH}`, Reason.SQL_MISSING_MEMBER_SCOPE],
  ['scope on another column', `SELECT * FROM ${CH} WHERE claim_id = ${M}`, Reason.SQL_MISSING_MEMBER_SCOPE],
  [
    'unqualified scope with two member tables',
    `SELECT * FROM ${CH} a JOIN ${CH} b ON a.claim_id = b.claim_id WHERE member_id = ${M}`,
    Reason.SQL_MISSING_MEMBER_SCOPE,
  ],
  [
    'unscoped second UNION branch',
    `SELECT claim_id FROM ${CH} WHERE member_id = ${M} UNION SELECT claim_id FROM ${CH} WHERE claim_type = 'RX'`,
    Reason.SQL_MISSING_MEMBER_SCOPE,
  ],
  [
    'unscoped sub-query in LIMIT',
    `SELECT * FROM ${CH} WHERE member_id = ${M} LIMIT (SELECT count(*) FROM ${CH})`,
    Reason.SQL_MISSING_MEMBER_SCOPE,
  ],
  ['other family', `SELECT * FROM ${CH} WHERE member_id = ${OTHER}`, Reason.SQL_WRONG_MEMBER],
  ['leading zero is another literal', `SELECT * FROM ${CH} WHERE member_id = '0${M}'`, Reason.SQL_WRONG_MEMBER],
  ['decimal literal', `SELECT * FROM ${CH} WHERE member_id = ${M}.0`, Reason.SQL_WRONG_MEMBER],
  ['huge literal', `SELECT * FROM ${CH} WHERE member_id = 123456789012345678901234`, Reason.SQL_WRONG_MEMBER],
  [
    'other family in HAVING',
    `SELECT count(*) FROM ${CH} WHERE member_id = ${M} HAVING max(member_id) = ${OTHER}`,
    Reason.SQL_WRONG_MEMBER,
  ],
  ['scope under OR', `SELECT * FROM ${CH} WHERE (member_id = ${M} OR claim_type = 'RX')`, Reason.SQL_SCOPE_ESCAPE],
  ['scope under NOT', `SELECT * FROM ${CH} WHERE NOT (member_id = ${M})`, Reason.SQL_SCOPE_ESCAPE],
  [
    'member_id in select expression',
    `SELECT abs(member_id) FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_SCOPE_ESCAPE,
  ],
  [
    'join on member_id with another column',
    `SELECT * FROM ${CH} a JOIN ${CH} b ON a.member_id = b.claim_id WHERE a.member_id = ${M} AND b.member_id = ${M}`,
    Reason.SQL_SCOPE_ESCAPE,
  ],
  [
    'left join from derived',
    `SELECT * FROM (SELECT 1 AS n) s RIGHT JOIN ${CH} c ON true WHERE c.member_id = ${M}`,
    Reason.SQL_SCOPE_ESCAPE,
  ],
  [
    'comma join',
    `SELECT * FROM ${CH} a, ${CH} b WHERE a.member_id = ${M} AND b.member_id = ${M}`,
    Reason.SQL_CARTESIAN_PRODUCT,
  ],
  [
    'join on a constant',
    `SELECT * FROM ${CH} a JOIN ${CH} b ON 1 = 1 WHERE a.member_id = ${M} AND b.member_id = ${M}`,
    Reason.SQL_CARTESIAN_PRODUCT,
  ],
  [
    'join on same-side columns',
    `SELECT * FROM ${CH} a JOIN ${CH} b ON a.claim_id = a.claim_id WHERE a.member_id = ${M} AND b.member_id = ${M}`,
    Reason.SQL_CARTESIAN_PRODUCT,
  ],
  // * over a member table
  ['select star', `SELECT * FROM ${CH} WHERE member_id = ${M}`, Reason.SQL_SELECT_STAR],
  ['qualified star', `SELECT c.* FROM ${CH} c WHERE c.member_id = ${M}`, Reason.SQL_SELECT_STAR],
  [
    'star inside a CTE',
    `WITH mine AS (SELECT * FROM ${CH} WHERE member_id = ${M}) SELECT claim_type FROM mine`,
    Reason.SQL_SELECT_STAR,
  ],
  ['whole row as text', `SELECT concat(c.*) FROM ${CH} c WHERE c.member_id = ${M}`, Reason.SQL_SELECT_STAR],
  ['count of a whole row', `SELECT count(c.*) FROM ${CH} c WHERE c.member_id = ${M}`, Reason.SQL_SELECT_STAR],
  [
    'star over a join with a CTE',
    `WITH n AS (SELECT claim_id FROM ${CH} WHERE member_id = ${M}) SELECT * FROM ${CH} c JOIN n ON n.claim_id = c.claim_id WHERE c.member_id = ${M}`,
    Reason.SQL_SELECT_STAR,
  ],
  // analytics: only the reviewed forms
  ['window function without OVER', `SELECT row_number() FROM ${CH} WHERE member_id = ${M}`, Reason.SQL_UNSUPPORTED],
  ['lag without OVER', `SELECT lag(claim_date) FROM ${CH} WHERE member_id = ${M}`, Reason.SQL_UNSUPPORTED],
  [
    'IGNORE NULLS (not PostgreSQL)',
    `SELECT lag(claim_date) IGNORE NULLS OVER (ORDER BY claim_date) FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_UNSUPPORTED,
  ],
  [
    'ntile',
    `SELECT ntile(4) OVER (ORDER BY claim_date) FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_FUNCTION_NOT_ALLOWED,
  ],
  [
    'percentile without WITHIN GROUP',
    `SELECT percentile_cont(0.5) FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_UNSUPPORTED,
  ],
  [
    'WITHIN GROUP on a plain aggregate (the parser knows it only for percentiles)',
    `SELECT sum(allowed_amount) WITHIN GROUP (ORDER BY claim_date) FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_PARSE_ERROR,
  ],
  [
    'percentile_disc not reviewed',
    `SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY allowed_amount) FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_FUNCTION_NOT_ALLOWED,
  ],
  [
    'RANGE frame',
    `SELECT sum(allowed_amount) OVER (ORDER BY claim_date RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_PARSE_ERROR,
  ],
  [
    'frame bound from a sub-query',
    `SELECT sum(allowed_amount) OVER (ORDER BY claim_date ROWS BETWEEN (SELECT count(*) FROM ${CH}) PRECEDING AND CURRENT ROW) FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_PARSE_ERROR,
  ],
  [
    'cube',
    `SELECT claim_type, count(*) FROM ${CH} WHERE member_id = ${M} GROUP BY CUBE (claim_type, member_name)`,
    Reason.SQL_FUNCTION_NOT_ALLOWED,
  ],
  [
    'quoted rollup is a function call',
    `SELECT claim_type, count(*) FROM ${CH} WHERE member_id = ${M} GROUP BY "rollup"(claim_type)`,
    Reason.SQL_FUNCTION_NOT_ALLOWED,
  ],
  [
    'rollup in the select list',
    `SELECT rollup(claim_type) FROM ${CH} WHERE member_id = ${M} GROUP BY claim_type`,
    Reason.SQL_FUNCTION_NOT_ALLOWED,
  ],
  [
    'rollup of an unknown column',
    `SELECT count(*) FROM ${CH} WHERE member_id = ${M} GROUP BY ROLLUP (person_id)`,
    Reason.SQL_COLUMN_NOT_ALLOWED,
  ],
  [
    'rollup over member_id arithmetic',
    `SELECT count(*) FROM ${CH} WHERE member_id = ${M} GROUP BY ROLLUP (abs(member_id))`,
    Reason.SQL_SCOPE_ESCAPE,
  ],
  [
    'fetch first with ties',
    `SELECT claim_id FROM ${CH} WHERE member_id = ${M} ORDER BY claim_id FETCH FIRST 5 ROWS WITH TIES`,
    Reason.SQL_PARSE_ERROR,
  ],
  [
    'fetch first an expression',
    `SELECT claim_id FROM ${CH} WHERE member_id = ${M} FETCH FIRST (5) ROWS ONLY`,
    Reason.SQL_UNSUPPORTED,
  ],
  [
    'window order reads every family',
    `SELECT sum(allowed_amount) OVER (PARTITION BY member_name ORDER BY (SELECT max(claim_id) FROM ${CH})) FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_MISSING_MEMBER_SCOPE,
  ],
  [
    'string_agg separator from another family',
    `SELECT string_agg(provider_name, (SELECT max(member_name) FROM ${CH} WHERE member_id = ${OTHER})) FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_WRONG_MEMBER,
  ],
  [
    'within group order by hidden column',
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY person_id) FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_COLUMN_NOT_ALLOWED,
  ],
  [
    'lag default reads a catalog',
    `SELECT lag(member_name, 1, (SELECT rolname FROM pg_roles LIMIT 1)) OVER (ORDER BY claim_date) FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_TABLE_NOT_ALLOWED,
  ],
  [
    'substring keyword form',
    `SELECT substring(member_name FROM 1 FOR 3) FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_PARSE_ERROR,
  ],
  // work bounds: refused before the parser runs (or when it runs out of budget)
  [
    'issue 12: nested parentheses around a broken expression',
    `SELECT ((((((((((((((((claim_id *)))))))))))))))) FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_TOO_COMPLEX,
  ],
  [
    'too many tokens',
    `SELECT claim_id FROM ${CH} WHERE member_id = ${M}${' AND claim_id > 0'.repeat(80)}`,
    Reason.SQL_TOO_COMPLEX,
  ],
  [
    'nested sub-queries',
    `SELECT (SELECT (SELECT (SELECT (SELECT 1)))) FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_TOO_COMPLEX,
  ],
  [
    'long IN list',
    `SELECT claim_id FROM ${CH} WHERE member_id = ${M} AND claim_id IN (${Array.from({ length: 60 }, (_, i) => i).join(', ')})`,
    Reason.SQL_TOO_COMPLEX,
  ],
  [
    'nested CASE',
    `SELECT ${'CASE WHEN claim_id = 1 THEN '.repeat(5)}1${' END'.repeat(5)} FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_TOO_COMPLEX,
  ],
  [
    'many UNION branches',
    Array.from({ length: 9 }, () => `SELECT claim_id FROM ${CH} WHERE member_id = ${M}`).join(' UNION '),
    Reason.SQL_TOO_COMPLEX,
  ],
  [
    'nested sub-queries with a syntax error (within the lexical bounds)',
    `SELECT (SELECT (SELECT (SELECT claim_id + ))) FROM ${CH} WHERE member_id = ${M}`,
    Reason.SQL_TOO_COMPLEX,
  ],
  // joins that multiply rows
  [
    'CTE joined to itself four times',
    `WITH m AS (SELECT claim_id, claim_type FROM ${CH} WHERE member_id = ${M}) SELECT count(*) FROM m a, m b, m c, m d`,
    Reason.SQL_TOO_EXPENSIVE,
  ],
  [
    'four-way self join on claim_type',
    `SELECT count(*) FROM ${CH} a JOIN ${CH} b ON a.claim_type = b.claim_type JOIN ${CH} c ON b.claim_type = c.claim_type JOIN ${CH} d ON c.claim_type = d.claim_type WHERE a.member_id = ${M} AND b.member_id = ${M} AND c.member_id = ${M} AND d.member_id = ${M}`,
    Reason.SQL_TOO_EXPENSIVE,
  ],
  [
    'correlated sub-query over a three-way join',
    `SELECT (SELECT count(*) FROM ${CH} a JOIN ${CH} b USING (claim_type) JOIN ${CH} c USING (claim_type) WHERE a.member_id = ${M} AND b.member_id = ${M} AND c.member_id = ${M} AND a.claim_id > o.claim_id) FROM ${CH} o WHERE o.member_id = ${M}`,
    Reason.SQL_TOO_EXPENSIVE,
  ],
  [
    'too many relations',
    `WITH a AS (SELECT claim_id FROM ${CH} WHERE member_id = ${M}) SELECT count(*) FROM a WHERE ${Array(7).fill('claim_id IN (SELECT claim_id FROM a)').join(' AND ')}`,
    Reason.SQL_TOO_EXPENSIVE,
  ],
];

describe('validateSql accepts scoped, allowlisted SELECTs', () => {
  it('has at least 40 accepted cases', () => assert.ok(ACCEPTED.length >= 40));
  for (const sql of ACCEPTED) {
    it(sql.slice(0, 100), () => {
      const result = validateSql(sql, ctx);
      assert.deepEqual(result, { ok: true, sql: sql.trim().replace(/;$/, '') });
    });
  }
});

describe('validateSql rejects with the rule that was broken', () => {
  it('has at least 60 rejected cases covering every SQL_ reason', () => {
    assert.ok(REJECTED.length >= 60);
    const covered = new Set(REJECTED.map(([, , code]) => code));
    const sqlCodes = Object.values(Reason).filter((c) => c.startsWith('SQL_'));
    assert.deepEqual(
      sqlCodes.filter((c) => !covered.has(c)),
      [],
    );
  });
  for (const [why, sql, code] of REJECTED) {
    it(`${why} → ${code}`, () => {
      const memberId = why === 'invalid member id in context' ? '12ab' : M;
      const result = validateSql(sql, { memberId });
      assert.equal(result.ok, false, 'expected a rejection');
      if (!result.ok) assert.equal(result.code, code, result.reason);
    });
  }
});

describe('validateSql output', () => {
  it('returns the trimmed string with one trailing semicolon removed', () => {
    const sql = `  SELECT count(*) FROM ${CH} WHERE member_id = ${M} ;  \n`;
    assert.deepEqual(validateSql(sql, ctx), { ok: true, sql: `SELECT count(*) FROM ${CH} WHERE member_id = ${M}` });
  });

  it('keeps semicolons inside string literals (they are data, not statements)', () => {
    const sql = `SELECT claim_id FROM ${CH} WHERE member_id = ${M} AND provider_name = 'a;b'`;
    assert.equal(validateSql(sql, ctx).ok, true);
  });

  it('treats comment markers inside strings and quoted identifiers as data', () => {
    const sql = `SELECT provider_name AS "a--b" FROM ${CH} WHERE member_id = ${M} AND member_name <> '/* x */ --'`;
    assert.equal(validateSql(sql, ctx).ok, true);
  });

  it('depends on the signed-in member: the same SQL is another family for someone else', () => {
    const sql = `SELECT claim_id FROM ${CH} WHERE member_id = ${M}`;
    assert.equal(validateSql(sql, { memberId: M }).ok, true);
    const other = validateSql(sql, { memberId: OTHER });
    assert.equal(other.ok, false);
    if (!other.ok) assert.equal(other.code, Reason.SQL_WRONG_MEMBER);
  });

  it('never echoes string literals in the reason', () => {
    const secret = 'Zebulon Quartermaine';
    for (const sql of [
      `SELECT * FROM ${CH} WHERE member_name = '${secret}'`,
      `SELECT * FROM people WHERE full_name = '${secret}'`,
      `SELECT md5('${secret}')`,
      `SELECT * FROM ${CH} WHERE member_id = ${M} AND member_name = '${secret}`,
      `SELECT '${secret}' FROM WHERE`,
    ]) {
      const result = validateSql(sql, ctx);
      assert.equal(result.ok, false);
      if (!result.ok) assert.ok(!result.reason.includes('Zebulon'), result.reason);
    }
  });
});

describe('FETCH FIRST is checked and run as LIMIT', () => {
  const base = `SELECT claim_id, claim_date FROM ${CH} WHERE member_id = ${M}`;
  const cases: readonly (readonly [string, string])[] = [
    [`${base} ORDER BY claim_date FETCH FIRST 5 ROWS ONLY`, `${base} ORDER BY claim_date LIMIT 5`],
    [`${base} ORDER BY claim_date fetch next 1 row only;`, `${base} ORDER BY claim_date LIMIT 1`],
    [`${base} FETCH FIRST ROW ONLY`, `${base} LIMIT 1`],
    [
      `${base} ORDER BY claim_date OFFSET 10 ROWS FETCH NEXT 10 ROWS ONLY`,
      `${base} ORDER BY claim_date LIMIT 10 OFFSET 10`,
    ],
    [
      `SELECT t.claim_id FROM (${base} ORDER BY claim_date DESC FETCH FIRST 3 ROWS ONLY) t`,
      `SELECT t.claim_id FROM (${base} ORDER BY claim_date DESC LIMIT 3) t`,
    ],
  ];
  for (const [sql, runs] of cases) {
    it(sql.slice(base.length, base.length + 70) || sql.slice(0, 70), () => {
      assert.deepEqual(validateSql(sql, ctx), { ok: true, sql: runs });
    });
  }

  it('leaves the words alone inside string literals and quoted names', () => {
    const sql = `${base} AND provider_name = 'FETCH FIRST 1 ROW ONLY'`;
    assert.deepEqual(validateSql(sql, ctx), { ok: true, sql });
  });
});
