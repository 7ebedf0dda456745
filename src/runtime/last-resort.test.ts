import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lastResortVerdict } from './last-resort.ts';

test('lost connections and unawaited rejections keep the server serving; anything else stops it', () => {
  const pg = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
  assert.equal(lastResortVerdict(pg, 'uncaughtException'), 'keep_serving');
  assert.equal(lastResortVerdict(new Error('Connection terminated unexpectedly'), 'uncaughtException'), 'keep_serving');
  assert.equal(
    lastResortVerdict(Object.assign(new Error('read'), { code: 'ECONNRESET' }), 'uncaughtException'),
    'keep_serving',
  );
  assert.equal(lastResortVerdict(new TypeError('x is not a function'), 'unhandledRejection'), 'keep_serving');
  assert.equal(lastResortVerdict(new TypeError('x is not a function'), 'uncaughtException'), 'stop');
});
