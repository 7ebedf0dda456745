/**
 * A question as tokens the matchers consume one by one: lower case, accents stripped, possessives
 * and apostrophes dropped, hyphens split, shorthand expanded and simple typos corrected against
 * the words the engine knows. What no matcher consumes is what the engine did not understand.
 */
import { ABBREVIATIONS, knownWords, wordCategory } from './lexicon.ts';

export interface Token {
  /** As written (for provider names and for telling the member what was not understood). */
  readonly raw: string;
  /** Normalized form the matchers read. */
  norm: string;
  /** Written with a capital letter, not at the start of the question. */
  readonly capitalized: boolean;
  /** Written as a possessive ("Sophie's", "the Whitfields'"). */
  readonly possessive: boolean;
  used: boolean;
}

const KNOWN = knownWords();

export function stripAccents(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/** Damerau–Levenshtein distance (adjacent transpositions count 1), capped at `max + 1`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(
        ((d[i - 1] as number[])[j] as number) + 1,
        (row[j - 1] as number) + 1,
        ((d[i - 1] as number[])[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, ((d[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = v;
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** The one known word closest to `word` (1 edit up to 7 letters, 2 from 8), or undefined when none or a tie. */
export function correctTypo(word: string, extra: Iterable<string> = []): string | undefined {
  if (word.length < 4 || !/^[a-z]+$/.test(word)) return undefined;
  const max = word.length >= 8 ? 2 : 1;
  let best: string[] = [];
  let bestD = max + 1;
  for (const known of [...KNOWN, ...extra]) {
    if (known.length < 3 || Math.abs(known.length - word.length) > max) continue;
    const dist = editDistance(word, known, max);
    if (dist < bestD) {
      best = [known];
      bestD = dist;
    } else if (dist === bestD && !best.includes(known)) {
      best.push(known);
    }
  }
  if (bestD > max || best.length === 0) return undefined;
  // A tie between words that mean the same thing ("medicine" / "medicines") is no tie.
  const categories = new Set(best.map((w) => wordCategory(w) ?? w));
  if (categories.size === 1) return best[0];
  // Two letters swapped in place is the likeliest typo of all ("yaer" → "year", not "ayer").
  const swapped = best.filter((w) => w[0] === word[0] && isSwap(word, w));
  if (swapped.length === 1) return swapped[0];
  // Otherwise a dropped letter ("wich" → "which") is the likelier typo.
  const omissions = best.filter((w) => w.length === word.length + 1 && isSubsequence(word, w));
  return omissions.length === 1 ? omissions[0] : undefined;
}

/** `b` is `a` with two neighbouring letters swapped. */
function isSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff = [...a].flatMap((ch, i) => (ch === b[i] ? [] : [i]));
  return (
    diff.length === 2 &&
    diff[1] === (diff[0] as number) + 1 &&
    a[diff[0] as number] === b[diff[1] as number] &&
    a[diff[1] as number] === b[diff[0] as number]
  );
}

function isSubsequence(short: string, long: string): boolean {
  let i = 0;
  for (const ch of long) if (ch === short[i]) i++;
  return i === short.length;
}

/** True when the engine knows the word as it is. */
export function isKnown(word: string): boolean {
  return KNOWN.has(word);
}

const TOKEN = /[A-Za-zÀ-ÿ0-9$#][A-Za-zÀ-ÿ0-9$#'’.,/&]*/g;

/**
 * Tokens of a question. `names` (the family's first names) are never "corrected".
 *
 * @example
 * tokenize("How much did I spend on perscriptions this yr?").map((t) => t.norm)
 * // ['how', 'much', 'did', 'i', 'spend', 'on', 'prescriptions', 'this', 'year']
 */
export function tokenize(question: string, names: readonly string[] = []): Token[] {
  const nameSet = new Set(names.map((n) => stripAccents(n.toLowerCase())));
  // Hyphens between letters split words ("out-of-pocket", "x-ray"); "e.r." reads as "er".
  const text = question
    .replace(/[\u2018\u2019`´]/g, "'")
    .replace(/\b([A-Za-z])\.([A-Za-z])\.(?=\s|$|[?!,])/g, '$1$2')
    .replace(/([A-Za-zÀ-ÿ])-(?=[A-Za-zÀ-ÿ])/g, '$1 ');
  const tokens: Token[] = [];
  let first = true;
  for (const m of text.matchAll(TOKEN)) {
    const possessive = /'s[.,]*$|s'[.,]*$/i.test(m[0]);
    let raw = m[0].replace(/[.,']+$/, '');
    if (raw === '') continue;
    const capitalized = !first && /^[A-ZÀ-Ý]/.test(raw);
    first = false;
    let norm = stripAccents(raw.toLowerCase()).replace(/'s$/, '').replace(/s'$/, 's').replace(/'/g, '');
    if (/^\$?\d[\d,]*(\.\d+)?k?$/.test(norm)) norm = norm.replace(/,/g, '');
    else norm = norm.replace(/[.,]+/g, '');
    raw = raw.replace(/'s$/i, '');
    if (norm === '') continue;
    const abbreviation = ABBREVIATIONS[norm];
    if (abbreviation) norm = abbreviation;
    else if (!KNOWN.has(norm) && !nameSet.has(norm) && !capitalized) {
      const fixed = correctTypo(norm, nameSet);
      if (fixed) norm = fixed;
    }
    // A multi-word expansion ("out of pocket" from "oop") stays one token; matchers see the words.
    tokens.push({ raw, norm, capitalized, possessive, used: false });
  }
  return tokens;
}

/**
 * The tokens as one string the matchers search, with where each token starts.
 */
export class Sentence {
  readonly tokens: Token[];
  readonly text: string;
  readonly #starts: number[];

  constructor(tokens: Token[]) {
    this.tokens = tokens;
    const starts: number[] = [];
    let pos = 0;
    for (const t of tokens) {
      starts.push(pos);
      pos += t.norm.length + 1;
    }
    this.#starts = starts;
    this.text = tokens.map((t) => t.norm).join(' ');
  }

  /** Token indices covered by text[start, end). */
  indices(start: number, end: number): number[] {
    const out: number[] = [];
    this.#starts.forEach((s, i) => {
      const e = s + (this.tokens[i]?.norm.length ?? 0);
      if (s < end && e > start) out.push(i);
    });
    return out;
  }

  /**
   * Consumes every match of `re` (global) whose tokens are all unused; `accept` may refuse one
   * (return false) to leave its tokens for another matcher. Returns the accepted matches.
   */
  take(re: RegExp, accept?: (m: RegExpExecArray, indices: number[]) => boolean | undefined): RegExpExecArray[] {
    const taken: RegExpExecArray[] = [];
    const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
    for (let m = g.exec(this.text); m; m = g.exec(this.text)) {
      if (m[0] === '') {
        g.lastIndex++;
        continue;
      }
      const idx = this.indices(m.index, m.index + m[0].length);
      // A refused match lets shorter or later matches at the next position have their turn.
      if (idx.length === 0 || idx.some((i) => this.tokens[i]?.used) || (accept && accept(m, idx) === false)) {
        g.lastIndex = m.index + 1;
        continue;
      }
      for (const i of idx) (this.tokens[i] as Token).used = true;
      taken.push(m);
    }
    return taken;
  }

  /** True when `re` matches somewhere over unused tokens (nothing is consumed). */
  has(re: RegExp): boolean {
    const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
    for (let m = g.exec(this.text); m; m = g.exec(this.text)) {
      if (m[0] === '') {
        g.lastIndex++;
        continue;
      }
      const idx = this.indices(m.index, m.index + m[0].length);
      if (idx.length > 0 && idx.every((i) => !this.tokens[i]?.used)) return true;
      g.lastIndex = m.index + 1;
    }
    return false;
  }

  unused(): Token[] {
    return this.tokens.filter((t) => !t.used);
  }
}

/** A regex matching any of the phrases as whole words (longest first). */
export function phrases(list: readonly string[]): RegExp {
  const sorted = [...new Set(list)].sort((a, b) => b.length - a.length);
  const body = sorted.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return new RegExp(`(?<![\\w$])(?:${body})(?![\\w])`, 'g');
}
