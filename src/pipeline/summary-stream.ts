/**
 * The summary as it is written, with the number guard still in front of the member.
 *
 * Words go out as soon as the model writes them. A figure — a digit, a dollar sign, a number
 * word ("twelve", "twenty-three", "veintitrés", "trescientos", "million"), an ordinal ("third",
 * "tercera"), a month name — is held back with the rest of its sentence until the sentence
 * is complete; then the text up to there is checked (the same check the whole answer gets) and
 * released only when it passes. When it fails, nothing more of the model's text goes out: the
 * pipeline's final answer (an answer built from the rows) replaces what was shown. So a wrong
 * figure never reaches the member; at worst they saw the words before it, then the correction.
 *
 * A piece of a word that could still become a figure ("tw" of "twelve", "Ja" of "January") waits
 * for the next piece; any other word goes at once, so the first word is not delayed.
 */

import {
  foldWord,
  MONTH_ABBREVIATIONS,
  MONTH_VARIANTS,
  MONTHS,
  NUMBER_SCALES,
  NUMBER_WORD_VALUES,
  ORDINAL_WORD_VALUES,
} from '../core/format.ts';

/** Where the streamed answer goes (the handler turns these into server-sent events). */
export interface SummarySink {
  /** More of the answer, to show after what was already shown. */
  text(delta: string): void;
  /** What was shown is not the answer: show this instead, all of it. */
  replace(text: string): void;
}

/** True when every figure in the text traces to the rows (the number guard, on a prefix or the whole). */
export type FigureCheck = (text: string) => boolean;

const NUMBER_WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
  'twenty',
  'thirty',
  'forty',
  'fifty',
  'sixty',
  'seventy',
  'eighty',
  'ninety',
  'hundred',
  'thousand',
  'million',
  'dozen',
  'once',
  'twice',
  'half',
  'single',
  'none',
  'no',
  'cero',
  'uno',
  'una',
  'dos',
  'tres',
  'cuatro',
  'cinco',
  'seis',
  'siete',
  'ocho',
  'nueve',
  'diez',
  'veinte',
  'cien',
  'mil',
  'ninguno',
  'ninguna',
];
// Every word the number guard reads as a figure is held too (cardinals, scales, ordinals, in English
// and Spanish), so nothing it would refuse is shown first.
const FIGURE_WORDS = new Set([
  ...NUMBER_WORDS,
  ...Object.keys(NUMBER_WORD_VALUES),
  ...Object.keys(NUMBER_SCALES),
  ...Object.keys(ORDINAL_WORD_VALUES),
]);
/** English months count capitalised only ("may" is a verb, "May" a month); Spanish ones are written lower case. */
const MONTHS_EN = new Set(MONTHS.en.map((m) => m.toLowerCase()));
const MONTHS_ES = new Set([...MONTHS.es, ...Object.keys(MONTH_VARIANTS)]);
const MONTH_WORDS = new Set([...MONTHS_EN, ...MONTHS_ES]);
const SHORT_MONTHS_EN = new Set(Object.keys(MONTH_ABBREVIATIONS.en));

const WORD = /\S+/g;
const WHITESPACE = /\s/;

/** Does this whole word state a figure (or a date part)? "twenty-three" does: its parts are number words. */
function isFigureWord(word: string): boolean {
  if (/[\d$€£%]/.test(word)) return true;
  const bare = word.replace(/^[^A-Za-zÀ-ÿ]+|[^A-Za-zÀ-ÿ]+$/g, '');
  const folded = foldWord(bare);
  if (FIGURE_WORDS.has(folded) || MONTHS_ES.has(folded)) return true;
  // The guard reads every run of letters as a word: "twenty–three", "thirty/forty", "March’s".
  return bare.split(/[^\p{L}]+/u).some((part) => {
    const p = foldWord(part);
    return (
      FIGURE_WORDS.has(p) || MONTHS_ES.has(p) || (/^[A-Z]/.test(part) && (MONTHS_EN.has(p) || SHORT_MONTHS_EN.has(p)))
    );
  });
}

/** Could this piece of a word still grow into a figure word ("tw" of "twelve", "veintit" of "veintitrés")? */
function couldBecomeFigure(piece: string): boolean {
  if (isFigureWord(piece)) return true;
  const bare = foldWord(piece.replace(/^[^A-Za-zÀ-ÿ]+/, '').replace(/^.*[^\p{L}](?=\p{L})/u, ''));
  if (bare === '') return /^[^\s]*$/.test(piece); // punctuation alone: wait for the word
  for (const w of FIGURE_WORDS) if (w.startsWith(bare)) return true;
  for (const w of MONTH_WORDS) if (foldWord(w).startsWith(bare)) return true;
  return false;
}

/** Index where the first figure word of `text` starts, or -1. */
function firstFigure(text: string): number {
  for (const m of text.matchAll(WORD)) {
    const complete = m.index + m[0].length < text.length;
    if (isFigureWord(m[0]) && (complete || /[\d$]/.test(m[0]))) return m.index;
  }
  return -1;
}

/**
 * Index just after the first sentence end in `text`, or -1: '.', '!' or '?' before a space, a
 * line break, or at the end of what has arrived — except a '.' after a digit, which may still be
 * a decimal point ("$12." of "$12.50") until the next piece says otherwise.
 */
function sentenceEnd(text: string): number {
  const m = /[.!?…](?=\s)|\n|[!?…]$|(?<!\d)\.$/.exec(text);
  return m ? m.index + m[0].length : -1;
}

/**
 * @example
 * const stream = new GuardedSummaryStream(sink, (text) => guardSummary({ text, rows }).ok);
 * for await (const delta of modelDeltas) stream.push(delta);
 * stream.finish(finalAnswer);
 */
export class GuardedSummaryStream {
  readonly #sink: SummarySink;
  readonly #check: FigureCheck;
  #buffer = '';
  #released = 0;
  #failed = false;
  #finished = false;

  constructor(sink: SummarySink, check: FigureCheck) {
    this.#sink = sink;
    this.#check = check;
  }

  /** True once a figure failed the check: the rest of the model's text is withheld. */
  get held(): boolean {
    return this.#failed;
  }

  /** The text the member has seen so far. */
  get shown(): string {
    return this.#buffer.slice(0, this.#released);
  }

  /** A piece of the model's reply. */
  push(delta: string): void {
    if (this.#finished || this.#failed || delta === '') return;
    // Text before the first word is never shown (the pipeline trims the answer).
    this.#buffer += this.#released === 0 && this.#buffer === '' ? delta.replace(/^\s+/, '') : delta;
    this.#advance(false);
  }

  /**
   * The reply is complete and `answer` is what the member gets (the model's text, or the answer
   * built from the rows when the guard replaced it): shows the rest, or replaces what was shown.
   */
  finish(answer: string): void {
    if (this.#finished) return;
    if (!this.#failed) this.#advance(true);
    this.#finished = true;
    const shown = this.shown;
    if (answer === shown) return;
    if (!this.#failed && answer.startsWith(shown)) {
      this.#sink.text(answer.slice(shown.length));
      return;
    }
    this.#sink.replace(answer);
  }

  #release(upTo: number): void {
    if (upTo <= this.#released) return;
    this.#sink.text(this.#buffer.slice(this.#released, upTo));
    this.#released = upTo;
  }

  #advance(end: boolean): void {
    for (;;) {
      const pending = this.#buffer.slice(this.#released);
      if (pending === '') return;
      const figure = firstFigure(pending);
      if (figure < 0) {
        if (end) {
          this.#release(this.#buffer.length);
          return;
        }
        // A trailing piece that may still become a figure waits for the next piece.
        let cut = pending.length;
        const lastSpace = Math.max(...[...pending].map((ch, i) => (WHITESPACE.test(ch) ? i : -1)));
        const tail = pending.slice(lastSpace + 1);
        if (tail !== '' && couldBecomeFigure(tail)) cut = lastSpace + 1;
        this.#release(this.#released + cut);
        return;
      }
      if (figure > 0) {
        this.#release(this.#released + figure);
        continue;
      }
      // A figure starts here: wait for its sentence to end, then check everything up to there.
      let stop = sentenceEnd(pending);
      if (stop < 0) {
        if (!end) return;
        stop = pending.length;
      }
      const upTo = this.#released + stop;
      if (!this.#check(this.#buffer.slice(0, upTo).trimEnd())) {
        this.#failed = true;
        return;
      }
      this.#release(upTo);
    }
  }
}
