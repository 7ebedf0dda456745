/**
 * What the pages are made of: the files in frontend/ and the library files they import, served
 * from node_modules as the packages ship them (no build step, never from a CDN). The local server
 * serves both; scripts/package-frontend.ts copies both into the static bucket's folder.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FRONTEND_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../frontend');

const require = createRequire(import.meta.url);

/** URL path → file: the ES modules the pages import from packages (frontend/auth.js: oauth4webapi). */
export const FRONTEND_VENDOR_FILES: Readonly<Record<string, string>> = {
  '/vendor/oauth4webapi.js': require.resolve('oauth4webapi'),
};

/** The app clients' scopes (Cognito's app clients allow these). */
export const SIGN_IN_SCOPE = 'openid email profile';

/** What a page needs to sign in through one app client (frontend/auth.js, `SignInSettings`). */
export interface SignInSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly logoutUri: string;
  readonly scope: string;
  /** The issuer's sign-out URL when discovery does not name one (Cognito: https://<domain>/logout). */
  readonly logoutEndpoint?: string;
}

/** /config.json: the pages' one source of sign-in settings. */
export interface PageConfig {
  /** Local only: the issuer is the dev issuer (the pages say "Local demo only"). */
  readonly devSignIn?: boolean;
  readonly signIn: { readonly member: SignInSettings; readonly admin: SignInSettings };
}
