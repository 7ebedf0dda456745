import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LIMITS } from './catalog.ts';
import { FRONTEND_LIMIT_KEYS, FRONTEND_LIMITS_FILE, renderFrontendLimits } from './frontend-limits.ts';

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..', FRONTEND_LIMITS_FILE);

test('frontend/limits.js is exactly what the catalog generates (run `npm run gen:frontend-limits`)', async () => {
  assert.equal(await readFile(file, 'utf8'), renderFrontendLimits());
});

test('the module the pages import holds the catalog values', async () => {
  const mod = (await import(pathToFileURL(file).href)) as { LIMITS: Record<string, number> };
  assert.deepEqual(mod.LIMITS, Object.fromEntries(FRONTEND_LIMIT_KEYS.map((k) => [k, LIMITS[k]])));
  assert.ok(Object.isFrozen(mod.LIMITS));
});

test('no page writes these limits by hand: the inputs they bound get their maxlength from limits.js', async () => {
  const pages = {
    'index.html': ['question'],
    'admin.html': ['preview-question', 'change-note', 'system-text', 'body-text'],
  };
  for (const [page, ids] of Object.entries(pages)) {
    const html = await readFile(path.join(path.dirname(file), page), 'utf8');
    for (const id of ids) {
      const tag = new RegExp(`<(?:input|textarea)[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0];
      assert.ok(tag, `${page} has #${id}`);
      assert.doesNotMatch(tag, /maxlength/i, `${page} #${id}`);
    }
    for (const value of FRONTEND_LIMIT_KEYS.map((k) => String(LIMITS[k]))) {
      assert.ok(!new RegExp(`\\b${value}\\b`).test(html), `${page} spells out ${value}`);
    }
  }
});

/** The type expressions of JSDoc tags (`@param {…}`, `@type {…}`, …), braces balanced. */
function jsdocTypes(source: string): string[] {
  const types: string[] = [];
  for (const m of source.matchAll(/@(?:type|param|returns?|typedef|property|template|satisfies)\s*\{/g)) {
    let depth = 0;
    const start = (m.index ?? 0) + m[0].length - 1;
    for (let i = start; i < source.length; i++) {
      if (source[i] === '{') depth++;
      else if (source[i] === '}' && --depth === 0) {
        types.push(source.slice(start + 1, i));
        break;
      }
    }
  }
  return types;
}

test('the pages are typed without `any` (type-checked by `npm run typecheck`, tsconfig.frontend.json)', async () => {
  const dir = path.dirname(file);
  const scripts = ['api.js', 'chat.js', 'admin.js', 'limits.js', 'claims-table.js', 'feedback.js', 'session.js'];
  let checked = 0;
  for (const name of scripts) {
    const source = await readFile(path.join(dir, name), 'utf8');
    assert.ok(source.startsWith('// @ts-check'), `${name} opts in to type checking`);
    const types = jsdocTypes(source);
    checked += types.length;
    assert.deepEqual(
      types.filter((t) => /\bany\b/.test(t)),
      [],
      name,
    );
  }
  assert.ok(checked > 50, `read ${checked} JSDoc types`);
});
