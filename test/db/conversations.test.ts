/**
 * Conversations are bound to the person who started them, in the database: another person —
 * in another family, or in the same family (spouse, subscriber, child) — can never read,
 * continue or delete one, whatever id they send; the tables are out of reach of every role
 * but the owner; turns hold question, interpretation, SQL and outcome only; retention and
 * sign-out delete them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { Turn } from '../../src/core/conversation.ts';
import { PgConversationStore } from '../../src/db/conversations.ts';
import { DbScopeError } from '../../src/db/errors.ts';
import { createAppPool } from '../../src/db/member-db.ts';
import { DEMO_MEMBER_IDS } from '../../src/db/seed/lists.ts';
import { adminQuery, freshDatabase, type TestDatabase } from '../support/db.ts';

const FAMILY = DEMO_MEMBER_IDS.family; // subscriber -01, spouse -02, adult daughter -03, minor son -04
const OTHER = DEMO_MEMBER_IDS.single;
const SUBSCRIBER = { memberId: FAMILY, personId: `${FAMILY}-01` };
const SPOUSE = { memberId: FAMILY, personId: `${FAMILY}-02` };
const DAUGHTER = { memberId: FAMILY, personId: `${FAMILY}-03` };
const STRANGER = { memberId: OTHER, personId: `${OTHER}-01` };
/** The subscriber's person id presented with another family's member id. */
const MIXED = { memberId: OTHER, personId: `${FAMILY}-01` };

const turn = (question: string, extra: Partial<Turn> = {}): Turn => ({
  question,
  interpretation: { text: `interpreted: ${question}`, parts: { dates: { from: '2025-01-01' } } },
  sql: `SELECT count(*) FROM claims_history WHERE member_id = ${FAMILY}`,
  status: 'answered',
  code: 'OK',
  ...extra,
});

describe('conversations in PostgreSQL', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let store: PgConversationStore;

  before(async () => {
    db = await freshDatabase();
    pool = createAppPool(db.appUrl, { max: 2 });
    store = new PgConversationStore(pool, { retentionSeconds: 3600, keepTurns: 3 });
  });
  after(async () => {
    await pool.end();
    await db.drop();
  });

  test('the person who started a conversation reads back its turns, oldest first, with a limit', async () => {
    const id = await store.start(DAUGHTER);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(await store.history(id, DAUGHTER, 10), [], 'a new conversation has no turns');
    assert.equal(await store.append(id, DAUGHTER, turn('How much did I spend in 2025?')), true);
    assert.equal(
      await store.append(
        id,
        DAUGHTER,
        turn('And in 2024?', { sql: undefined, code: 'NO_ROWS', status: 'needs_detail' }),
      ),
      true,
    );
    const turns = await store.history(id, DAUGHTER, 10);
    assert.deepEqual(
      turns?.map((t) => [t.question, t.code, t.sql !== undefined]),
      [
        ['How much did I spend in 2025?', 'OK', true],
        ['And in 2024?', 'NO_ROWS', false],
      ],
    );
    assert.deepEqual(turns?.[0]?.interpretation, {
      text: 'interpreted: How much did I spend in 2025?',
      parts: { dates: { from: '2025-01-01' } },
    });
    assert.deepEqual(
      (await store.history(id, DAUGHTER, 1))?.map((t) => t.question),
      ['And in 2024?'],
    );
  });

  test('nobody else can read, continue or delete it: not the spouse, not the subscriber, not another family', async () => {
    const id = await store.start(SPOUSE);
    await store.append(id, SPOUSE, turn('How many claims did I have this year?'));
    for (const other of [SUBSCRIBER, DAUGHTER, STRANGER, MIXED, { memberId: FAMILY, personId: `${FAMILY}-04` }]) {
      const who = `${other.memberId}/${other.personId}`;
      if (other === MIXED) {
        // A person id of another family is refused before the database (and by it: see below).
        await assert.rejects(store.history(id, other, 10), DbScopeError, who);
        continue;
      }
      assert.equal(await store.history(id, other, 10), undefined, `${who} reads nothing`);
      assert.equal(await store.append(id, other, turn('And last year?')), false, `${who} cannot continue it`);
      assert.equal(await store.delete(id, other), false, `${who} cannot delete it`);
      assert.equal((await store.deleteAll(other)) >= 0, true);
    }
    const turns = await store.history(id, SPOUSE, 10);
    assert.deepEqual(
      turns?.map((t) => t.question),
      ['How many claims did I have this year?'],
      'still exactly the owner’s one turn: nothing was added or removed by the others',
    );
  });

  test('the functions themselves match on member AND person, even called directly with mixed ids', async () => {
    const id = await store.start(SUBSCRIBER);
    await store.append(id, SUBSCRIBER, turn('How many claims did we have?'));
    const client = new pg.Client({ connectionString: db.appUrl });
    await client.connect();
    try {
      const read = async (member: string, person: string) =>
        (
          await client.query('SELECT app.conversation_history($1::uuid, $2::bigint, $3, 10)::text AS t', [
            id,
            member,
            person,
          ])
        ).rows[0]?.t as string | null;
      assert.notEqual(await read(FAMILY, `${FAMILY}-01`), null);
      assert.equal(await read(OTHER, `${FAMILY}-01`), null, 'right person, wrong family');
      assert.equal(await read(FAMILY, `${FAMILY}-02`), null, 'right family, wrong person');
      const add = await client.query(
        `SELECT app.conversation_add_turn($1::uuid, $2::bigint, $3, 'req-1', 'x', NULL, NULL, 'answered', 'OK', 60, 10) AS ok`,
        [id, OTHER, `${FAMILY}-01`],
      );
      assert.equal(add.rows[0]?.ok, false);
      await assert.rejects(
        client.query('SELECT app.conversation_start($1::bigint, $2, 60)', [OTHER, `${FAMILY}-01`]),
        /no such person in this family/,
      );
    } finally {
      await client.end();
    }
  });

  test('no role but the owner touches the tables: claims_app and claims_member are denied, the member role cannot call the functions', async () => {
    const client = new pg.Client({ connectionString: db.appUrl });
    await client.connect();
    try {
      for (const sql of [
        'SELECT * FROM app.conversations',
        'SELECT * FROM app.conversation_turns',
        `INSERT INTO app.conversations (member_id, person_id, expires_at) VALUES (${FAMILY}, '${FAMILY}-01', now())`,
        'UPDATE app.conversations SET person_id = person_id',
        'DELETE FROM app.conversation_turns',
      ]) {
        await assert.rejects(client.query(sql), /permission denied/, `claims_app: ${sql}`);
      }
      await client.query('BEGIN');
      await client.query('SET LOCAL ROLE claims_member');
      for (const sql of [
        'SELECT * FROM app.conversations',
        `SELECT app.conversation_start(${FAMILY}, '${FAMILY}-01', 60)`,
      ]) {
        await client.query('SAVEPOINT s');
        await assert.rejects(client.query(sql), /permission denied/, `claims_member: ${sql}`);
        await client.query('ROLLBACK TO SAVEPOINT s');
      }
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
    const grants = await adminQuery<{ grantee: string }>(
      db.adminUrl,
      `SELECT DISTINCT grantee FROM information_schema.role_table_grants
       WHERE table_schema = 'app' AND table_name IN ('conversations', 'conversation_turns')`,
    );
    assert.deepEqual(
      grants.rows.map((r) => r.grantee).filter((g) => g !== 'claims_owner'),
      [],
      'only the owner holds privileges on the tables',
    );
  });

  test('a turn holds question, interpretation, SQL and outcome: no column for rows or the answer', async () => {
    const cols = await adminQuery<{ column_name: string }>(
      db.adminUrl,
      `SELECT column_name FROM information_schema.columns
       WHERE table_schema = 'app' AND table_name = 'conversation_turns' ORDER BY ordinal_position`,
    );
    assert.deepEqual(
      cols.rows.map((r) => r.column_name),
      [
        'conversation_id',
        'turn_no',
        'request_id',
        'question',
        'interpretation',
        'validated_sql',
        'status',
        'reason_code',
        'created_at',
      ],
    );
  });

  test('only the newest turns are kept', async () => {
    const id = await store.start(SUBSCRIBER);
    for (const q of ['one', 'two', 'three', 'four', 'five']) await store.append(id, SUBSCRIBER, turn(q));
    assert.deepEqual(
      (await store.history(id, SUBSCRIBER, 10))?.map((t) => t.question),
      ['three', 'four', 'five'],
    );
    const stored = await adminQuery<{ n: number }>(
      db.adminUrl,
      'SELECT count(*)::int AS n FROM app.conversation_turns WHERE conversation_id = $1',
      [id],
    );
    assert.equal(stored.rows[0]?.n, 3, 'older turns are deleted, not hidden');
  });

  test('an expired conversation reads as missing, cannot be continued, and the next start deletes it', async () => {
    const id = await store.start(SUBSCRIBER);
    await store.append(id, SUBSCRIBER, turn('How many claims this year?'));
    await adminQuery(
      db.adminUrl,
      "UPDATE app.conversations SET expires_at = now() - interval '1 second' WHERE conversation_id = $1",
      [id],
    );
    assert.equal(await store.history(id, SUBSCRIBER, 10), undefined);
    assert.equal(await store.append(id, SUBSCRIBER, turn('And last year?')), false);
    await store.start(DAUGHTER);
    const left = await adminQuery<{ n: number }>(
      db.adminUrl,
      `SELECT (SELECT count(*) FROM app.conversations WHERE conversation_id = $1)
            + (SELECT count(*) FROM app.conversation_turns WHERE conversation_id = $1) AS n`,
      [id],
    );
    assert.equal(Number(left.rows[0]?.n), 0, 'purged with its turns');
  });

  /** Expired conversations left in the table. */
  const expiredCount = async () =>
    Number(
      (
        await adminQuery<{ n: number }>(
          db.adminUrl,
          'SELECT count(*)::int AS n FROM app.conversations WHERE expires_at <= now()',
        )
      ).rows[0]?.n,
    );

  test('a start purges a bounded batch of expired conversations (oldest first); starts keep clearing a backlog', async () => {
    await adminQuery(
      db.adminUrl,
      `INSERT INTO app.conversations (member_id, person_id, expires_at)
       SELECT $1, $2, now() - make_interval(secs => g) FROM generate_series(1, 25) g`,
      [FAMILY, SPOUSE.personId],
    );
    const before = await expiredCount();
    assert.ok(before >= 25, `a backlog of expired conversations (${before})`);
    await store.start(DAUGHTER);
    assert.equal(await expiredCount(), before - 10, 'one start deletes ten of them, not all');
    for (let i = 0; i < 10 && (await expiredCount()) > 0; i++) await store.start(DAUGHTER);
    assert.equal(await expiredCount(), 0, 'later starts delete the rest');
  });

  test('a start never waits on an expired conversation another transaction holds', async () => {
    const id = await store.start(SPOUSE);
    await adminQuery(
      db.adminUrl,
      "UPDATE app.conversations SET expires_at = now() - interval '1 second' WHERE conversation_id = $1",
      [id],
    );
    const holder = new pg.Client({ connectionString: db.adminUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM app.conversations WHERE conversation_id = $1 FOR UPDATE', [id]);
      const t0 = performance.now();
      // Bounded, so a start that waited would fail here instead of hanging the test.
      const signal = AbortSignal.timeout(3000);
      await store.start(DAUGHTER, { signal, timeoutMs: 3000 });
      assert.ok(performance.now() - t0 < 2000, 'the start did not wait for the row lock');
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    await store.start(DAUGHTER);
    assert.equal(await expiredCount(), 0, 'the next start deletes it');
  });

  test('retention: a conversation expires the configured time after its last turn', async () => {
    const short = new PgConversationStore(pool, { retentionSeconds: 7200, keepTurns: 3 });
    const id = await short.start(SUBSCRIBER);
    await short.append(id, SUBSCRIBER, turn('How many claims this year?'));
    const r = await adminQuery<{ secs: number }>(
      db.adminUrl,
      'SELECT extract(epoch FROM expires_at - last_turn_at)::int AS secs FROM app.conversations WHERE conversation_id = $1',
      [id],
    );
    assert.equal(r.rows[0]?.secs, 7200);
  });

  test('sign-out deletes every conversation of that person, and only theirs', async () => {
    const a = await store.start(DAUGHTER);
    const b = await store.start(DAUGHTER);
    const spouses = await store.start(SPOUSE);
    await store.append(a, DAUGHTER, turn('x'));
    const deleted = await store.deleteAll(DAUGHTER);
    assert.ok(deleted >= 2);
    assert.equal(await store.history(a, DAUGHTER, 10), undefined);
    assert.equal(await store.history(b, DAUGHTER, 10), undefined);
    assert.deepEqual(await store.history(spouses, SPOUSE, 10), [], 'the spouse keeps hers');
    const left = await adminQuery<{ n: number }>(
      db.adminUrl,
      `SELECT count(*)::int AS n FROM app.conversations WHERE person_id = $1`,
      [DAUGHTER.personId],
    );
    assert.equal(left.rows[0]?.n, 0);
  });

  test('a malformed id is no conversation (never reaches SQL as text)', async () => {
    assert.equal(await store.history("1' OR '1'='1", SUBSCRIBER, 10), undefined);
    assert.equal(await store.append('not-an-id', SUBSCRIBER, turn('x')), false);
    assert.equal(await store.delete('00000000-0000-4000-8000-000000000000', SUBSCRIBER), false);
  });
});
