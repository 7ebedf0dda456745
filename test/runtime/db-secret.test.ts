import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../src/config/config.ts';
import {
  databaseUrl,
  lambdaAppPool,
  lambdaOwnerUrl,
  lambdaReaderPool,
  readDbSecret,
  sharedDbSecret,
  TLS,
} from '../../src/runtime/db-secret.ts';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf';

describe('Lambda database connections from the secret (extension stand-in on loopback)', () => {
  let server: http.Server;
  let port: number;
  let token: string | undefined;
  let secretId: string | null = null;
  /** Lookups per secret id. */
  const lookups = new Map<string, number>();

  before(async () => {
    server = http.createServer((req, res) => {
      const id = new URL(req.url ?? '/', 'http://localhost').searchParams.get('secretId') ?? '';
      lookups.set(id, (lookups.get(id) ?? 0) + 1);
      token = req.headers['x-aws-parameters-secrets-token'] as string | undefined;
      secretId = new URL(req.url ?? '/', 'http://localhost').searchParams.get('secretId');
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          SecretString: JSON.stringify({
            username: 'claims_app',
            password: 'p@ss/word',
            host: 'cluster.internal',
            port: 5432,
          }),
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  const lambdaEnv = (extra: Record<string, string> = {}) =>
    parseConfig({
      AWS_LAMBDA_FUNCTION_NAME: 'claims-assistant-test',
      DB_SECRET_ARN: ARN,
      DB_HOST: 'proxy.internal',
      DB_NAME: 'claims',
      AWS_SESSION_TOKEN: 'session-token',
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port),
      ...extra,
    });

  it('reads the secret with the session token and points at the proxy host, TLS verified by default', async () => {
    const url = await lambdaOwnerUrl(lambdaEnv().db);
    assert.equal(url, 'postgres://claims_app:p%40ss%2Fword@proxy.internal:5432/claims?sslmode=verify-full');
    assert.equal(token, 'session-token');
    assert.equal(secretId, ARN);
  });

  it('DB_TLS=disable is the one switch for a plain server (URL and driver option alike)', async () => {
    const url = await lambdaOwnerUrl(lambdaEnv({ DB_TLS: 'disable' }).db);
    assert.equal(new URL(url).searchParams.get('sslmode'), 'disable');
    assert.equal(TLS.disable.ssl, false);
    assert.deepEqual(TLS['verify-full'].ssl, { rejectUnauthorized: true });
  });

  it('DATABASE_URL wins for the owner login', async () => {
    const cfg = lambdaEnv({ DATABASE_URL: 'postgres://a:b@h:1/d' });
    assert.equal(await lambdaOwnerUrl(cfg.db), 'postgres://a:b@h:1/d');
  });

  it('the secret host and port are used when DB_HOST is not set', async () => {
    const secret = await readDbSecret(ARN, { port, token: 'session-token' });
    const url = databaseUrl(secret, { tls: 'verify-full' }, { password: false });
    assert.equal(url.toString(), 'postgres://claims_app@cluster.internal:5432/claims?sslmode=verify-full');
  });

  it('a refused lookup is an error naming the status', async () => {
    const refusing = http.createServer((_req, res) => res.writeHead(401).end());
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    try {
      const p = (refusing.address() as AddressInfo).port;
      await assert.rejects(readDbSecret(ARN, { port: p }), /HTTP 401/);
    } finally {
      refusing.close();
    }
  });

  it('the writer and reader pools of a cold start share one read of the secret, and point at their hosts', async () => {
    const arn = `${ARN}-shared`;
    const cfg = lambdaEnv({ DB_SECRET_ARN: arn, DB_READER_HOST: 'reader.internal' }).db;
    const [reader, writer] = await Promise.all([lambdaReaderPool(cfg), lambdaAppPool(cfg)]);
    try {
      assert.equal(lookups.get(arn), 1, 'one lookup for both pools');
      assert.equal(reader?.options.host, 'reader.internal');
      assert.equal(writer.options.host, 'proxy.internal');
      assert.equal(reader?.options.application_name, 'claims-assistant-reader');
      // Each new connection asks again (rotation); connections opened together share one lookup.
      const password = writer.options.password as () => Promise<string>;
      assert.deepEqual(await Promise.all([password(), password(), password()]), [
        'p@ss/word',
        'p@ss/word',
        'p@ss/word',
      ]);
      assert.equal(lookups.get(arn), 2, 'one lookup for three connections opened together');
      assert.equal(await password(), 'p@ss/word');
      assert.equal(lookups.get(arn), 3, 'a later connection reads the secret again');
    } finally {
      await Promise.all([reader?.end(), writer.end()]);
    }
  });

  it('an extension that does not answer fails the read at its timeout; the failure is not kept, the next read retries', async () => {
    let calls = 0;
    const stalled = new Set<http.ServerResponse>();
    const flaky = http.createServer((_req, res) => {
      calls += 1;
      if (calls === 1) {
        stalled.add(res); // the first lookup never gets an answer
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ SecretString: JSON.stringify({ username: 'claims_app', password: 'second' }) }));
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    try {
      const ext = { port: (flaky.address() as AddressInfo).port };
      const t0 = performance.now();
      await assert.rejects(sharedDbSecret(ARN, ext, { timeoutMs: 200 }), { name: 'TimeoutError' });
      assert.ok(performance.now() - t0 < 2000, 'failed at its timeout, not when the extension gave up');
      assert.equal((await sharedDbSecret(ARN, ext, { timeoutMs: 2000 })).password, 'second', 'read again');
      assert.equal(calls, 2);
    } finally {
      for (const res of stalled) res.destroy();
      flaky.close();
    }
  });
});
