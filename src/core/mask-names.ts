/**
 * Text about a family without the family's names: before feedback is stored, each first name of
 * the roster becomes `{{first_name:<relationship>}}`, each last name `{{last_name}}`, and the
 * member id `{{member_id}}`. The placeholders keep the question readable ("How much did
 * {{first_name:daughter}} spend?") and let an evaluation case put a demo family's names back.
 */
import type { FamilyMember } from './ports.ts';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces `word` (whole words, any case; also inside SQL patterns like '%Emma%'). */
function replaceWord(text: string, word: string, by: string): string {
  if (word.length < 2) return text;
  return text.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRe(word)}(?![\\p{L}\\p{N}])`, 'giu'), by);
}

/**
 * @example
 * maskNames("How much did Emma Whitfield spend? member 1000000001", roster, '1000000001')
 * // 'How much did {{first_name:daughter}} {{last_name}} spend? member {{member_id}}'
 */
export function maskNames(text: string, roster: readonly FamilyMember[], memberId?: string): string {
  let out = memberId ? text.split(memberId).join('{{member_id}}') : text;
  // Longer names first, so "Ann" never eats part of "Anna".
  const names = roster
    .flatMap((p) => {
      const parts = p.name.trim().split(/\s+/);
      const first = parts[0] ?? '';
      const last = parts.slice(1).join(' ');
      return [
        { word: first, by: `{{first_name:${p.relationship}}}` },
        ...(last ? [{ word: last, by: '{{last_name}}' }] : []),
      ];
    })
    .filter((n) => n.word.length >= 2)
    .sort((a, b) => b.word.length - a.word.length);
  for (const n of names) out = replaceWord(out, n.word, n.by);
  return out;
}

/**
 * Puts names back from another family's roster (a demo family's, for an evaluation case).
 * A placeholder with no person of that relationship stays as it is.
 * @example
 * fillNames('How much did {{first_name:daughter}} spend?', demoRoster) // 'How much did Emma spend?'
 */
export function fillNames(text: string, roster: readonly FamilyMember[], memberId?: string): string {
  return text
    .replace(/\{\{first_name:([a-z]+)\}\}/g, (whole, rel: string) => {
      const p = roster.find((x) => x.relationship === rel && !x.self) ?? roster.find((x) => x.relationship === rel);
      return p?.name.split(/\s+/)[0] ?? whole;
    })
    .replace(/\{\{last_name\}\}/g, () => roster[0]?.name.split(/\s+/).slice(1).join(' ') || '{{last_name}}')
    .replace(/\{\{member_id\}\}/g, (whole) => memberId ?? whole);
}
