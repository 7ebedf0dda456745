/** Writes frontend/limits.js from the schema catalog's LIMITS. Usage: `npm run gen:frontend-limits`. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FRONTEND_LIMITS_FILE, renderFrontendLimits } from '../src/schema/frontend-limits.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await writeFile(path.join(root, FRONTEND_LIMITS_FILE), renderFrontendLimits());
console.log(`wrote ${FRONTEND_LIMITS_FILE}`);
