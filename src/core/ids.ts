/**
 * The two identifiers every layer speaks of, with ONE rule each. A member id is the family's
 * subscriber id: 10 digits, no leading zero (it is a BIGINT in the database, so '0123456789'
 * could not round-trip). A person id names one person of that family: `<member id>-NN`.
 */

const MEMBER_ID = /^[1-9]\d{9}$/;
const PERSON_ID = /^([1-9]\d{9})-(\d{2})$/;

/**
 * True for a well-formed member id.
 * @example
 * isMemberId('1000000001') // true
 * isMemberId('0123456789') // false
 */
export function isMemberId(value: unknown): value is string {
  return typeof value === 'string' && MEMBER_ID.test(value);
}

/**
 * True for a well-formed person id; with `memberId`, also that it belongs to that family.
 * @example
 * isPersonId('1000000001-02', '1000000001') // true
 * isPersonId('1000000002-01', '1000000001') // false: another family
 */
export function isPersonId(value: unknown, memberId?: string): value is string {
  if (typeof value !== 'string') return false;
  const m = PERSON_ID.exec(value);
  return m !== null && (memberId === undefined || m[1] === memberId);
}

/**
 * The family a person id belongs to, or undefined when it is malformed.
 * @example
 * memberIdOfPerson('1000000001-02') // '1000000001'
 */
export function memberIdOfPerson(value: string): string | undefined {
  return PERSON_ID.exec(value)?.[1];
}
