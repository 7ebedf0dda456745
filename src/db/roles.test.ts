import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appConnectionString, LOCAL_APP_PASSWORD, withDatabase } from './roles.ts';

test('appConnectionString swaps in claims_app and keeps host, port and database', () => {
  const url = new URL(
    appConnectionString('postgres://postgres:admin@10.1.2.3:6543/claims?sslmode=require', 'p@ss:w/rd %'),
  );
  assert.equal(url.username, 'claims_app');
  assert.equal(decodeURIComponent(url.password), 'p@ss:w/rd %');
  assert.equal(url.host, '10.1.2.3:6543');
  assert.equal(url.pathname, '/claims');
  assert.equal(url.searchParams.get('sslmode'), 'require');
});

test('without a password the local default is used (a deployment passes its own)', () => {
  assert.equal(decodeURIComponent(new URL(appConnectionString('postgres://u:p@h:1/d')).password), LOCAL_APP_PASSWORD);
});

test('withDatabase points a URL at another database', () => {
  assert.equal(withDatabase('postgres://u:p@h:1/postgres', 't_1'), 'postgres://u:p@h:1/t_1');
});
