import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMoney } from './money.ts';

describe('formatMoney', () => {
  it('formats decimal strings with thousands separators and cents', () => {
    assert.equal(formatMoney('1234.56'), '$1,234.56');
    assert.equal(formatMoney('1234567.5'), '$1,234,567.50');
    assert.equal(formatMoney('0'), '$0.00');
    assert.equal(formatMoney('.5'), '$0.50');
    assert.equal(formatMoney('42'), '$42.00');
  });

  it('rounds half up on the digits, without float drift', () => {
    // As floats, 1.005 * 100 = 100.49999... and 0.105 rounds down; on the digits they round up.
    assert.equal(formatMoney('1.005'), '$1.01');
    assert.equal(formatMoney('0.105'), '$0.11');
    assert.equal(formatMoney('2.994'), '$2.99');
    assert.equal(formatMoney('999.995'), '$1,000.00');
    assert.equal(formatMoney('12345678901234567.89'), '$12,345,678,901,234,567.89');
  });

  it('handles numbers and negatives', () => {
    assert.equal(formatMoney(1234.5), '$1,234.50');
    assert.equal(formatMoney(0.1 + 0.2), '$0.30');
    assert.equal(formatMoney('-20.5'), '-$20.50');
    assert.equal(formatMoney('-0.001'), '$0.00');
  });

  it('returns undefined for what is not a number', () => {
    for (const v of [null, true, 'abc', '', '1.2.3', '1e5', Number.NaN]) assert.equal(formatMoney(v), undefined);
  });
});
