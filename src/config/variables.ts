/**
 * Every environment variable the service reads: its validator and who reads it. The only list
 * (src/config/config.ts turns it into the typed config; the README's configuration table is
 * checked against it in both directions by config.test.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EnvError } from 'envalid';

/** A value that must not be echoed in an error line (passwords, tokens, URLs with credentials). */
const SECRET = Symbol('secret');

/** An error line without the offending value (for secrets). */
class SecretValueError extends EnvError {
  readonly [SECRET] = true;
}

const fail = (message: string, input: string): never => {
  throw new EnvError(`${message} (got "${input.length > 80 ? `${input.slice(0, 80)}…` : input}")`);
};

/** A whole number in [min, max]. */
const int =
  (min: number, max: number) =>
  (input: string): number =>
    /^\d+$/.test(input) && Number(input) >= min && Number(input) <= max
      ? Number(input)
      : fail(`must be a whole number from ${min} to ${max}`, input);

/** A decimal number in [min, max]. */
const decimal =
  (min: number, max: number) =>
  (input: string): number =>
    /^\d+(\.\d+)?$/.test(input) && Number(input) >= min && Number(input) <= max
      ? Number(input)
      : fail(`must be a number from ${min} to ${max}`, input);

/** One of `choices` (case as given). */
const oneOf =
  <T extends string>(choices: readonly T[], opts: { ignoreCase?: boolean } = {}) =>
  (input: string): T => {
    const found = choices.find((c) => (opts.ignoreCase ? c.toLowerCase() === input.toLowerCase() : c === input));
    return found ?? fail(`must be one of ${choices.join(', ')}`, input);
  };

/** Text matching `pattern`, described by `what`. */
const text =
  (pattern: RegExp, what: string) =>
  (input: string): string =>
    pattern.test(input) ? input : fail(`must be ${what}`, input);

/** An absolute http(s) URL. */
const httpUrl = (input: string): string => {
  try {
    const u = new URL(input);
    if ((u.protocol === 'http:' || u.protocol === 'https:') && u.hostname) return input;
  } catch {}
  return fail('must be an http:// or https:// URL', input);
};

/**
 * A comma-separated list of web origins (`https://host[:port]`; `http://` only for localhost and
 * 127.0.0.1), as browsers send them in `Origin`: no path, no trailing slash.
 */
const originList = (input: string): string[] => {
  const origins = input
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const o of origins) {
    let u: URL | undefined;
    try {
      u = new URL(o);
    } catch {}
    const local = u?.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1');
    if (!u || (u.protocol !== 'https:' && !local) || u.origin !== o)
      fail('must be comma-separated origins like https://portal.example.com (http:// only for localhost)', input);
  }
  return origins;
};

/** A postgres:// URL; it carries credentials, so the value is never echoed. */
const postgresUrl = (input: string): string => {
  try {
    const u = new URL(input);
    if ((u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname) return input;
  } catch {}
  throw new SecretValueError('must be a postgres://user:password@host:port/database URL');
};

/** Any non-empty text that must never be echoed. */
const secret = (input: string): string => input;

/** A file or directory that exists, as an absolute path. */
const existingPath =
  (what: string) =>
  (input: string): string =>
    existsSync(input) ? path.resolve(input) : fail(`must name an existing ${what}`, input);

/** Comma-separated roles of an identity mapping (`member`, `admin`), each once. */
const roles = (input: string): readonly ('member' | 'admin')[] => {
  const names = input.split(',').map((r) => r.trim());
  const out: ('member' | 'admin')[] = [];
  for (const name of names) {
    if (name !== 'member' && name !== 'admin') return fail('must be member, admin or member,admin', input);
    if (!out.includes(name)) out.push(name);
  }
  return out;
};

/** A TCP port. */
const port = int(1, 65535);

export const LLM_PROVIDERS = ['bedrock', 'offline'] as const;
export const DB_TLS_MODES = ['verify-full', 'disable'] as const;
export const PROMPT_STORES = ['postgres', 'files'] as const;
export const PROMPT_CACHE_MODES = ['auto', 'on', 'off'] as const;
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;

const MODEL_ID = /^[A-Za-z0-9._:/-]{1,2048}$/;

/**
 * The variables, in README order. `readBy` says which code uses the value (all of it receives the
 * value from the config object; nothing else reads the environment).
 */
export const VARIABLES = {
  // Model
  LLM_PROVIDER: { readBy: 'runtime/llm.ts (the one LLM factory)', parse: oneOf(LLM_PROVIDERS) },
  BEDROCK_MODEL_ID: {
    readBy: 'runtime/llm.ts',
    parse: text(MODEL_ID, 'a Bedrock model id, inference profile id or ARN'),
  },
  BEDROCK_SQL_MODEL_ID: {
    readBy: 'runtime/llm.ts',
    parse: text(MODEL_ID, 'a Bedrock model id, inference profile id or ARN'),
  },
  BEDROCK_SUMMARY_MODEL_ID: {
    readBy: 'runtime/llm.ts',
    parse: text(MODEL_ID, 'a Bedrock model id, inference profile id or ARN'),
  },
  BEDROCK_ENDPOINT: { readBy: 'runtime/llm.ts', parse: httpUrl },
  BEDROCK_MAX_ATTEMPTS: { readBy: 'runtime/llm.ts', parse: int(1, 10) },
  AWS_REGION: {
    readBy: 'runtime/llm.ts (and the AWS SDK)',
    parse: text(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'an AWS region such as us-east-1'),
  },
  LLM_PRICE_INPUT_PER_1K_USD: { readBy: 'observability/metrics.ts (via runtime)', parse: decimal(0, 1000) },
  LLM_PRICE_OUTPUT_PER_1K_USD: { readBy: 'observability/metrics.ts (via runtime)', parse: decimal(0, 1000) },
  LLM_PRICE_CACHE_READ_PER_1K_USD: { readBy: 'observability/metrics.ts (via runtime)', parse: decimal(0, 1000) },
  LLM_PRICE_CACHE_WRITE_PER_1K_USD: { readBy: 'observability/metrics.ts (via runtime)', parse: decimal(0, 1000) },
  BEDROCK_PROMPT_CACHE: { readBy: 'runtime/llm.ts (prompt caching)', parse: oneOf(PROMPT_CACHE_MODES) },
  // Database
  DATABASE_URL: { readBy: 'runtime/local.ts (owner), handlers/migrate.ts (owner)', parse: postgresUrl },
  DATABASE_APP_URL: { readBy: 'runtime/db-secret.ts (claims_app on Lambda)', parse: postgresUrl },
  CLAIMS_APP_PASSWORD: { readBy: 'runtime/local.ts (sets claims_app password)', parse: secret, secret: true },
  DB_HOST: {
    readBy: 'runtime/db-secret.ts',
    parse: text(/^[A-Za-z0-9.-]{1,253}$|^[0-9a-fA-F:]+$/, 'a host name or IP address'),
  },
  DB_READER_HOST: {
    readBy:
      'runtime/db-secret.ts, runtime/local.ts (the read-only endpoint for member reads; serverless.yml sets it for ask)',
    parse: text(/^[A-Za-z0-9.-]{1,253}$|^[0-9a-fA-F:]+$/, 'a host name or IP address'),
  },
  DB_PORT: { readBy: 'runtime/db-secret.ts', parse: port },
  DB_NAME: { readBy: 'runtime/db-secret.ts', parse: text(/^[A-Za-z0-9_$-]{1,63}$/, 'a database name') },
  DB_SECRET_ARN: {
    readBy: 'runtime/db-secret.ts',
    parse: text(/^[A-Za-z0-9/_+=.@:-]{1,2048}$/, 'a secret ARN or name'),
  },
  APP_DB_SECRET_ARN: {
    readBy: 'handlers/migrate.ts',
    parse: text(/^[A-Za-z0-9/_+=.@:-]{1,2048}$/, 'a secret ARN or name'),
  },
  DB_TLS: { readBy: 'runtime/db-secret.ts (every Lambda connection)', parse: oneOf(DB_TLS_MODES) },
  DB_POOL_MAX: { readBy: 'runtime (claims_app pool)', parse: int(1, 100) },
  DB_STATEMENT_TIMEOUT_MS: { readBy: 'runtime/app.ts (PgMemberDb)', parse: int(100, 600_000) },
  PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: { readBy: 'runtime/db-secret.ts', parse: port },
  AWS_SESSION_TOKEN: { readBy: 'runtime/db-secret.ts (extension header)', parse: secret, secret: true },
  // Templates and evaluation
  PROMPT_STORE: { readBy: 'runtime/app.ts (prompt store)', parse: oneOf(PROMPT_STORES) },
  PROMPT_CACHE_SECONDS: { readBy: 'runtime/app.ts (prompt store)', parse: int(0, 3600) },
  PROMPTS_DIR: { readBy: 'runtime/app.ts (prompt store)', parse: existingPath('directory') },
  EVAL_SET: { readBy: 'runtime/app.ts (admin evaluation)', parse: existingPath('file') },
  EVAL_RUNNER_FUNCTION: {
    readBy: 'runtime/lambda.ts (admin)',
    parse: text(/^[A-Za-z0-9_:.-]{1,170}$/, 'a Lambda function name or ARN'),
  },
  // Edge
  ASK_RATE_LIMIT: { readBy: 'runtime/rate-limit.ts', parse: int(1, 1_000_000_000) },
  ASK_RATE_WINDOW_SECONDS: { readBy: 'runtime/rate-limit.ts', parse: int(1, 86_400) },
  ASK_BUDGET_MS: {
    readBy: 'server/local.ts (time per local request, as the function timeout in Lambda)',
    parse: int(1000, 900_000),
  },
  CONVERSATION_RETENTION_HOURS: { readBy: 'runtime/app.ts (conversation store)', parse: int(1, 720) },
  CORS_ALLOWED_ORIGINS: { readBy: 'http/api-headers.ts (via runtime, server)', parse: originList },
  AUTH_ISSUER: { readBy: 'runtime/lambda.ts (identity)', parse: httpUrl },
  AUTH_AUDIENCE: { readBy: 'runtime/lambda.ts (identity)', parse: text(/^\S{1,256}$/, 'an audience (client id)') },
  AUTH_JWKS_URL: { readBy: 'runtime/lambda.ts (identity)', parse: httpUrl },
  PRE_TOKEN_ALLOWED_ROLES: { readBy: 'handlers/pre-token.ts (roles this user pool issues)', parse: roles },
  PRE_TOKEN_ADMIN_GROUP: {
    readBy: 'handlers/pre-token.ts (the group an admin must be in)',
    parse: text(/^[\w+=,.@-]{1,128}$/, 'a Cognito group name'),
  },
  AUTH_MAX_TOKEN_AGE_SECONDS: { readBy: 'runtime/lambda.ts (identity)', parse: int(60, 86_400) },
  // Platform and logs
  AWS_LAMBDA_FUNCTION_NAME: {
    readBy: 'config (Lambda or local defaults), server/local.ts (refuses Lambda)',
    parse: text(/^\S{1,170}$/, 'a function name'),
  },
  STAGE: {
    readBy: 'observability/logger.ts (via runtime)',
    parse: text(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . -'),
  },
  POWERTOOLS_LOG_LEVEL: {
    readBy: 'Powertools Logger (validated here)',
    parse: oneOf(LOG_LEVELS, { ignoreCase: true }),
  },
} as const satisfies Record<string, { readBy: string; parse: unknown; secret?: boolean }>;

export type VariableName = keyof typeof VARIABLES;

/** The names, for the README check and for error lines. */
export const VARIABLE_NAMES = Object.keys(VARIABLES) as VariableName[];

/** True when an error's line must not repeat the value. */
export function isSecretError(name: VariableName, error: unknown): boolean {
  return (
    (VARIABLES[name] as { secret?: boolean }).secret === true || (error as { [SECRET]?: boolean })?.[SECRET] === true
  );
}
