/** What the SQL model replied, once read. */
export type Extraction =
  | { readonly kind: 'sql'; readonly sql: string }
  | { readonly kind: 'cannot_answer' }
  /** A follow-up the conversation's earlier turns do not complete ("and that one?"). */
  | { readonly kind: 'needs_context' }
  | { readonly kind: 'no_sql' };

const SQL_BLOCK = /<sql>([\s\S]*?)<\/sql>/gi;

/**
 * Reads the model's reply: the SQL between `<sql>` and `</sql>`, or the NULL marker.
 * More than one block is treated as no SQL: the model must commit to one query.
 * @example
 * extractSql('<sql>SELECT 1</sql>') // { kind: 'sql', sql: 'SELECT 1' }
 * extractSql('<sql>NULL</sql>')     // { kind: 'cannot_answer' }
 * extractSql('<sql>NEEDS_CONTEXT</sql>') // { kind: 'needs_context' }
 */
export function extractSql(reply: string): Extraction {
  const blocks = [...reply.matchAll(SQL_BLOCK)].map((m) => stripFence((m[1] ?? '').trim()));
  if (blocks.length !== 1) return { kind: 'no_sql' };
  const sql = blocks[0] as string;
  if (sql === '' || /^null;?$/i.test(sql)) return { kind: 'cannot_answer' };
  if (/^needs_context;?$/i.test(sql)) return { kind: 'needs_context' };
  return { kind: 'sql', sql };
}

/** Models sometimes wrap the query in a markdown fence inside the tags. */
function stripFence(s: string): string {
  const m = /^```(?:sql)?\s*([\s\S]*?)\s*```$/i.exec(s);
  return m ? (m[1] ?? '').trim() : s;
}
