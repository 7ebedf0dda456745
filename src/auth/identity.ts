/**
 * Who is signed in, taken from verified token claims only. The pre-token-generation trigger
 * adds the custom claims from the identity mapping table; nothing a client sends in a body or
 * query string is ever consulted.
 */
import { isMemberId, isPersonId } from '../core/ids.ts';
import { AuthError, ForbiddenError } from './errors.ts';

export const ROLES = ['member', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Claim names as Cognito custom attributes carry them. */
export const IdentityClaim = {
  MEMBER_ID: 'custom:member_id',
  PERSON_ID: 'custom:person_id',
  ROLE: 'custom:role',
} as const;

export interface Identity {
  /** The family's subscriber id: 10 digits, as a string (it exceeds 2^31). */
  readonly memberId: string;
  /** The signed-in person within the family: `<memberId>-NN`. */
  readonly personId: string;
  readonly role: Role;
  /** The token's `sub`: the identity provider's id for the user (for audit, not for scope). */
  readonly subject: string;
}

const MAX_SUBJECT_LENGTH = 256;

function claimsInvalid(why: string): AuthError {
  // The reason names the claim, never its value (values may identify a member).
  return new AuthError('CLAIMS_INVALID', { cause: new Error(why) });
}

/**
 * Maps verified claims to an {@link Identity}, checking every shape strictly.
 * Throws `AuthError('CLAIMS_INVALID')` on a missing or malformed claim.
 *
 * @example
 * ```ts
 * identityFromClaims({ sub: 'abc', 'custom:member_id': '1234567890', 'custom:person_id': '1234567890-01' });
 * // → { memberId: '1234567890', personId: '1234567890-01', role: 'member', subject: 'abc' }
 * ```
 */
export function identityFromClaims(claims: Record<string, unknown>): Identity {
  const subject = claims.sub;
  if (typeof subject !== 'string' || subject.length === 0 || subject.length > MAX_SUBJECT_LENGTH) {
    throw claimsInvalid('sub is missing or malformed');
  }

  const memberId = claims[IdentityClaim.MEMBER_ID];
  if (!isMemberId(memberId)) {
    throw claimsInvalid(`${IdentityClaim.MEMBER_ID} is missing or not a 10-digit id`);
  }

  const personId = claims[IdentityClaim.PERSON_ID];
  if (!isPersonId(personId)) {
    throw claimsInvalid(`${IdentityClaim.PERSON_ID} is missing or not <member id>-NN`);
  }
  // A person id names its family; one from another family means the mapping is broken.
  if (!isPersonId(personId, memberId)) {
    throw claimsInvalid(`${IdentityClaim.PERSON_ID} does not belong to ${IdentityClaim.MEMBER_ID}`);
  }

  const rawRole = claims[IdentityClaim.ROLE];
  // Absent means an ordinary member; anything present must be a known role (no empty string).
  const role = rawRole === undefined ? 'member' : rawRole;
  if (!isRole(role)) {
    throw claimsInvalid(`${IdentityClaim.ROLE} is not one of ${ROLES.join(', ')}`);
  }

  return { memberId, personId, role, subject };
}

function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * Throws `ForbiddenError` (403) unless the identity has the role.
 *
 * @example
 * ```ts
 * requireRole(identity, 'admin'); // on admin routes
 * ```
 */
export function requireRole(identity: Identity, role: Role): void {
  if (identity.role !== role) throw new ForbiddenError();
}
