import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AuthError, ForbiddenError } from './errors.ts';
import { identityFromClaims, requireRole } from './identity.ts';

const valid = {
  sub: 'user-1',
  'custom:member_id': '1234567890',
  'custom:person_id': '1234567890-01',
  'custom:role': 'member',
};

function claimsInvalid(err: unknown): boolean {
  assert.ok(err instanceof AuthError, `expected AuthError, got ${String(err)}`);
  assert.equal(err.code, 'CLAIMS_INVALID');
  assert.equal(err.statusCode, 401);
  return true;
}

/** CLAIMS_INVALID, and rejected for this claim (not by some other check further down). */
function claimsInvalidFor(claim: string) {
  return (err: unknown) =>
    claimsInvalid(err) &&
    (err as AuthError).cause instanceof Error &&
    String((err as AuthError & { cause: Error }).cause.message).startsWith(claim);
}

describe('identityFromClaims', () => {
  test('maps the custom claims', () => {
    assert.deepEqual(identityFromClaims(valid), {
      memberId: '1234567890',
      personId: '1234567890-01',
      role: 'member',
      subject: 'user-1',
    });
  });

  test('role admin is kept; an absent role defaults to member', () => {
    assert.equal(identityFromClaims({ ...valid, 'custom:role': 'admin' }).role, 'admin');
    const { 'custom:role': _role, ...withoutRole } = valid;
    assert.equal(identityFromClaims(withoutRole).role, 'member');
  });

  test('unknown, empty or differently cased roles are rejected', () => {
    for (const role of ['superuser', '', 'Admin', 'member ', null, 1, ['admin']]) {
      assert.throws(
        () => identityFromClaims({ ...valid, 'custom:role': role }),
        claimsInvalidFor('custom:role'),
        String(role),
      );
    }
  });

  test('member id must be exactly 10 ASCII digits in a string, no leading zero', () => {
    const bad = [
      undefined,
      '',
      '123456789',
      '12345678901',
      '12345abcde',
      '1234567890 ',
      ' 1234567890',
      '1234567890\n',
      '0123456789',
      '-123456789',
      '1e9000000',
      '١٢٣٤٥٦٧٨٩٠', // Arabic-Indic digits
      '1234567890 OR 1=1',
      1234567890,
      ['1234567890'],
    ];
    for (const memberId of bad) {
      // A person id of the same family, so only the member id check can reject it.
      const personId = `${String(memberId)}-01`;
      assert.throws(
        () => identityFromClaims({ ...valid, 'custom:member_id': memberId, 'custom:person_id': personId }),
        claimsInvalidFor('custom:member_id'),
        JSON.stringify(memberId),
      );
    }
  });

  test('person id must be <member id>-NN of the same family', () => {
    for (const personId of [undefined, '', '1234567890', '1234567890-1', '1234567890-001', '1234567890_01', 12]) {
      assert.throws(
        () => identityFromClaims({ ...valid, 'custom:person_id': personId }),
        claimsInvalid,
        String(personId),
      );
    }
    assert.throws(() => identityFromClaims({ ...valid, 'custom:person_id': '9999999999-01' }), claimsInvalid);
    assert.equal(identityFromClaims({ ...valid, 'custom:person_id': '1234567890-07' }).personId, '1234567890-07');
  });

  test('sub must be a non-empty string of sane length', () => {
    for (const sub of [undefined, '', 42, 'x'.repeat(257)]) {
      assert.throws(() => identityFromClaims({ ...valid, sub }), claimsInvalidFor('sub'), String(sub).slice(0, 10));
    }
  });

  test('look-alike claim names are not read', () => {
    const { 'custom:member_id': _m, ...rest } = valid;
    assert.throws(
      () => identityFromClaims({ ...rest, member_id: '1234567890', memberId: '1234567890' }),
      claimsInvalid,
    );
  });

  test('the error cause names the claim but never its value', () => {
    const err = (() => {
      try {
        identityFromClaims({ ...valid, 'custom:person_id': '9999999999-01' });
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof AuthError);
    const cause = String((err.cause as Error).message);
    assert.match(cause, /custom:person_id/);
    assert.ok(!cause.includes('9999999999') && !cause.includes('1234567890'));
  });
});

describe('requireRole', () => {
  const member = identityFromClaims(valid);
  const admin = identityFromClaims({ ...valid, 'custom:role': 'admin' });

  test('passes for the role, throws ForbiddenError (403) otherwise', () => {
    assert.doesNotThrow(() => requireRole(admin, 'admin'));
    assert.doesNotThrow(() => requireRole(member, 'member'));
    assert.throws(
      () => requireRole(member, 'admin'),
      (err: unknown) => err instanceof ForbiddenError && err.statusCode === 403 && err.code === 'FORBIDDEN',
    );
  });
});
