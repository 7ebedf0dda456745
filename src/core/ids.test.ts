import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMemberId, isPersonId, memberIdOfPerson } from './ids.ts';

test('member ids: 10 digits, no leading zero, strings only', () => {
  assert.equal(isMemberId('1000000001'), true);
  for (const bad of [
    '0123456789',
    '123456789',
    '10000000011',
    '1000000001 ',
    ' 1000000001',
    1000000001,
    undefined,
    '１000000001',
  ]) {
    assert.equal(isMemberId(bad), false, String(bad));
  }
});

test('person ids: <member id>-NN, optionally of a given family', () => {
  assert.equal(isPersonId('1000000001-02'), true);
  assert.equal(isPersonId('1000000001-02', '1000000001'), true);
  assert.equal(isPersonId('1000000001-02', '1000000002'), false);
  for (const bad of ['1000000001-2', '1000000001-002', '0000000001-01', '1000000001_01', '1000000001-01\0', null]) {
    assert.equal(isPersonId(bad), false, String(bad));
  }
  assert.equal(memberIdOfPerson('1000000003-04'), '1000000003');
  assert.equal(memberIdOfPerson('nope'), undefined);
});
