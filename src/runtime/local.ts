/**
 * The product on one machine: PostgreSQL (embedded, or DATABASE_URL), migrated and seeded; the
 * model from the one LLM factory (LLM_PROVIDER: the offline engine behind the local Bedrock
 * stand-in by default, or Bedrock); the template store. The app itself is built by `buildApp`,
 * as in Lambda. `claims serve`, `claims ask` and the tests all start it here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { TemplateRepository } from '../admin/template-repository.ts';
import { type Config, parseConfig } from '../config/config.ts';
import { type Clock, type PromptStore, systemClock } from '../core/ports.ts';
import { startEmbeddedPostgres } from '../db/embedded.ts';
import { createAppPool, guardPool } from '../db/member-db.ts';
import { migrate } from '../db/migrate.ts';
import { configureAppRole, withDatabase } from '../db/roles.ts';
import { seedIfEmpty } from '../db/seed/load.ts';
import type { BedrockStandin } from '../llm/standin.ts';
import { type App, buildApp, shippedTemplates } from './app.ts';
import { withHost } from './db-secret.ts';
import { createLlm } from './llm.ts';
import { applyObservability, processConfig } from './process-config.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_DATA_DIR = path.join(REPO_ROOT, '.data');
const DATABASE_NAME = 'claims';

export interface LocalRuntimeOptions {
  /** Keeps the embedded cluster between runs (default `.data/` in the repo). */
  readonly dataDir?: string;
  /** An external PostgreSQL (owner credentials); replaces the embedded one (and DATABASE_URL). */
  readonly databaseUrl?: string;
  /** Variables to configure from instead of this process's environment (tests); see src/config. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly clock?: Clock;
  readonly prompts?: PromptStore;
  /** Families to seed into an empty database (default 500). */
  readonly families?: number;
  /** Progress lines for a person watching (never member data). */
  readonly onProgress?: (line: string) => void;
}

export interface LocalRuntime extends App {
  /** Owner connection (migrations, seed, admin tooling); member queries never use it. */
  readonly adminPool: pg.Pool;
  readonly adminUrl: string;
  readonly appUrl: string;
  /** Where the model is: 'bedrock' or an endpoint's URL (the stand-in's, offline). */
  readonly llmEndpoint: string;
  /** The model the SQL step runs on. */
  readonly modelId: string;
  /** The offline engine's Bedrock stand-in (LLM_PROVIDER=offline). */
  readonly standin?: BedrockStandin;
  close(): Promise<void>;
}

interface SharedDatabase {
  readonly adminUrl: string;
  readonly pid: number;
}

/**
 * Starts everything the pipeline needs, locally.
 * @example
 * const rt = await startLocalRuntime({ onProgress: console.log });
 * const result = await ask({ requestId, scope, question }, rt.ports);
 * await rt.close();
 */
export async function startLocalRuntime(opts: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const config: Config = opts.env ? parseConfig(opts.env) : processConfig();
  if (opts.env) applyObservability(config);
  const progress = opts.onProgress ?? (() => undefined);
  const closers: (() => Promise<void>)[] = [];
  try {
    const database = await openDatabase(
      opts.databaseUrl ?? config.db.ownerUrl,
      opts.dataDir ?? DEFAULT_DATA_DIR,
      progress,
    );
    closers.push(database.close);
    const adminUrl = database.adminUrl;
    const { applied } = await migrate(adminUrl);
    if (applied.length) progress(`applied migrations ${applied.join(', ')}`);
    const appUrl = await configureAppRole(adminUrl, config.db.appPassword);
    const adminPool = guardPool(new pg.Pool({ connectionString: adminUrl, max: 2 }));
    closers.push(() => adminPool.end());
    const clock = opts.clock ?? systemClock;
    if (await seedIfEmpty(adminPool, { families: opts.families, today: clock.now() }))
      progress('seeded synthetic families');

    const pool = createAppPool(appUrl, { max: config.db.poolMax });
    closers.push(() => pool.end());
    // DB_READER_HOST: a replica of this server on another host (same port and login) for member reads.
    const readerPool = config.db.readerHost
      ? createAppPool(withHost(appUrl, config.db.readerHost), { max: config.db.poolMax })
      : undefined;
    if (readerPool) closers.push(() => readerPool.end());
    // The shipped files become published version 1 of an empty template table (the admin page
    // edits from there); the pipeline's store then reads what is published.
    await new TemplateRepository(pool).importShipped(shippedTemplates(config));

    const model = await createLlm(config.llm);
    closers.push(model.close);
    const app = buildApp(config, {
      pool,
      ...(readerPool ? { readerPool } : {}),
      llm: model.llm,
      prompts: opts.prompts,
      clock,
    });
    return {
      ...app,
      adminPool,
      adminUrl,
      appUrl,
      llmEndpoint: model.endpoint,
      modelId: model.modelId,
      standin: model.standin,
      close: () => closeAll(closers),
    };
  } catch (err) {
    await closeAll(closers);
    throw err;
  }
}

async function closeAll(closers: (() => Promise<void>)[]): Promise<void> {
  for (const close of closers.reverse()) await close().catch(() => undefined);
}

/**
 * DATABASE_URL, or the embedded cluster in `dataDir`. A cluster already started by another
 * `claims` process (recorded in `dataDir/runtime.json`) is shared instead of started twice.
 */
async function openDatabase(
  databaseUrl: string | undefined,
  dataDir: string,
  progress: (line: string) => void,
): Promise<{ adminUrl: string; close: () => Promise<void> }> {
  if (databaseUrl) return { adminUrl: databaseUrl, close: async () => undefined };
  const stateFile = path.join(dataDir, 'runtime.json');
  const shared = readShared(stateFile);
  if (shared) {
    progress(`using the PostgreSQL already running for this data directory (pid ${shared.pid})`);
    return { adminUrl: shared.adminUrl, close: async () => undefined };
  }
  await mkdir(dataDir, { recursive: true });
  const t0 = performance.now();
  // A server left running here by a killed run is stopped first (its owner is gone: see readShared).
  const pgHandle = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), onProgress: progress });
  progress(`embedded PostgreSQL started in ${Math.round(performance.now() - t0)} ms`);
  const adminUrl = await ensureDatabase(pgHandle.adminUrl, DATABASE_NAME);
  await writeFile(stateFile, JSON.stringify({ adminUrl, pid: process.pid } satisfies SharedDatabase));
  return {
    adminUrl,
    close: async () => {
      await rm(stateFile, { force: true });
      await pgHandle.stop();
    },
  };
}

function readShared(stateFile: string): SharedDatabase | undefined {
  if (!existsSync(stateFile)) return undefined;
  try {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as SharedDatabase;
    process.kill(state.pid, 0); // throws when the owning process is gone
    return state;
  } catch {
    return undefined; // stale: its owner died without cleaning up
  }
}

async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  return withDatabase(serverUrl, name);
}
