// @ts-check
// GENERATED from LIMITS in src/schema/catalog.ts by `npm run gen:frontend-limits`. Do not edit:
// change the catalog and regenerate (src/schema/frontend-limits.test.ts checks they agree).

/** Limits the pages show and enforce before the API does (the API enforces them too). */
export const LIMITS = Object.freeze({
  questionMaxChars: 300,
  templateTextMaxChars: 40000,
  changeNoteMaxChars: 2000,
});
