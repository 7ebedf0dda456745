/**
 * The one configuration module. The environment is read and validated once, at start (a Lambda
 * cold start, or the CLI starting), into a typed, frozen object; a bad value stops start-up with
 * one line naming the variable. Only the wiring on top (runtime, handlers, server, cli) imports
 * this module; stages receive plain values as arguments.
 */
import { customCleanEnv, EnvError, EnvMissingError, makeExactValidator } from 'envalid';
import {
  type DB_TLS_MODES,
  isSecretError,
  type LLM_PROVIDERS,
  type PROMPT_CACHE_MODES,
  type PROMPT_STORES,
  VARIABLE_NAMES,
  VARIABLES,
  type VariableName,
} from './variables.ts';

export { VARIABLE_NAMES, VARIABLES } from './variables.ts';

export type Platform = 'lambda' | 'local';
export type LlmProvider = (typeof LLM_PROVIDERS)[number];
export type DbTls = (typeof DB_TLS_MODES)[number];
export type PromptStoreKind = (typeof PROMPT_STORES)[number];
export type PromptCacheMode = (typeof PROMPT_CACHE_MODES)[number];

export interface BedrockConfig {
  /** BEDROCK_MODEL_ID: the model for both steps unless a step names its own. */
  readonly modelId?: string;
  readonly sqlModelId?: string;
  readonly summaryModelId?: string;
  readonly region: string;
  /** A Bedrock-compatible endpoint (a VPC endpoint, the local stand-in); absent: Amazon Bedrock. */
  readonly endpoint?: string;
  readonly maxAttempts: number;
  /**
   * Bedrock prompt caching of the templates' static part: `auto` (the models known to support it,
   * see src/llm/prompt-cache.ts), `on`, `off`.
   */
  readonly promptCache: PromptCacheMode;
}

export interface LlmConfig {
  readonly provider: LlmProvider;
  readonly bedrock: BedrockConfig;
  /** USD per 1,000 tokens, for the cost metric. */
  readonly prices: {
    readonly inputPer1k: number;
    readonly outputPer1k: number;
    /** Input tokens read from / written to Bedrock's prompt cache. */
    readonly cacheReadPer1k: number;
    readonly cacheWritePer1k: number;
  };
}

export interface DbConfig {
  /** DATABASE_URL: owner credentials (local runtime, migrate function). Not enumerable: never logged. */
  readonly ownerUrl?: string;
  /** DATABASE_APP_URL: claims_app credentials (Lambda functions, instead of the secret). Not enumerable. */
  readonly appUrl?: string;
  /** CLAIMS_APP_PASSWORD (local runtime). Not enumerable. */
  readonly appPassword?: string;
  readonly host?: string;
  /** DB_READER_HOST: the proxy's read-only endpoint (Aurora readers) for member reads; unset: `host` for everything. */
  readonly readerHost?: string;
  readonly port?: number;
  readonly name?: string;
  readonly secretArn?: string;
  readonly appSecretArn?: string;
  readonly tls: DbTls;
  readonly poolMax: number;
  readonly statementTimeoutMs: number;
  /** The AWS Parameters and Secrets Lambda Extension: its port, and the session token it requires (not enumerable). */
  readonly secretsExtension: { readonly port: number; readonly token?: string };
}

export interface Config {
  readonly platform: Platform;
  readonly stage: string;
  readonly llm: LlmConfig;
  readonly db: DbConfig;
  /** Directory absent: the shipped prompts/ (the prompts module's default). */
  readonly prompts: { readonly store: PromptStoreKind; readonly cacheSeconds: number; readonly dir?: string };
  readonly rateLimit: { readonly limit: number; readonly windowSeconds: number };
  /** Follow-up questions: how long a conversation is kept after its last turn. */
  readonly conversations: { readonly retentionHours: number };
  /**
   * The local server's time per request, as the function timeout is in Lambda (where the
   * handler's remaining time is used instead): the ask's deadline is this minus a reserve.
   */
  readonly askBudgetMs: number;
  /**
   * Bearer tokens verified in the function (no authorizer in front); absent: authorizer claims.
   * `maxTokenAgeSeconds` absent: the verifier's default (one day, Cognito's longest token lifetime).
   */
  readonly auth?: {
    readonly issuer: string;
    readonly audience: string;
    readonly jwksUrl: string;
    readonly maxTokenAgeSeconds?: number;
  };
  /** Set file absent: eval/cases.jsonl (the eval module's default). */
  readonly eval: { readonly setFile?: string; readonly runnerFunction?: string };
  /** The Cognito pre-token trigger of one user pool: the roles it issues, and the group an admin needs. */
  readonly preToken: { readonly allowedRoles: readonly ('member' | 'admin')[]; readonly adminGroup?: string };
  /** Web origins (portals) that get CORS headers on every API response; empty: same origin only. */
  readonly cors: { readonly allowedOrigins: readonly string[] };
}

/** Defaults, written once. Where Lambda and a developer machine differ, both are here. */
export const DEFAULTS = {
  llmProvider: { lambda: 'bedrock', local: 'offline' },
  region: 'us-east-1',
  bedrockMaxAttempts: 3,
  // Claude Sonnet 4.6 on-demand list price ($3 / $15 per million tokens), the deployed default model.
  priceInputPer1k: 0.003,
  priceOutputPer1k: 0.015,
  // Bedrock bills prompt-cache reads at a tenth of the input price and writes at 1.25 times it
  // (Anthropic models); used when LLM_PRICE_CACHE_*_PER_1K_USD are unset.
  cacheReadPriceFactor: 0.1,
  cacheWritePriceFactor: 1.25,
  promptCache: 'auto',
  dbTls: 'verify-full',
  // Lambda runs one request at a time per container: two connections cover the ask and its audit.
  dbPoolMax: { lambda: 2, local: 4 },
  statementTimeoutMs: 5000,
  secretsExtensionPort: 2773,
  promptStore: 'postgres',
  // Locally a publish should show at once; deployed, each container re-checks every 30 s.
  promptCacheSeconds: { lambda: 30, local: 1 },
  askRateLimit: 20,
  askRateWindowSeconds: 60,
  // As API Gateway's 29 s limit allows, like the ask function's 28 s timeout (serverless.yml).
  askBudgetMs: 28_000,
  conversationRetentionHours: 24,
  stage: 'local',
} as const satisfies Record<string, unknown>;

/** A bad configuration: one line naming the variable(s); printed without a stack trace. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(message: string) {
    super(message);
    // One line wherever it is printed (Lambda's init error, the CLI, a test's output).
    this.stack = `${this.name}: ${message}`;
  }
}

type RawEnv = Readonly<Record<string, string | undefined>>;

/** Blank values count as unset (a template that renders `KEY=` means "not configured"). */
function present(env: RawEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of VARIABLE_NAMES) {
    const value = env[name]?.trim();
    if (value) out[name] = value;
  }
  return out;
}

function errorLine(errors: Partial<Record<string, Error>>): string {
  return Object.entries(errors)
    .map(([name, err]) => {
      const variable = name as VariableName;
      if (err instanceof EnvMissingError) return `${name} is required`;
      const message = err instanceof EnvError ? err.message : 'is not valid';
      return `${name} ${isSecretError(variable, err) ? message.replace(/ \(got ".*"\)$/, '') : message}`;
    })
    .join('; ');
}

/** Each variable parsed (undefined when unset); every bad one is named in one ConfigError line. */
type Parsed = { readonly [K in VariableName]?: ReturnType<(typeof VARIABLES)[K]['parse']> };

function validate(env: RawEnv): Parsed {
  const specs = Object.fromEntries(
    VARIABLE_NAMES.map((name) => [name, makeExactValidator<unknown>(VARIABLES[name].parse)({ default: undefined })]),
  );
  return customCleanEnv(present(env), specs, (clean) => clean, {
    reporter: ({ errors }) => {
      if (Object.keys(errors).length > 0) throw new ConfigError(`configuration: ${errorLine(errors)}`);
    },
  }) as Parsed;
}

/** Sets a property that JSON.stringify and console.log skip (credentials). */
function hidden<T extends object>(target: T, key: string, value: unknown): T {
  if (value !== undefined) Object.defineProperty(target, key, { value, enumerable: false });
  return target;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<string | symbol, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}

/**
 * Validates an environment into the typed config. Pure: tests pass a plain object.
 * @example
 * parseConfig({ ASK_RATE_LIMIT: '5' }).rateLimit // { limit: 5, windowSeconds: 60 }
 * parseConfig({ ASK_RATE_LIMIT: 'many' }) // throws ConfigError: configuration: ASK_RATE_LIMIT must be a whole number from 1 to 1000000000 (got "many")
 */
export function parseConfig(env: RawEnv): Config {
  const v = validate(env);
  const platform: Platform = v.AWS_LAMBDA_FUNCTION_NAME ? 'lambda' : 'local';
  const problems: string[] = [];

  const bedrockSet = (
    ['BEDROCK_MODEL_ID', 'BEDROCK_SQL_MODEL_ID', 'BEDROCK_SUMMARY_MODEL_ID', 'BEDROCK_ENDPOINT'] as const
  ).filter((name) => v[name] !== undefined);
  // Before LLM_PROVIDER existed, setting a Bedrock variable locally meant "use Bedrock": keep that
  // working (the LLM factory says plainly when Bedrock is chosen without a model to call).
  const provider: LlmProvider =
    v.LLM_PROVIDER ?? (platform === 'local' && bedrockSet.length > 0 ? 'bedrock' : DEFAULTS.llmProvider[platform]);

  const authSet = (['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_JWKS_URL'] as const).filter((name) => v[name] !== undefined);
  if (authSet.length > 0 && authSet.length < 3)
    problems.push(`AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL go together (only ${authSet.join(', ')} is set)`);
  if (v.AUTH_MAX_TOKEN_AGE_SECONDS !== undefined && authSet.length === 0)
    problems.push('AUTH_MAX_TOKEN_AGE_SECONDS needs AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL');

  if (platform === 'lambda' && !v.DB_SECRET_ARN && !v.DATABASE_APP_URL && !v.DATABASE_URL)
    problems.push('DB_SECRET_ARN is required in Lambda (or DATABASE_APP_URL / DATABASE_URL)');
  if (problems.length > 0) throw new ConfigError(`configuration: ${problems.join('; ')}`);

  const db: DbConfig = {
    host: v.DB_HOST,
    readerHost: v.DB_READER_HOST,
    port: v.DB_PORT,
    name: v.DB_NAME,
    secretArn: v.DB_SECRET_ARN,
    appSecretArn: v.APP_DB_SECRET_ARN,
    tls: v.DB_TLS ?? DEFAULTS.dbTls,
    poolMax: v.DB_POOL_MAX ?? DEFAULTS.dbPoolMax[platform],
    statementTimeoutMs: v.DB_STATEMENT_TIMEOUT_MS ?? DEFAULTS.statementTimeoutMs,
    secretsExtension: hidden(
      { port: v.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? DEFAULTS.secretsExtensionPort },
      'token',
      v.AWS_SESSION_TOKEN,
    ),
  };
  hidden(db, 'ownerUrl', v.DATABASE_URL);
  hidden(db, 'appUrl', v.DATABASE_APP_URL);
  hidden(db, 'appPassword', v.CLAIMS_APP_PASSWORD);

  const inputPrice = v.LLM_PRICE_INPUT_PER_1K_USD ?? DEFAULTS.priceInputPer1k;
  return deepFreeze({
    platform,
    stage: v.STAGE ?? DEFAULTS.stage,
    llm: {
      provider,
      bedrock: {
        modelId: v.BEDROCK_MODEL_ID,
        sqlModelId: v.BEDROCK_SQL_MODEL_ID ?? v.BEDROCK_MODEL_ID,
        summaryModelId: v.BEDROCK_SUMMARY_MODEL_ID ?? v.BEDROCK_MODEL_ID,
        region: v.AWS_REGION ?? DEFAULTS.region,
        endpoint: v.BEDROCK_ENDPOINT,
        maxAttempts: v.BEDROCK_MAX_ATTEMPTS ?? DEFAULTS.bedrockMaxAttempts,
        promptCache: v.BEDROCK_PROMPT_CACHE ?? DEFAULTS.promptCache,
      },
      prices: {
        inputPer1k: inputPrice,
        outputPer1k: v.LLM_PRICE_OUTPUT_PER_1K_USD ?? DEFAULTS.priceOutputPer1k,
        cacheReadPer1k: v.LLM_PRICE_CACHE_READ_PER_1K_USD ?? inputPrice * DEFAULTS.cacheReadPriceFactor,
        cacheWritePer1k: v.LLM_PRICE_CACHE_WRITE_PER_1K_USD ?? inputPrice * DEFAULTS.cacheWritePriceFactor,
      },
    },
    db,
    prompts: {
      store: v.PROMPT_STORE ?? DEFAULTS.promptStore,
      cacheSeconds: v.PROMPT_CACHE_SECONDS ?? DEFAULTS.promptCacheSeconds[platform],
      dir: v.PROMPTS_DIR,
    },
    rateLimit: {
      limit: v.ASK_RATE_LIMIT ?? DEFAULTS.askRateLimit,
      windowSeconds: v.ASK_RATE_WINDOW_SECONDS ?? DEFAULTS.askRateWindowSeconds,
    },
    askBudgetMs: v.ASK_BUDGET_MS ?? DEFAULTS.askBudgetMs,
    conversations: { retentionHours: v.CONVERSATION_RETENTION_HOURS ?? DEFAULTS.conversationRetentionHours },
    auth:
      v.AUTH_ISSUER && v.AUTH_AUDIENCE && v.AUTH_JWKS_URL
        ? {
            issuer: v.AUTH_ISSUER,
            audience: v.AUTH_AUDIENCE,
            jwksUrl: v.AUTH_JWKS_URL,
            ...(v.AUTH_MAX_TOKEN_AGE_SECONDS === undefined ? {} : { maxTokenAgeSeconds: v.AUTH_MAX_TOKEN_AGE_SECONDS }),
          }
        : undefined,
    eval: { setFile: v.EVAL_SET, runnerFunction: v.EVAL_RUNNER_FUNCTION },
    preToken: {
      allowedRoles: v.PRE_TOKEN_ALLOWED_ROLES ?? ['member', 'admin'],
      adminGroup: v.PRE_TOKEN_ADMIN_GROUP,
    },
    cors: { allowedOrigins: v.CORS_ALLOWED_ORIGINS ?? [] },
  } satisfies Config);
}

let loaded: Config | undefined;

/**
 * This process's config: `process.env` read and validated on the first call, then the same
 * frozen object. The only read of `process.env` in src/ (besides {@link runningOnLambda}).
 * @example
 * const config = loadConfig(); // at a cold start, outside the handler
 */
export function loadConfig(): Config {
  loaded ??= parseConfig(process.env);
  return loaded;
}

/**
 * Is this process an AWS Lambda function? Read from the process itself, whatever config a caller
 * passes: the local server's dev token issuer must never run there.
 */
export function runningOnLambda(): boolean {
  return Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME?.trim());
}
