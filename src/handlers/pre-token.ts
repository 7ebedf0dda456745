/**
 * Cognito pre-token-generation trigger: puts who the user is (custom:member_id,
 * custom:person_id, custom:role) into the token, from the identity_map table. A user without a
 * mapping gets those claims suppressed, so the API rejects the token. Handles both the V1 event
 * (ID token only) and the V2 event (ID and access tokens).
 *
 * Each user pool runs its own copy with a policy (`PRE_TOKEN_ALLOWED_ROLES`,
 * `PRE_TOKEN_ADMIN_GROUP`): the member pool issues `member` only; the admin pool, where Cognito
 * requires MFA at every sign-in, issues `admin` only and only to members of its `admin` group. A
 * mapping the pool may not issue is treated like no mapping (claims suppressed).
 */
import type { PreTokenGenerationTriggerEvent, PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import type pg from 'pg';
import type { Config } from '../config/config.ts';
import { type SafeLogger, safeLogger } from '../observability/logger.ts';
import { lambdaAppPool } from '../runtime/db-secret.ts';
import { processConfig } from '../runtime/process-config.ts';

export const IDENTITY_CLAIMS = ['custom:member_id', 'custom:person_id', 'custom:role'] as const;

export interface IdentityClaims {
  readonly memberId: string;
  readonly personId: string;
  readonly role: 'member' | 'admin';
}

/** Finds the mapping for a user name (or, failing that, the user's sub). */
export type IdentityLookup = (username: string, sub: string | undefined) => Promise<IdentityClaims | undefined>;

export type PreTokenEvent = PreTokenGenerationTriggerEvent | PreTokenGenerationV2TriggerEvent;

/**
 * Looks the user up through `app.identity_claims` (SECURITY DEFINER; claims_app may call it).
 *
 * @example
 * const lookup = pgIdentityLookup(new pg.Pool({ connectionString }));
 * await lookup('jane@example.com', 'a1b2-...'); // { memberId: '1234567890', personId: '1234567890-01', role: 'member' }
 */
export function pgIdentityLookup(db: Pick<pg.Pool, 'query'>): IdentityLookup {
  return async (username, sub) => {
    const { rows } = await db.query<{ member_id: string; person_id: string; role: string }>(
      'SELECT member_id, person_id, role FROM app.identity_claims($1, $2)',
      [username, sub ?? null],
    );
    const row = rows[0];
    if (!row || (row.role !== 'member' && row.role !== 'admin')) return undefined;
    return { memberId: row.member_id, personId: row.person_id, role: row.role };
  };
}

function claimsOf(identity: IdentityClaims): Record<string, string> {
  return {
    'custom:member_id': identity.memberId,
    'custom:person_id': identity.personId,
    'custom:role': identity.role,
  };
}

/**
 * Writes the claims (or their suppression) into the event's response, V1 or V2 shape.
 *
 * @example
 * applyIdentity(event, { memberId: '1234567890', personId: '1234567890-01', role: 'member' });
 */
export function applyIdentity<E extends PreTokenEvent>(event: E, identity: IdentityClaims | undefined): E {
  // Whatever the user pool holds in these attributes, only the mapping decides them.
  const override = identity
    ? { claimsToAddOrOverride: claimsOf(identity) }
    : { claimsToSuppress: [...IDENTITY_CLAIMS] };
  if (event.version === '1') {
    (event as PreTokenGenerationTriggerEvent).response = { claimsOverrideDetails: override };
  } else {
    (event as PreTokenGenerationV2TriggerEvent).response = {
      claimsAndScopeOverrideDetails: { idTokenGeneration: override, accessTokenGeneration: override },
    };
  }
  return event;
}

/** Which mapped roles this pool's trigger may put into a token. */
export interface RolePolicy {
  /** Roles this pool issues; a mapping with another role gets no claims. */
  readonly allowedRoles: ReadonlySet<IdentityClaims['role']>;
  /** When set, the admin role also needs membership of this Cognito group. */
  readonly adminGroup?: string;
}

/** Both roles, no group: local runs and tests, where no user pool is in front. */
export const ANY_ROLE: RolePolicy = { allowedRoles: new Set(['member', 'admin']) };

/**
 * The policy from the config (`PRE_TOKEN_ALLOWED_ROLES`, `PRE_TOKEN_ADMIN_GROUP`; defaults: both
 * roles, no group).
 *
 * @example
 * rolePolicyOf({ allowedRoles: ['admin'], adminGroup: 'admin' }); // { allowedRoles: Set { 'admin' }, adminGroup: 'admin' }
 */
export function rolePolicyOf(settings: Config['preToken']): RolePolicy {
  const allowedRoles = new Set(settings.allowedRoles);
  return settings.adminGroup ? { allowedRoles, adminGroup: settings.adminGroup } : { allowedRoles };
}

/** Why a mapping may not be issued by this pool, or undefined when it may. */
export function deniedBy(identity: IdentityClaims, policy: RolePolicy, groups: readonly string[]): string | undefined {
  if (!policy.allowedRoles.has(identity.role)) return 'ROLE_NOT_ALLOWED';
  if (identity.role === 'admin' && policy.adminGroup && !groups.includes(policy.adminGroup)) {
    return 'NOT_IN_ADMIN_GROUP';
  }
  return undefined;
}

export interface PreTokenDeps {
  readonly lookup: IdentityLookup;
  readonly logger?: SafeLogger;
  /** Default {@link ANY_ROLE}. */
  readonly policy?: RolePolicy;
}

/**
 * The trigger with its lookup injected (tests pass a lookup over an embedded PostgreSQL).
 *
 * @example
 * export const handler = createPreTokenHandler({ lookup: pgIdentityLookup(pool) });
 */
export function createPreTokenHandler(deps: PreTokenDeps): (event: PreTokenEvent) => Promise<PreTokenEvent> {
  const logger = deps.logger ?? safeLogger;
  const policy = deps.policy ?? ANY_ROLE;
  return async (event) => {
    const started = Date.now();
    const sub = event.request.userAttributes.sub;
    const mapped = await deps.lookup(event.userName, sub);
    const groups = event.request.groupConfiguration?.groupsToOverride ?? [];
    const denied = mapped ? deniedBy(mapped, policy, groups) : undefined;
    const identity = denied ? undefined : mapped;
    applyIdentity(event, identity);
    if (denied) {
      logger.logEvent('pre_token_denied', {
        mapped: true,
        role: mapped?.role,
        errorCode: denied,
        triggerSource: event.triggerSource,
        durationMs: Date.now() - started,
      });
      return event;
    }
    logger.logEvent(identity ? 'pre_token_mapped' : 'pre_token_unmapped', {
      mapped: identity !== undefined,
      role: identity?.role,
      triggerSource: event.triggerSource,
      durationMs: Date.now() - started,
    });
    return event;
  };
}

const config = processConfig(); // at the cold start

let pool: pg.Pool | undefined;

async function sharedPool(): Promise<pg.Pool> {
  if (!pool) {
    // One connection per container: Cognito calls one at a time per container, and RDS Proxy pools.
    // claims_app, as every function: DATABASE_APP_URL, else DB_HOST + the secret, TLS per DB_TLS.
    const created = await lambdaAppPool(config.db, { max: 1 });
    created.on('error', () => {
      // A dropped idle connection (e.g. after secret rotation): start over on the next call.
      if (pool === created) pool = undefined;
    });
    pool = created;
  }
  return pool;
}

/** The Lambda entry point (serverless.yml: `src/handlers/pre-token.handler`). */
export const handler = createPreTokenHandler({
  policy: rolePolicyOf(config.preToken),
  lookup: async (username, sub) => {
    try {
      return await pgIdentityLookup(await sharedPool())(username, sub);
    } catch (error) {
      // Fail closed: the sign-in fails now and works again once the database answers.
      safeLogger.logError('handler_error', error);
      pool?.end().catch(() => undefined);
      pool = undefined;
      throw error;
    }
  },
});
