import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { hydrateNativeSymlinks } from './embedded.ts';

test('hydrateNativeSymlinks recreates missing library links, relative, once', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'claims-hydrate-'));
  try {
    await mkdir(path.join(dir, 'native', 'lib'), { recursive: true });
    await writeFile(path.join(dir, 'native', 'lib', 'libpq.so.5.18'), 'real library');
    await writeFile(
      path.join(dir, 'native', 'pg-symlinks.json'),
      JSON.stringify([
        { source: 'native/lib/libpq.so.5.18', target: 'native/lib/libpq.so' },
        { source: 'native/lib/libpq.so.5.18', target: 'native/lib/libpq.so.5' },
      ]),
    );
    assert.deepEqual(await hydrateNativeSymlinks(dir), ['native/lib/libpq.so', 'native/lib/libpq.so.5']);
    assert.equal(await readlink(path.join(dir, 'native', 'lib', 'libpq.so.5')), 'libpq.so.5.18');
    assert.equal(await readFile(path.join(dir, 'native', 'lib', 'libpq.so'), 'utf8'), 'real library');
    assert.deepEqual(await hydrateNativeSymlinks(dir), [], 'nothing left to do the second time');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
