/**
 * Length as a member counts it: characters (Unicode code points), not UTF-16 units, so an
 * emoji or a character outside the Basic Multilingual Plane counts once.
 * @example
 * charCount('héllo') // 5
 * charCount('👍👍') // 2 (String#length says 4)
 */
export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
