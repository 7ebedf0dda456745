/**
 * The migration runner (invoked by the operator after a deploy, never on the API): applies
 * pending migrations as the owner login and sets claims_app's password from its own secret.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { migrate } from '../db/migrate.ts';
import { configureAppRole } from '../db/roles.ts';
import { observabilityMiddleware } from '../http/observability-middleware.ts';
import { safeLogger } from '../observability/logger.ts';
import { databaseUrl, readDbSecret } from '../runtime/db-secret.ts';

export interface MigrateOutcome {
  readonly applied: number[];
}

/** The owner connection: DATABASE_URL when set, else DB_HOST + the owner secret. */
async function ownerUrl(env: NodeJS.ProcessEnv): Promise<string> {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  if (!env.DB_HOST || !env.DB_SECRET_ARN) throw new Error('DB_HOST and DB_SECRET_ARN (or DATABASE_URL) must be set');
  const url = databaseUrl(await readDbSecret(env.DB_SECRET_ARN, env), env);
  url.searchParams.set('sslmode', 'verify-full');
  return url.toString();
}

/**
 * @example
 * aws lambda invoke --function-name claims-assistant-prod-migrate out.json
 */
export async function runMigrations(env: NodeJS.ProcessEnv = process.env): Promise<MigrateOutcome> {
  const url = await ownerUrl(env);
  const { applied } = await migrate(url);
  for (const version of applied) safeLogger.logEvent('migration_applied', { migration: version });
  if (env.APP_DB_SECRET_ARN) {
    const app = await readDbSecret(env.APP_DB_SECRET_ARN, env);
    await configureAppRole(url, app.password);
  }
  return { applied };
}

export const handler = middy<unknown, MigrateOutcome, Error, Context>()
  .use(observabilityMiddleware())
  .handler(() => runMigrations());
