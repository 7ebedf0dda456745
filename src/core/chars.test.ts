import assert from 'node:assert/strict';
import { test } from 'node:test';
import { charCount } from './chars.ts';

test('charCount counts code points: emoji and astral characters count once', () => {
  assert.equal(charCount(''), 0);
  assert.equal(charCount('héllo'), 5);
  assert.equal(charCount('👍'.repeat(300)), 300);
  assert.equal('👍'.repeat(300).length, 600);
  assert.equal(charCount('a\u{1F600}b'), 3);
});
