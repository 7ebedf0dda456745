import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startLocalServer } from './local.ts';

test('the local server (and its dev token issuer) refuses to start inside AWS Lambda', async () => {
  process.env.AWS_LAMBDA_FUNCTION_NAME = 'claims-ask';
  try {
    // Refused before anything starts: the database URL is never used.
    await assert.rejects(
      startLocalServer({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none' }),
      /must not run in Lambda/,
    );
  } finally {
    delete process.env.AWS_LAMBDA_FUNCTION_NAME;
  }
});
