import type { TemplateName } from '../core/ports.ts';

/**
 * The placeholders each template must use and may use. A template that drops a required one
 * (the member id, the question, the schema) or adds an unknown one cannot be published.
 */
export const TEMPLATE_PLACEHOLDERS = {
  sql: { required: ['schema', 'member_id', 'question'], optional: ['today', 'asker', 'roster', 'history'] },
  summary: {
    required: ['question', 'rows'],
    optional: ['today', 'asker', 'sql', 'row_count', 'roster', 'interpretation', 'history'],
  },
} as const satisfies Record<TemplateName, { required: readonly string[]; optional: readonly string[] }>;

const PLACEHOLDER = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g;

/** Names of the `{{placeholders}}` a text uses, in order of first use. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string))];
}

export interface PlaceholderProblems {
  readonly missing: string[];
  readonly unknown: string[];
}

/**
 * Checks a template's placeholders against its declaration.
 * @example
 * checkPlaceholders('sql', 'no placeholders at all').missing // ['schema', 'member_id', 'question']
 */
export function checkPlaceholders(name: TemplateName, ...texts: string[]): PlaceholderProblems {
  const spec = TEMPLATE_PLACEHOLDERS[name];
  const used = new Set(texts.flatMap(placeholdersIn));
  const known = new Set<string>([...spec.required, ...spec.optional]);
  return {
    missing: spec.required.filter((p) => !used.has(p)),
    unknown: [...used].filter((p) => !known.has(p)),
  };
}

/** Replaces `{{name}}` with values[name]; values are inserted verbatim (escape member input first). */
export function fillPlaceholders(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
}
