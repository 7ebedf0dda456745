/**
 * The pre-token trigger on real parts: its lookup against PostgreSQL (migration 090, as
 * claims_app) and its secret read through a real HTTP stand-in for the secrets extension.
 * The pure parts (claim shaping, handler, settings) are unit tests in src/handlers/pre-token.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import pg from 'pg';
import { createPreTokenHandler, IDENTITY_CLAIMS, pgIdentityLookup } from '../../src/handlers/pre-token.ts';
import { captureJsonLines } from '../../src/observability/capture.ts';
import { adminQuery, freshDatabase, type TestDatabase } from '../support/db.ts';

const base = {
  region: 'us-east-1',
  userPoolId: 'us-east-1_pool',
  userName: 'jane@example.com',
  callerContext: { awsSdkVersion: '1', clientId: 'client' },
  triggerSource: 'TokenGeneration_Authentication' as const,
};

function v1(): PreTokenGenerationTriggerEvent {
  return {
    ...base,
    version: '1',
    request: {
      userAttributes: { sub: 'sub-1', 'custom:member_id': '9999999999' },
      groupConfiguration: { groupsToOverride: [] },
    },
    response: { claimsOverrideDetails: {} },
  } as PreTokenGenerationTriggerEvent;
}

describe('pre-token against PostgreSQL (migration 090, as claims_app)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let person: { person_id: string; member_id: string };

  before(async () => {
    db = await freshDatabase();
    const { rows } = await adminQuery<{ person_id: string; member_id: string }>(
      db.adminUrl,
      "SELECT person_id, member_id::text FROM people WHERE relationship_code = 'spouse' ORDER BY person_id LIMIT 1",
    );
    assert.ok(rows[0], 'the seed has a spouse');
    person = rows[0];
    await adminQuery(
      db.adminUrl,
      "INSERT INTO identity_map (username, person_id, role) VALUES ($1, $2, 'member'), ($3, $2, 'admin')",
      ['pat@example.com', person.person_id, 'sub-of-admin'],
    );
    pool = new pg.Pool({ connectionString: db.appUrl, max: 2 });
  });
  after(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('maps a user name to the family, the person and the role', async () => {
    const found = await pgIdentityLookup(pool)('pat@example.com', 'unrelated-sub');
    assert.deepEqual(found, { memberId: person.member_id, personId: person.person_id, role: 'member' });
  });

  it('falls back to the sub, and prefers the user name when both match', async () => {
    assert.equal((await pgIdentityLookup(pool)('someone-else', 'sub-of-admin'))?.role, 'admin');
    assert.equal((await pgIdentityLookup(pool)('pat@example.com', 'sub-of-admin'))?.role, 'member');
  });

  it('an unmapped user gets no claims, end to end through the handler', async () => {
    const handler = createPreTokenHandler({ lookup: pgIdentityLookup(pool) });
    const event = { ...v1(), userName: 'nobody@example.com' };
    await captureJsonLines(() => handler(event)); // the handler writes its answer into the event
    assert.deepEqual(event.response.claimsOverrideDetails, { claimsToSuppress: [...IDENTITY_CLAIMS] });
  });

  it('claims_app cannot read the mapping table itself, and claims_member cannot call the lookup', async () => {
    await assert.rejects(pool.query('SELECT * FROM identity_map'), { code: '42501' });
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL ROLE claims_member');
      await assert.rejects(client.query("SELECT * FROM app.identity_claims('pat@example.com')"), { code: '42501' });
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('a mapping must name an existing person and a known role', async () => {
    await assert.rejects(
      adminQuery(db.adminUrl, "INSERT INTO identity_map (username, person_id) VALUES ('x', '0000000000-99')"),
      { code: '23503' },
    );
    await assert.rejects(
      adminQuery(db.adminUrl, "INSERT INTO identity_map (username, person_id, role) VALUES ('y', $1, 'root')", [
        person.person_id,
      ]),
      { code: '23514' },
    );
  });
});
