/**
 * Test support: collects the JSON lines that Powertools prints, so tests (ours and the
 * handlers') can assert on real log and EMF output, e.g. that no member data reached it.
 */

/**
 * Runs `fn` and returns every JSON line it wrote to stdout or stderr, parsed.
 *
 * @example
 * const lines = await captureJsonLines(() => safeLogger.logEvent('rate_limited'));
 * assert.equal(lines[0]?.message, 'rate_limited');
 */
export async function captureJsonLines(fn: () => unknown): Promise<Record<string, unknown>[]> {
  const chunks: string[] = [];
  const out = process.stdout.write;
  const err = process.stderr.write;
  const grab = (chunk: unknown): boolean => {
    chunks.push(String(chunk));
    return true;
  };
  process.stdout.write = grab as typeof process.stdout.write;
  process.stderr.write = grab as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
