/**
 * The configuration module, without a database: parsing and validation, the README table against
 * the list of variables (both ways), the deployment's variables against it, that nothing else in
 * src/ reads the environment, and that a bad value stops a start with one line.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseConfig, VARIABLE_NAMES } from './config.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Throws the ConfigError for `env` and returns its message. */
function configError(env: Record<string, string>): string {
  try {
    parseConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message;
  }
  assert.fail(`no ConfigError for ${JSON.stringify(env)}`);
}

describe('parseConfig', () => {
  it('an empty environment is a working local setup with the documented defaults', () => {
    const c = parseConfig({});
    assert.equal(c.platform, 'local');
    assert.equal(c.llm.provider, 'offline');
    assert.deepEqual(c.rateLimit, { limit: 20, windowSeconds: 60 });
    assert.equal(c.db.tls, 'verify-full');
    assert.equal(c.db.poolMax, 4);
    assert.equal(c.db.statementTimeoutMs, 5000);
    assert.deepEqual(c.prompts, { store: 'postgres', cacheSeconds: 1, dir: undefined });
    assert.deepEqual(c.llm.prices, {
      inputPer1k: 0.003,
      outputPer1k: 0.015,
      cacheReadPer1k: 0.003 * 0.1,
      cacheWritePer1k: 0.003 * 1.25,
    });
    assert.equal(c.llm.bedrock.promptCache, 'auto');
    assert.deepEqual(c.cors.allowedOrigins, []);
    assert.equal(c.llm.bedrock.region, 'us-east-1');
    assert.equal(c.auth, undefined);
  });

  it('in Lambda the defaults are the deployed ones: Bedrock, two connections, 30 s template cache', () => {
    const c = parseConfig({ AWS_LAMBDA_FUNCTION_NAME: 'claims-ask', DB_SECRET_ARN: 'arn:aws:secretsmanager:x' });
    assert.equal(c.platform, 'lambda');
    assert.equal(c.llm.provider, 'bedrock');
    assert.equal(c.db.poolMax, 2);
    assert.equal(c.prompts.cacheSeconds, 30);
  });

  it('numbers are numbers, enums are enums, per-step models fall back to BEDROCK_MODEL_ID', () => {
    const c = parseConfig({
      LLM_PROVIDER: 'bedrock',
      BEDROCK_MODEL_ID: 'anthropic.claude-3-sonnet-20240229-v1:0',
      BEDROCK_SUMMARY_MODEL_ID: 'anthropic.claude-3-haiku-20240307-v1:0',
      BEDROCK_ENDPOINT: 'http://127.0.0.1:4010',
      BEDROCK_MAX_ATTEMPTS: '2',
      ASK_RATE_LIMIT: ' 100000000 ',
      ASK_RATE_WINDOW_SECONDS: '30',
      DB_TLS: 'disable',
      LLM_PRICE_INPUT_PER_1K_USD: '0.25',
      POWERTOOLS_LOG_LEVEL: 'debug',
    });
    assert.equal(c.llm.bedrock.sqlModelId, 'anthropic.claude-3-sonnet-20240229-v1:0');
    assert.equal(c.llm.bedrock.summaryModelId, 'anthropic.claude-3-haiku-20240307-v1:0');
    assert.equal(c.llm.bedrock.maxAttempts, 2);
    assert.deepEqual(c.rateLimit, { limit: 100_000_000, windowSeconds: 30 });
    assert.equal(c.db.tls, 'disable');
    assert.equal(c.llm.prices.inputPer1k, 0.25);
    assert.equal(c.llm.prices.cacheReadPer1k, 0.025, 'cache reads default to a tenth of the input price');
  });

  it('reads the portal origins, the prompt-cache mode and the cache prices', () => {
    const c = parseConfig({
      CORS_ALLOWED_ORIGINS: 'https://portal.example.com, http://localhost:5173',
      BEDROCK_PROMPT_CACHE: 'off',
      LLM_PRICE_CACHE_READ_PER_1K_USD: '0.0003',
      LLM_PRICE_CACHE_WRITE_PER_1K_USD: '0.00375',
    });
    assert.deepEqual(c.cors.allowedOrigins, ['https://portal.example.com', 'http://localhost:5173']);
    assert.equal(c.llm.bedrock.promptCache, 'off');
    assert.deepEqual([c.llm.prices.cacheReadPer1k, c.llm.prices.cacheWritePer1k], [0.0003, 0.00375]);
    assert.match(configError({ CORS_ALLOWED_ORIGINS: 'http://portal.example.com' }), /CORS_ALLOWED_ORIGINS/);
    assert.match(configError({ CORS_ALLOWED_ORIGINS: 'https://portal.example.com/' }), /CORS_ALLOWED_ORIGINS/);
    assert.match(configError({ BEDROCK_PROMPT_CACHE: 'maybe' }), /BEDROCK_PROMPT_CACHE must be one of auto, on, off/);
  });

  it('a bad value is one ConfigError line naming the variable and the rule, every bad variable at once', () => {
    const message = configError({ ASK_RATE_LIMIT: 'many', DB_TLS: 'require', BEDROCK_MAX_ATTEMPTS: '0' });
    assert.doesNotMatch(message, /\n/);
    assert.match(message, /ASK_RATE_LIMIT must be a whole number from 1 to 1000000000 \(got "many"\)/);
    assert.match(message, /DB_TLS must be one of verify-full, disable \(got "require"\)/);
    assert.match(message, /BEDROCK_MAX_ATTEMPTS must be a whole number from 1 to 10/);
  });

  it('rejects out-of-range numbers, non-URLs and unknown enums', () => {
    assert.match(configError({ DB_POOL_MAX: '1000' }), /DB_POOL_MAX/);
    assert.match(configError({ ASK_RATE_WINDOW_SECONDS: '-1' }), /ASK_RATE_WINDOW_SECONDS/);
    assert.match(configError({ DB_STATEMENT_TIMEOUT_MS: '1.5' }), /DB_STATEMENT_TIMEOUT_MS/);
    assert.match(configError({ LLM_PRICE_OUTPUT_PER_1K_USD: 'free' }), /LLM_PRICE_OUTPUT_PER_1K_USD/);
    assert.match(configError({ LLM_PROVIDER: 'openai' }), /LLM_PROVIDER must be one of bedrock, offline/);
    assert.match(configError({ PROMPT_STORE: 'memory' }), /PROMPT_STORE/);
    assert.match(
      configError({ LLM_PROVIDER: 'bedrock', BEDROCK_ENDPOINT: 'localhost:4010' }),
      /BEDROCK_ENDPOINT must be an http/,
    );
    assert.match(configError({ AWS_REGION: 'Virginia' }), /AWS_REGION/);
    assert.match(configError({ PROMPTS_DIR: '/nonexistent/prompts' }), /PROMPTS_DIR must name an existing directory/);
    assert.match(configError({ POWERTOOLS_LOG_LEVEL: 'LOUD' }), /POWERTOOLS_LOG_LEVEL/);
  });

  it('never echoes a credential', () => {
    const message = configError({ DATABASE_URL: 'mysql://admin:hunter2@db/claims' });
    assert.match(message, /DATABASE_URL must be a postgres:\/\//);
    assert.doesNotMatch(message, /hunter2/);
  });

  it('rules across variables: a Bedrock setting alone means Bedrock locally; AUTH_* go together; Lambda needs a login', () => {
    assert.equal(parseConfig({ BEDROCK_MODEL_ID: 'm' }).llm.provider, 'bedrock');
    assert.equal(parseConfig({ BEDROCK_ENDPOINT: 'http://127.0.0.1:4010' }).llm.provider, 'bedrock');
    assert.equal(parseConfig({ LLM_PROVIDER: 'offline', BEDROCK_MODEL_ID: 'm' }).llm.provider, 'offline');
    assert.match(configError({ AUTH_ISSUER: 'https://issuer.example' }), /go together/);
    const auth = parseConfig({
      AUTH_ISSUER: 'https://issuer.example',
      AUTH_AUDIENCE: 'client-1',
      AUTH_JWKS_URL: 'https://issuer.example/.well-known/jwks.json',
    }).auth;
    assert.equal(auth?.audience, 'client-1');
    assert.equal(auth?.maxTokenAgeSeconds, undefined, "absent: the verifier's default (one day)");
    const authEnv = {
      AUTH_ISSUER: 'https://issuer.example',
      AUTH_AUDIENCE: 'client-1',
      AUTH_JWKS_URL: 'https://issuer.example/.well-known/jwks.json',
    };
    assert.equal(parseConfig({ ...authEnv, AUTH_MAX_TOKEN_AGE_SECONDS: '3600' }).auth?.maxTokenAgeSeconds, 3600);
    assert.match(configError({ ...authEnv, AUTH_MAX_TOKEN_AGE_SECONDS: '999999' }), /AUTH_MAX_TOKEN_AGE_SECONDS/);
    assert.match(configError({ AUTH_MAX_TOKEN_AGE_SECONDS: '3600' }), /needs AUTH_ISSUER/);
    assert.match(configError({ AWS_LAMBDA_FUNCTION_NAME: 'f' }), /DB_SECRET_ARN is required in Lambda/);
  });

  it('is frozen, and credentials are neither enumerable nor printed', () => {
    const c = parseConfig({
      DATABASE_URL: 'postgres://owner:owner-pw@h/claims',
      CLAIMS_APP_PASSWORD: 'app-pw',
      AWS_SESSION_TOKEN: 'session-secret',
    });
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.db) && Object.isFrozen(c.llm.bedrock));
    assert.throws(() => {
      (c.rateLimit as { limit: number }).limit = 1;
    }, TypeError);
    assert.equal(c.db.ownerUrl, 'postgres://owner:owner-pw@h/claims');
    assert.equal(c.db.appPassword, 'app-pw');
    assert.equal(c.db.secretsExtension.token, 'session-secret');
    const printed = JSON.stringify(c);
    for (const secret of ['owner-pw', 'app-pw', 'session-secret']) assert.ok(!printed.includes(secret), secret);
  });

  it('blank values count as unset', () => {
    assert.equal(parseConfig({ ASK_RATE_LIMIT: '', CLAIMS_APP_PASSWORD: '  ' }).rateLimit.limit, 20);
  });
});

/** The backticked variable names in the first column of the tables under README's "## Configuration". */
function readmeVariables(): Set<string> {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Configuration\n'));
  assert.ok(section, 'README has a Configuration section');
  const names = new Set<string>();
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const firstCell = line.split(/(?<!\\)\|/)[1] ?? '';
    for (const m of firstCell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.add(m[1] as string);
  }
  return names;
}

describe('the documented configuration matches the code', () => {
  it('the README table lists exactly the variables the config module reads', () => {
    const documented = readmeVariables();
    const read = new Set<string>(VARIABLE_NAMES);
    assert.deepEqual(
      [...read].filter((n) => !documented.has(n)),
      [],
      'read but not in the README table',
    );
    assert.deepEqual(
      [...documented].filter((n) => !read.has(n)),
      [],
      'in the README table but never read',
    );
  });

  it('every variable serverless.yml sets is read by the config module or by a named library', () => {
    const LIBRARIES = new Set([
      'NODE_OPTIONS',
      'POWERTOOLS_SERVICE_NAME',
      'POWERTOOLS_METRICS_NAMESPACE',
      'SECRETS_MANAGER_TTL',
    ]);
    const yml = readFileSync(path.join(ROOT, 'serverless.yml'), 'utf8');
    const set = new Set<string>();
    // Each `environment:` block: the more-indented `NAME: value` lines under it.
    const lines = yml.split('\n');
    lines.forEach((line, i) => {
      const block = /^(\s*)environment:\s*$/.exec(line);
      if (!block) return;
      const indent = (block[1] ?? '').length;
      for (const next of lines.slice(i + 1)) {
        if (next.trim() === '' || next.trim().startsWith('#')) continue;
        const m = /^(\s*)([A-Z][A-Z0-9_]*):/.exec(next);
        if (!m || (m[1] ?? '').length <= indent) break;
        set.add(m[2] as string);
      }
    });
    assert.ok(set.has('DB_SECRET_ARN') && set.has('BEDROCK_MODEL_ID'), 'found the environment blocks');
    const unknown = [...set].filter((n) => !VARIABLE_NAMES.includes(n as never) && !LIBRARIES.has(n));
    assert.deepEqual(unknown, [], 'set in serverless.yml but read by nothing');
  });

  it('nothing in src/ but the config module reads process.env (tests aside)', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
          const rel = path.relative(ROOT, full);
          if (rel.startsWith(path.join('src', 'config'))) continue;
          // Code, not comments: drop block and line comments before looking.
          const code = readFileSync(full, 'utf8')
            .replace(/\/\*[\s\S]*?\*\//g, '')
            .replace(/^\s*\/\/.*$/gm, '');
          if (/process\.env/.test(code)) offenders.push(rel);
        }
      }
    };
    walk(path.join(ROOT, 'src'));
    assert.deepEqual(offenders, []);
  });
});

describe('a bad value stops start-up with one line', () => {
  const run = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, args, {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
      timeout: 60_000,
    });

  it('the CLI prints one line naming the variable and exits non-zero, before starting anything', () => {
    const r = run(['bin/claims.js', 'ask', '--member', '1000000001', 'How many claims?'], { ASK_RATE_LIMIT: 'lots' });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] ?? '', /ASK_RATE_LIMIT must be a whole number/);
  });

  it('a Lambda handler fails its cold start (module init) with a one-line ConfigError', () => {
    const script = `import('./src/handlers/ask.ts').then(
      () => console.log('started'),
      (e) => console.log(JSON.stringify({ name: e.name, stack: e.stack })));`;
    const r = run(['--import', 'tsx', '--input-type=module', '-e', script], {
      AWS_LAMBDA_FUNCTION_NAME: 'claims-ask',
      DB_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:x',
      DB_TLS: 'off',
    });
    const out = JSON.parse(r.stdout.trim()) as { name: string; stack: string };
    assert.equal(out.name, 'ConfigError');
    assert.equal(out.stack, 'ConfigError: configuration: DB_TLS must be one of verify-full, disable (got "off")');
  });
});
