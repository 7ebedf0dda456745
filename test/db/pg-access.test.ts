import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { hydrateNativeSymlinks, platformPackageDir } from '../../src/db/embedded.ts';
import {
  canEnter,
  canExecute,
  postgresRunAs,
  reachableBinaries,
  reachableDataDir,
  SHARED_ROOT,
} from '../../src/db/pg-access.ts';

const AS_ROOT = process.getuid?.() === 0;

test('not root: PostgreSQL runs as the current user and nothing is moved', { skip: AS_ROOT }, async () => {
  assert.equal(await postgresRunAs(), undefined);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'claims-access-'));
  try {
    assert.equal(await reachableDataDir(path.join(dir, 'pg'), undefined), path.join(dir, 'pg'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('as root: binaries in a folder closed to postgres run from a root-owned copy (finding 9)', {
  skip: !AS_ROOT,
}, async () => {
  const runAs = await postgresRunAs();
  assert.ok(runAs && runAs.uid !== 0, 'a postgres user to run as');
  const pkgDir = platformPackageDir();
  assert.ok(pkgDir);
  await hydrateNativeSymlinks(pkgDir);
  // A project cloned under /root: its node_modules are out of the postgres user's reach.
  const project = await mkdtemp('/root/claims-project-');
  const version = `test-${path.basename(project)}`;
  const staged = path.join(SHARED_ROOT, `postgres-${version.replace(/[^\w.-]/g, '_')}`);
  try {
    const native = path.join(project, 'native');
    // The executables copied; the (large) libraries linked, to keep the test quick.
    await cp(path.join(pkgDir, 'native', 'bin'), path.join(native, 'bin'), { recursive: true });
    for (const dir of ['lib', 'share']) await symlink(path.join(pkgDir, 'native', dir), path.join(native, dir));
    assert.equal(canExecute(path.join(native, 'bin', 'postgres'), runAs), false, 'closed to postgres');
    const reachable = await reachableBinaries(native, version, runAs);
    assert.equal(reachable, staged);
    assert.equal((await stat(staged)).uid, 0, 'owned by root');
    const res = spawnSync(path.join(reachable, 'bin', 'postgres'), ['--version'], {
      ...runAs,
      cwd: '/',
      encoding: 'utf8',
    });
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /PostgreSQL/);
    assert.equal(await reachableBinaries(native, version, runAs), staged, 'made once, then reused');
  } finally {
    await rm(project, { recursive: true, force: true });
    await rm(staged, { recursive: true, force: true });
  }
});

test('as root: a data directory under a closed folder is kept where postgres can reach it; an open one stays', {
  skip: !AS_ROOT,
}, async () => {
  const runAs = await postgresRunAs();
  const closed = await mkdtemp('/root/claims-data-');
  const open = await mkdtemp(path.join(os.tmpdir(), 'claims-data-'));
  let relocated = '';
  try {
    relocated = await reachableDataDir(path.join(closed, 'pg'), runAs);
    assert.ok(relocated.startsWith(`${SHARED_ROOT}/clusters/`), relocated);
    assert.ok(canEnter(path.dirname(relocated), runAs));
    assert.equal(await reachableDataDir(path.join(closed, 'pg'), runAs), relocated, 'the same place every time');
    // mkdtemp's 0700 folder directly above: made traversable, as before.
    assert.equal(await reachableDataDir(path.join(open, 'pg'), runAs), path.join(open, 'pg'));
    assert.ok(canEnter(open, runAs));
  } finally {
    await rm(closed, { recursive: true, force: true });
    await rm(open, { recursive: true, force: true });
    if (relocated) await rm(path.dirname(relocated), { recursive: true, force: true });
  }
});
