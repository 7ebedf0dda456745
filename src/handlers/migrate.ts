/**
 * The migration runner (invoked by the operator after a deploy, never on the API): applies
 * pending migrations as the owner login and sets claims_app's password from its own secret.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Config } from '../config/config.ts';
import { migrate } from '../db/migrate.ts';
import { configureAppRole } from '../db/roles.ts';
import { observabilityMiddleware } from '../http/observability-middleware.ts';
import { safeLogger } from '../observability/logger.ts';
import { lambdaOwnerUrl, readDbSecret } from '../runtime/db-secret.ts';
import { processConfig } from '../runtime/process-config.ts';

export interface MigrateOutcome {
  readonly applied: number[];
}

/**
 * @example
 * aws lambda invoke --function-name claims-assistant-prod-migrate out.json
 */
export async function runMigrations(config: Config): Promise<MigrateOutcome> {
  // The owner login: DATABASE_URL, else DB_HOST + the owner secret (DB_SECRET_ARN), TLS per DB_TLS.
  const url = await lambdaOwnerUrl(config.db);
  const { applied } = await migrate(url);
  for (const version of applied) safeLogger.logEvent('migration_applied', { migration: version });
  if (config.db.appSecretArn) {
    const app = await readDbSecret(config.db.appSecretArn, config.db.secretsExtension);
    await configureAppRole(url, app.password);
  }
  return { applied };
}

const config = processConfig(); // at the cold start

export const handler = middy<unknown, MigrateOutcome, Error, Context>()
  .use(observabilityMiddleware())
  .handler(() => runMigrations(config));
