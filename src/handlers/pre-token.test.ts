import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PreTokenGenerationTriggerEvent, PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import pg from 'pg';
import { adminQuery, freshDatabase, type TestDatabase } from '../../test/support/db.ts';
import { captureJsonLines } from '../observability/capture.ts';
import {
  applyIdentity,
  createPreTokenHandler,
  IDENTITY_CLAIMS,
  type IdentityClaims,
  pgIdentityLookup,
} from './pre-token.ts';

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

function v2(): PreTokenGenerationV2TriggerEvent {
  return {
    ...base,
    version: '2',
    request: { userAttributes: { sub: 'sub-1' }, groupConfiguration: { groupsToOverride: [] }, scopes: [] },
    response: { claimsAndScopeOverrideDetails: {} },
  } as unknown as PreTokenGenerationV2TriggerEvent;
}

const jane: IdentityClaims = { memberId: '1234567890', personId: '1234567890-01', role: 'member' };

describe('applyIdentity', () => {
  it('V1: adds the three claims to the ID token', () => {
    const out = applyIdentity(v1(), jane);
    assert.deepEqual(out.response.claimsOverrideDetails, {
      claimsToAddOrOverride: {
        'custom:member_id': '1234567890',
        'custom:person_id': '1234567890-01',
        'custom:role': 'member',
      },
    });
  });

  it('V1: an unmapped user has any stored member claims suppressed', () => {
    const out = applyIdentity(v1(), undefined);
    assert.deepEqual(out.response.claimsOverrideDetails, { claimsToSuppress: [...IDENTITY_CLAIMS] });
  });

  it('V2: adds the claims to both the ID and the access token', () => {
    const out = applyIdentity(v2(), { ...jane, role: 'admin' });
    const details = out.response.claimsAndScopeOverrideDetails;
    assert.equal(details.idTokenGeneration?.claimsToAddOrOverride?.['custom:role'], 'admin');
    assert.equal(details.accessTokenGeneration?.claimsToAddOrOverride?.['custom:member_id'], '1234567890');
  });

  it('V2: an unmapped user gets suppression on both tokens', () => {
    const details = applyIdentity(v2(), undefined).response.claimsAndScopeOverrideDetails;
    assert.deepEqual(details.idTokenGeneration?.claimsToSuppress, [...IDENTITY_CLAIMS]);
    assert.deepEqual(details.accessTokenGeneration?.claimsToSuppress, [...IDENTITY_CLAIMS]);
  });
});

describe('createPreTokenHandler', () => {
  it('looks up by user name and sub, and logs no identifiers', async () => {
    const seen: [string, string | undefined][] = [];
    const handler = createPreTokenHandler({
      lookup: async (username, sub) => {
        seen.push([username, sub]);
        return jane;
      },
    });
    let out: PreTokenGenerationTriggerEvent | undefined;
    const lines = await captureJsonLines(async () => {
      out = (await handler(v1())) as PreTokenGenerationTriggerEvent;
    });
    assert.deepEqual(seen, [['jane@example.com', 'sub-1']]);
    assert.equal(out?.response.claimsOverrideDetails.claimsToAddOrOverride?.['custom:person_id'], '1234567890-01');
    const line = lines.find((l) => l.message === 'pre_token_mapped');
    assert.ok(line, JSON.stringify(lines));
    assert.equal(line.role, 'member');
    const text = JSON.stringify(lines);
    assert.ok(!text.includes('jane@example.com') && !text.includes('1234567890'), text);
  });
});

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
