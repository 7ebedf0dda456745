import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PreTokenGenerationTriggerEvent, PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { ConfigError, parseConfig } from '../config/config.ts';
import { captureJsonLines } from '../observability/capture.ts';
import {
  applyIdentity,
  createPreTokenHandler,
  IDENTITY_CLAIMS,
  type IdentityClaims,
  rolePolicyOf,
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

describe('role policy per user pool (member pool: member only; admin pool: admin in the admin group)', () => {
  const boss: IdentityClaims = { memberId: '1234567890', personId: '1234567890-02', role: 'admin' };
  const withGroups = (groups: string[]) => {
    const event = v1();
    event.request.groupConfiguration = { groupsToOverride: groups };
    return event;
  };
  const run = async (env: NodeJS.ProcessEnv, who: IdentityClaims, groups: string[]) => {
    const handler = createPreTokenHandler({ lookup: async () => who, policy: rolePolicyOf(parseConfig(env).preToken) });
    let out: PreTokenGenerationTriggerEvent | undefined;
    const lines = await captureJsonLines(async () => {
      out = (await handler(withGroups(groups))) as PreTokenGenerationTriggerEvent;
    });
    return { details: out?.response.claimsOverrideDetails, lines };
  };
  const memberPool = { PRE_TOKEN_ALLOWED_ROLES: 'member' };
  const adminPool = { PRE_TOKEN_ALLOWED_ROLES: 'admin', PRE_TOKEN_ADMIN_GROUP: 'admin' };

  it('the member pool never issues the admin role, even for an admin mapping in the admin group', async () => {
    const { details, lines } = await run(memberPool, boss, ['admin']);
    assert.deepEqual(details, { claimsToSuppress: [...IDENTITY_CLAIMS] });
    const line = lines.find((l) => l.message === 'pre_token_denied');
    assert.equal(line?.errorCode, 'ROLE_NOT_ALLOWED');
    assert.ok(!JSON.stringify(lines).includes('1234567890'));
  });

  it('the member pool issues member claims', async () => {
    const { details } = await run(memberPool, jane, []);
    assert.equal(details?.claimsToAddOrOverride?.['custom:role'], 'member');
  });

  it('the admin pool issues admin claims only to a member of the admin group', async () => {
    const inGroup = await run(adminPool, boss, ['admin']);
    assert.equal(inGroup.details?.claimsToAddOrOverride?.['custom:role'], 'admin');
    const outside = await run(adminPool, boss, ['auditors']);
    assert.deepEqual(outside.details, { claimsToSuppress: [...IDENTITY_CLAIMS] });
    assert.equal(outside.lines.find((l) => l.message === 'pre_token_denied')?.errorCode, 'NOT_IN_ADMIN_GROUP');
  });

  it('the admin pool gives a member mapping no claims', async () => {
    const { details } = await run(adminPool, jane, ['admin']);
    assert.deepEqual(details, { claimsToSuppress: [...IDENTITY_CLAIMS] });
  });

  it('without settings (local runs) both roles pass, as before; unknown role names are refused', () => {
    const local = rolePolicyOf(parseConfig({}).preToken);
    assert.deepEqual([...local.allowedRoles].sort(), ['admin', 'member']);
    assert.equal(local.adminGroup, undefined);
    assert.throws(() => parseConfig({ PRE_TOKEN_ALLOWED_ROLES: 'member,root' }), ConfigError);
    assert.throws(() => parseConfig({ PRE_TOKEN_ALLOWED_ROLES: 'member,root' }), /PRE_TOKEN_ALLOWED_ROLES must be/);
  });
});
