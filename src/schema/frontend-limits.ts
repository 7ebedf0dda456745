/**
 * The limits the pages show and enforce before the API does, as the text of frontend/limits.js.
 * The pages are plain ES modules served as files (no build step), so they cannot import the
 * catalog; this file is generated from it instead (`npm run gen:frontend-limits`) and a unit test
 * fails when the committed file and the catalog disagree.
 */
import { LIMITS } from './catalog.ts';

/** The catalog limits the pages use. */
export const FRONTEND_LIMIT_KEYS = ['questionMaxChars', 'templateTextMaxChars', 'changeNoteMaxChars'] as const;

/** Where the generated module lives, relative to the repository root. */
export const FRONTEND_LIMITS_FILE = 'frontend/limits.js';

/**
 * The full text of frontend/limits.js.
 * @example renderFrontendLimits().includes('questionMaxChars: 300') // true
 */
export function renderFrontendLimits(): string {
  const entries = FRONTEND_LIMIT_KEYS.map((key) => `  ${key}: ${LIMITS[key]},`);
  return [
    '// @ts-check',
    '// GENERATED from LIMITS in src/schema/catalog.ts by `npm run gen:frontend-limits`. Do not edit:',
    '// change the catalog and regenerate (src/schema/frontend-limits.test.ts checks they agree).',
    '',
    '/** Limits the pages show and enforce before the API does (the API enforces them too). */',
    'export const LIMITS = Object.freeze({',
    ...entries,
    '});',
    '',
  ].join('\n');
}
