/**
 * The static bucket's content: the pages (frontend/), the library files they import
 * (/vendor/oauth4webapi.js, copied from node_modules as the package ships it) and /config.json,
 * the pages' sign-in settings, written from the stack's outputs (Cognito pools, app clients and
 * hosted sign-in domains). Then `aws s3 sync <out>/ s3://<FrontendBucketName>/ --delete`.
 *
 *   aws cloudformation describe-stacks --stack-name claims-assistant-prod \
 *     --query 'Stacks[0].Outputs' > outputs.json
 *   npx tsx scripts/package-frontend.ts --outputs outputs.json --portal https://portal.example.com [--out dist/frontend]
 */
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FRONTEND_DIR, FRONTEND_VENDOR_FILES, type PageConfig, SIGN_IN_SCOPE } from '../src/server/frontend-files.ts';

/** Files of frontend/ that go to the bucket (type declarations for the type check do not). */
const SHIPPED = /\.(html|js|css|svg|png|ico)$/;

/** Stack outputs as `describe-stacks` prints them, or a plain { key: value } object. */
export function outputsOf(raw: unknown): Record<string, string> {
  if (Array.isArray(raw))
    return Object.fromEntries(
      raw.map((o: { OutputKey?: unknown; OutputValue?: unknown }) => [String(o.OutputKey), String(o.OutputValue)]),
    );
  if (raw && typeof raw === 'object') return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
  throw new Error('outputs: expected describe-stacks Outputs (an array) or an object');
}

/**
 * /config.json from the stack's outputs: each page signs in through its own user pool's app client
 * (members: UserPool; the admin page: AdminUserPool), back to the portal's address.
 * @example
 * pageConfigFromOutputs({ UserPoolId: 'us-east-1_abc', UserPoolClientId: 'c1', UserPoolDomain: 'x.auth.us-east-1.amazoncognito.com', … }, 'https://portal.example.com')
 */
export function pageConfigFromOutputs(outputs: Readonly<Record<string, string>>, portal: string): PageConfig {
  const origin = new URL(portal).origin;
  if (!origin.startsWith('https://')) throw new Error("--portal must be the portal's https:// address");
  const need = (key: string) => {
    const v = outputs[key];
    if (!v) throw new Error(`outputs: ${key} is missing`);
    return v;
  };
  const client = (pool: string, clientId: string, domain: string, page: string) => {
    const poolId = need(pool);
    const region = poolId.split('_')[0];
    if (!region || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new Error(`outputs: ${pool} is not a user pool id`);
    return {
      issuer: `https://cognito-idp.${region}.amazonaws.com/${poolId}`,
      clientId: need(clientId),
      redirectUri: `${origin}${page}`,
      logoutUri: `${origin}${page}`,
      scope: SIGN_IN_SCOPE,
      logoutEndpoint: `https://${need(domain).replace(/^https:\/\//, '')}/logout`,
    };
  };
  return {
    signIn: {
      member: client('UserPoolId', 'UserPoolClientId', 'UserPoolDomain', '/'),
      admin: client('AdminUserPoolId', 'AdminUserPoolClientId', 'AdminUserPoolDomain', '/admin.html'),
    },
  };
}

/** Writes the bucket's content into `out` (emptied first); resolves the files written, relative. */
export async function packageFrontend(out: string, config: PageConfig): Promise<string[]> {
  await rm(out, { recursive: true, force: true });
  await mkdir(path.join(out, 'vendor'), { recursive: true });
  const written: string[] = [];
  for (const name of (await readdir(FRONTEND_DIR)).filter((n) => SHIPPED.test(n)).sort()) {
    await copyFile(path.join(FRONTEND_DIR, name), path.join(out, name));
    written.push(name);
  }
  for (const [urlPath, file] of Object.entries(FRONTEND_VENDOR_FILES)) {
    await copyFile(file, path.join(out, urlPath));
    written.push(urlPath.slice(1));
  }
  await writeFile(path.join(out, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  written.push('config.json');
  return written;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { outputs: { type: 'string' }, portal: { type: 'string' }, out: { type: 'string' } },
  });
  if (!values.outputs || !values.portal) {
    console.error(
      'usage: package-frontend --outputs outputs.json --portal https://portal.example.com [--out dist/frontend]',
    );
    process.exit(2);
  }
  const outputs = outputsOf(JSON.parse(await readFile(values.outputs, 'utf8')));
  const out = path.resolve(values.out ?? 'dist/frontend');
  const files = await packageFrontend(out, pageConfigFromOutputs(outputs, values.portal));
  console.log(`${files.length} files in ${out}: ${files.join(', ')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
