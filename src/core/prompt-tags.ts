/**
 * Reading and writing the tags that carry member input in a prompt (`<question>…</question>`).
 * Tag content is text: `&`, `<` and `>` are escaped, so a question containing `</question>`
 * cannot close its tag or open another one. The template renderer escapes with
 * {@link escapeTagContent}; models and the offline engine read with {@link readTag}.
 */

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const UNESCAPES: Readonly<Record<string, string>> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&apos;': "'",
};

/**
 * Escapes text for use as tag content.
 *
 * @example
 * escapeTagContent('a</question>b & c') // 'a&lt;/question&gt;b &amp; c'
 */
export function escapeTagContent(text: string): string {
  return text.replace(/[&<>]/g, (ch) => ESCAPES[ch] ?? ch);
}

/**
 * Reverses {@link escapeTagContent} in one pass (so `&amp;lt;` becomes `&lt;`, not `<`).
 * Unknown entities are left as they are.
 *
 * @example
 * unescapeTagContent('a &lt;b&gt; &amp;amp;') // 'a <b> &amp;'
 */
export function unescapeTagContent(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39|apos);/g, (entity) => UNESCAPES[entity] ?? entity);
}

/** Removes `<examples>…</examples>` blocks: few-shot examples reuse tag names like `<sql>`. */
export function stripExamples(text: string): string {
  return text.replace(/<examples>[\s\S]*?<\/examples>/gi, '');
}

/**
 * The unescaped, trimmed content of the last `<name>…</name>` in `text`, outside any
 * `<examples>` block; `undefined` when the tag is absent.
 *
 * @example
 * readTag('<question>Is 2 &lt; 3?</question>', 'question') // 'Is 2 < 3?'
 */
export function readTag(text: string, name: string): string | undefined {
  if (!/^[a-z][a-z0-9_-]*$/i.test(name)) throw new Error(`invalid tag name: ${name}`);
  const body = stripExamples(text);
  const open = `<${name}>`;
  const close = `</${name}>`;
  const start = body.lastIndexOf(open);
  if (start < 0) return undefined;
  const contentStart = start + open.length;
  const end = body.indexOf(close, contentStart);
  if (end < 0) return undefined;
  return unescapeTagContent(body.slice(contentStart, end)).trim();
}
