/**
 * Production wiring, built once per Lambda container (outside the handler) and reused across
 * invocations: one small pool to RDS Proxy, the Bedrock client, the template store.
 */

import type { APIGatewayProxyEvent } from 'aws-lambda';
import type pg from 'pg';
import { identityFromEvent } from '../auth/api-gateway.ts';
import type { Identity } from '../auth/identity.ts';
import { createTokenVerifier, type TokenVerifier } from '../auth/verify.ts';
import type { AskResult } from '../core/ask-result.ts';
import { type Llm, type PromptStore, systemClock } from '../core/ports.ts';
import { createAppPool, PgMemberDb } from '../db/member-db.ts';
import { bedrockLlmFromEnv } from '../llm/bedrock.ts';
import { traceAwsClient, traceStage } from '../observability/tracer.ts';
import type { AskPorts } from '../pipeline/ask.ts';
import { promptStoreFromEnv } from '../prompts/from-env.ts';
import { afterAsk } from './after-ask.ts';
import { databaseUrl, readDbSecret } from './db-secret.ts';
import { memberRateLimit } from './rate-limit.ts';

/** The app pool: DATABASE_APP_URL when set (tests, other hosts), else RDS Proxy + the secret. */
async function appPool(env: NodeJS.ProcessEnv): Promise<pg.Pool> {
  // Lambda runs one request at a time per container: two connections cover the ask and its audit.
  const poolOptions = { max: Number(env.DB_POOL_MAX ?? 2), idleTimeoutMillis: 60_000 };
  if (env.DATABASE_APP_URL) return createAppPool(env.DATABASE_APP_URL, poolOptions);
  if (!env.DB_HOST || !env.DB_SECRET_ARN)
    throw new Error('DB_HOST and DB_SECRET_ARN (or DATABASE_APP_URL) must be set');
  const secretId = env.DB_SECRET_ARN;
  const url = databaseUrl(await readDbSecret(secretId, env), env, { password: false });
  // The password is read for every new connection (the extension caches it for its TTL), so a
  // rotated secret is picked up by warm containers without a redeploy or a recycle.
  const password = async () => (await readDbSecret(secretId, env)).password;
  // RDS Proxy requires TLS and its certificates chain to Amazon's public CAs: verify them.
  // DB_TLS=disable is for a plain local server only.
  const ssl = env.DB_TLS === 'disable' ? false : { rejectUnauthorized: true };
  return createAppPool(url.toString(), { ...poolOptions, password, ssl });
}

export interface LambdaWiring {
  readonly ports: AskPorts;
  readonly db: PgMemberDb;
  readonly prompts: PromptStore;
  readonly rateLimit: (identity: Identity) => Promise<void>;
  readonly onResult: (result: AskResult, identity: Identity) => Promise<void>;
}

/**
 * The model client, built on first use: the health and admin functions share this wiring but
 * have no model configured (BEDROCK_MODEL_ID is the ask function's), and must still start.
 */
function lazyLlm(make: () => Llm): Llm {
  let llm: Llm | undefined;
  return {
    generate: async (req) => {
      llm ??= make();
      return llm.generate(req);
    },
  };
}

let wiring: Promise<LambdaWiring> | undefined;

/** The container's ports, created on first use and kept for the container's life. */
export function lambdaWiring(env: NodeJS.ProcessEnv = process.env): Promise<LambdaWiring> {
  wiring ??= (async () => {
    const pool = await appPool(env);
    const db = new PgMemberDb(pool, { statementTimeoutMs: Number(env.DB_STATEMENT_TIMEOUT_MS ?? 5000) });
    const prompts = promptStoreFromEnv(env, pool);
    return {
      ports: {
        llm: lazyLlm(() => bedrockLlmFromEnv(env, traceAwsClient)),
        db,
        prompts,
        clock: systemClock,
        trace: traceStage,
      },
      db,
      prompts,
      rateLimit: memberRateLimit(pool, env),
      onResult: afterAsk(db),
    };
  })().catch((err) => {
    wiring = undefined; // let the next invocation retry instead of caching the failure
    throw err;
  });
  return wiring;
}

let verifier: TokenVerifier | undefined;

/**
 * Identity behind API Gateway: the Cognito authorizer's claims. When AUTH_ISSUER, AUTH_AUDIENCE
 * and AUTH_JWKS_URL are set (no authorizer in front), bearer tokens are verified here instead.
 */
export function lambdaIdentify(env: NodeJS.ProcessEnv = process.env) {
  if (env.AUTH_ISSUER && env.AUTH_AUDIENCE && env.AUTH_JWKS_URL) {
    verifier ??= createTokenVerifier({
      issuer: env.AUTH_ISSUER,
      audience: env.AUTH_AUDIENCE,
      jwksUrl: env.AUTH_JWKS_URL,
    });
  }
  return (event: APIGatewayProxyEvent) => identityFromEvent(event, verifier);
}
