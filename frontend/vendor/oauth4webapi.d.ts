// Types for the type check only (tsconfig.frontend.json). The file itself is not in the repository:
// the local server serves node_modules/oauth4webapi/build/index.js at /vendor/oauth4webapi.js, and
// scripts/package-frontend.ts copies it next to the pages for the static bucket.
export * from 'oauth4webapi';
