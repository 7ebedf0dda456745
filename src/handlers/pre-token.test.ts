import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PreTokenGenerationTriggerEvent, PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { captureJsonLines } from '../observability/capture.ts';
import { applyIdentity, createPreTokenHandler, IDENTITY_CLAIMS, type IdentityClaims } from './pre-token.ts';

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
