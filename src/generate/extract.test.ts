import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractSql } from './extract.ts';

test('reads the SQL between the tags', () => {
  assert.deepEqual(extractSql('<sql>SELECT 1 FROM claims_history</sql>'), {
    kind: 'sql',
    sql: 'SELECT 1 FROM claims_history',
  });
  assert.deepEqual(extractSql('Here you go:\n<SQL>\n  SELECT 2\n</SQL>\nDone.'), { kind: 'sql', sql: 'SELECT 2' });
});

test('a markdown fence inside the tags is unwrapped', () => {
  assert.deepEqual(extractSql('<sql>```sql\nSELECT 3\n```</sql>'), { kind: 'sql', sql: 'SELECT 3' });
});

test('the NULL marker and an empty block mean "cannot answer"', () => {
  for (const reply of ['<sql>NULL</sql>', '<sql> null; </sql>', '<sql></sql>']) {
    assert.deepEqual(extractSql(reply), { kind: 'cannot_answer' }, reply);
  }
});

test('no block, or more than one, is no SQL', () => {
  for (const reply of ['SELECT 1', '', '<sql>SELECT 1</sql><sql>SELECT 2</sql>', '<sql>SELECT 1']) {
    assert.deepEqual(extractSql(reply), { kind: 'no_sql' }, reply);
  }
});
