/**
 * The Lambda side of a test, as src/runtime/lambda.ts meets it in AWS: a local stand-in for the
 * Parameters and Secrets extension's HTTP API serving claims_app's secret for a test database,
 * and the environment that points the wiring at both.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestDatabase } from './db.ts';

export const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:claims-app-abc123';
/** The extension refuses callers without the function's session token, as the real one does. */
export const SESSION_TOKEN = 'session-token-for-the-extension';

export interface SecretsExtension {
  readonly port: number;
  /** How many times the secret was read. */
  readonly reads: () => number;
  close(): void;
}

/**
 * Serves `{ username: 'claims_app', password }` for SECRET_ARN on loopback.
 * @example const extension = await startSecretsExtension(db); Object.assign(process.env, lambdaDbEnv(db, extension));
 */
export async function startSecretsExtension(db: TestDatabase): Promise<SecretsExtension> {
  const password = decodeURIComponent(new URL(db.appUrl).password);
  let reads = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.headers['x-aws-parameters-secrets-token'] !== SESSION_TOKEN) return res.writeHead(401).end();
    if (url.pathname !== '/secretsmanager/get' || url.searchParams.get('secretId') !== SECRET_ARN) {
      return res.writeHead(404).end();
    }
    reads++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ SecretString: JSON.stringify({ username: 'claims_app', password }) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    reads: () => reads,
    close: () => server.close(),
  };
}

/**
 * The environment the Lambda wiring reads to reach `db` through the extension (no TLS on loopback).
 * @example Object.assign(process.env, lambdaDbEnv(db, extension), { BEDROCK_MODEL_ID: 'offline-engine-v1' });
 */
export function lambdaDbEnv(db: TestDatabase, extension: SecretsExtension): Record<string, string> {
  const pgUrl = new URL(db.adminUrl);
  return {
    // Set by Lambda in every function: selects the Lambda defaults (LLM_PROVIDER=bedrock, pool of 2).
    AWS_LAMBDA_FUNCTION_NAME: 'claims-assistant-test',
    DB_HOST: pgUrl.hostname,
    DB_PORT: pgUrl.port,
    DB_NAME: pgUrl.pathname.slice(1),
    DB_SECRET_ARN: SECRET_ARN,
    DB_TLS: 'disable',
    PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(extension.port),
    AWS_SESSION_TOKEN: SESSION_TOKEN,
    AWS_REGION: 'us-east-1',
    POWERTOOLS_LOG_LEVEL: 'WARN',
  };
}
