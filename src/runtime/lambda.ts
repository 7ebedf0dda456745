/**
 * Production wiring. The config is read at the cold start (the handler module's init), so a bad
 * value fails the function's start with one line; the app (one small pool to RDS Proxy, the
 * template store, the model) is built on first use and kept for the container's life.
 */

import type { APIGatewayProxyEvent } from 'aws-lambda';
import { identityFromEvent } from '../auth/api-gateway.ts';
import type { Identity } from '../auth/identity.ts';
import { createTokenVerifier, type TokenVerifier } from '../auth/verify.ts';
import type { Config } from '../config/config.ts';
import type { AskResult } from '../core/ask-result.ts';
import { traceAwsClient, traceStage } from '../observability/tracer.ts';
import type { AskPorts } from '../pipeline/ask.ts';
import { type App, buildApp, deferredHealthChecks, type HealthChecks } from './app.ts';
import { lambdaAppPool, lambdaReaderPool } from './db-secret.ts';
import { checkLlmConfig, createLlm, lazyLlm } from './llm.ts';
import { processConfig as lambdaConfig } from './process-config.ts';

export { lambdaConfig };

let app: Promise<App> | undefined;

/** The container's app, created on first use and kept for the container's life. */
export function lambdaApp(): Promise<App> {
  app ??= (async () => {
    const cfg = lambdaConfig();
    const readerPool = await lambdaReaderPool(cfg.db);
    return buildApp(cfg, {
      pool: await lambdaAppPool(cfg.db),
      ...(readerPool ? { readerPool } : {}),
      // Built on the first model call: the health function never builds one.
      llm: lazyLlm(() => createLlm(cfg.llm, { instrument: traceAwsClient })),
      trace: traceStage,
    });
  })().catch((err) => {
    app = undefined; // let the next invocation retry instead of caching the failure
    throw err;
  });
  return app;
}

let verifier: TokenVerifier | undefined;

/**
 * Identity behind API Gateway: the Cognito authorizer's claims. When AUTH_ISSUER, AUTH_AUDIENCE
 * and AUTH_JWKS_URL are set (no authorizer in front), bearer tokens are verified here instead.
 */
export function lambdaIdentify(cfg: Config = lambdaConfig()) {
  if (cfg.auth) verifier ??= createTokenVerifier(cfg.auth);
  return (event: APIGatewayProxyEvent) => identityFromEvent(event, verifier);
}

/** What the ask handler needs, on Lambda. Checked at the cold start: the model must be configured. */
export function lambdaAskDeps() {
  const cfg = lambdaConfig();
  checkLlmConfig(cfg.llm);
  return {
    ports: async (): Promise<AskPorts> => (await lambdaApp()).ports,
    identify: lambdaIdentify(cfg),
    rateLimit: async (identity: Identity) => (await lambdaApp()).rateLimit(identity),
    onResult: async (result: AskResult, identity: Identity, call?: { timeoutMs?: number }) =>
      (await lambdaApp()).onResult(result, identity, call),
    conversations: async () => (await lambdaApp()).conversations,
    cors: cfg.cors,
  };
}

/** What the feedback handler needs, on Lambda: no model. */
export function lambdaFeedbackDeps() {
  const cfg = lambdaConfig();
  return {
    identify: lambdaIdentify(cfg),
    parts: async () => {
      const app = await lambdaApp();
      return { conversations: app.conversations, feedback: app.feedback, db: app.db };
    },
    cors: cfg.cors,
  };
}

/** What the conversations handler (delete one, sign out) needs, on Lambda: no model. */
export function lambdaConversationDeps() {
  const cfg = lambdaConfig();
  return {
    identify: lambdaIdentify(cfg),
    conversations: async () => (await lambdaApp()).conversations,
    cors: cfg.cors,
  };
}

/** The health checks on Lambda (the same checks as locally; no model needed). */
export function lambdaHealthChecks(): HealthChecks {
  const cfg = lambdaConfig();
  return deferredHealthChecks(lambdaApp, { reader: cfg.db.readerHost !== undefined });
}

/** The portal origins that get CORS headers (CORS_ALLOWED_ORIGINS), for the handlers without other deps. */
export function lambdaCors() {
  return lambdaConfig().cors;
}
