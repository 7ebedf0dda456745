/**
 * The static bucket's content (scripts/package-frontend.ts): the pages, the library files they
 * import (copied from node_modules, never fetched from a CDN) and /config.json written from the
 * stack's outputs, with the redirect URIs serverless.yml registers on the app clients.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { outputsOf, packageFrontend, pageConfigFromOutputs } from '../../scripts/package-frontend.ts';
import { FRONTEND_VENDOR_FILES } from '../../src/server/frontend-files.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PORTAL = 'https://portal.example.com';
const DESCRIBE_STACKS = [
  { OutputKey: 'UserPoolId', OutputValue: 'us-east-1_Member123' },
  { OutputKey: 'UserPoolClientId', OutputValue: 'memberclient0123456789' },
  { OutputKey: 'UserPoolDomain', OutputValue: 'claims-assistant-prod.auth.us-east-1.amazoncognito.com' },
  { OutputKey: 'AdminUserPoolId', OutputValue: 'us-east-1_Admin456' },
  { OutputKey: 'AdminUserPoolClientId', OutputValue: 'adminclient0123456789' },
  { OutputKey: 'AdminUserPoolDomain', OutputValue: 'claims-assistant-admin-prod.auth.us-east-1.amazoncognito.com' },
];
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('/config.json from the stack outputs', () => {
  it('each page signs in through its own pool: issuer, client, redirect and sign-out URIs, Cognito logout', () => {
    const config = pageConfigFromOutputs(outputsOf(DESCRIBE_STACKS), `${PORTAL}/`);
    assert.deepEqual(config.signIn.member, {
      issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Member123',
      clientId: 'memberclient0123456789',
      redirectUri: `${PORTAL}/`,
      logoutUri: `${PORTAL}/`,
      scope: 'openid email profile',
      logoutEndpoint: 'https://claims-assistant-prod.auth.us-east-1.amazoncognito.com/logout',
    });
    assert.equal(config.signIn.admin.issuer, 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Admin456');
    assert.equal(config.signIn.admin.redirectUri, `${PORTAL}/admin.html`);
    assert.equal(config.devSignIn, undefined, 'deployed pages are not the local demo');
    assert.throws(() => pageConfigFromOutputs(outputsOf(DESCRIBE_STACKS.slice(1)), PORTAL), /UserPoolId is missing/);
    assert.throws(() => pageConfigFromOutputs(outputsOf(DESCRIBE_STACKS), 'http://portal.example.com'), /https/);
  });

  it('the redirect and sign-out URIs are the ones serverless.yml registers on the app clients (default parameters)', async () => {
    const yml = await readFile(path.join(ROOT, 'serverless.yml'), 'utf8');
    const param = (name: string) => new RegExp(`^ {4}${name}: (.+)$`, 'm').exec(yml)?.[1]?.split(',') ?? [];
    const config = pageConfigFromOutputs(outputsOf(DESCRIBE_STACKS), PORTAL);
    assert.ok(param('memberCallbackUrls').includes(config.signIn.member.redirectUri));
    assert.ok(param('memberSignOutUrls').includes(config.signIn.member.logoutUri));
    assert.ok(param('adminCallbackUrls').includes(config.signIn.admin.redirectUri));
    assert.ok(param('adminSignOutUrls').includes(config.signIn.admin.logoutUri));
  });
});

describe('the bucket content', () => {
  it('holds the pages, the library files as shipped, and config.json; every import resolves inside it', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'claims-frontend-'));
    dirs.push(out);
    const files = await packageFrontend(out, pageConfigFromOutputs(outputsOf(DESCRIBE_STACKS), PORTAL));
    for (const f of [
      'index.html',
      'admin.html',
      'chat.js',
      'admin.js',
      'api.js',
      'auth.js',
      'limits.js',
      'styles.css',
      'vendor/oauth4webapi.js',
      'config.json',
    ])
      assert.ok(files.includes(f), f);
    assert.ok(!files.some((f) => f.endsWith('.d.ts')), 'type declarations stay out');
    const vendorFile = FRONTEND_VENDOR_FILES['/vendor/oauth4webapi.js'] ?? '';
    assert.equal(await readFile(path.join(out, 'vendor/oauth4webapi.js'), 'utf8'), await readFile(vendorFile, 'utf8'));
    const config = JSON.parse(await readFile(path.join(out, 'config.json'), 'utf8'));
    assert.equal(config.signIn.member.clientId, 'memberclient0123456789');

    // Self-contained: every module import and script/stylesheet reference is a file of the bucket.
    for (const f of files.filter((x) => x.endsWith('.js') || x.endsWith('.html'))) {
      const text = await readFile(path.join(out, f), 'utf8');
      const refs = [
        ...text.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm),
        ...text.matchAll(/^\s*export\s[^'"]*\sfrom\s['"]([^'"]+)['"]/gm),
        ...text.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+)"/g),
      ].map((m) => m[1] ?? '');
      for (const ref of refs) {
        assert.doesNotMatch(ref, /^(https?:)?\/\//, `${f} loads nothing from another host (${ref})`);
        const target = path.posix.normalize(
          path.posix.join(path.posix.dirname(f), ref.replace(/^\//, ref.startsWith('/') ? '/' : '')),
        );
        const rel = ref.startsWith('/') ? ref.slice(1) : target;
        assert.ok(files.includes(rel), `${f} imports ${ref}, which is in the bucket`);
      }
    }
  });
});
