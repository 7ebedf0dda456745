import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../src/config/config.ts';
import { databaseUrl, lambdaOwnerUrl, readDbSecret, TLS } from '../../src/runtime/db-secret.ts';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf';

describe('Lambda database connections from the secret (extension stand-in on loopback)', () => {
  let server: http.Server;
  let port: number;
  let token: string | undefined;
  let secretId: string | null = null;

  before(async () => {
    server = http.createServer((req, res) => {
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
});
