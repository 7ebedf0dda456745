/**
 * The number guard on a stream: words go out at once, a figure only after its sentence passed
 * the check, and a figure that fails never reaches the sink — whatever the chunking.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type FigureCheck, GuardedSummaryStream, type SummarySink } from './summary-stream.ts';

interface Recorded extends SummarySink {
  readonly events: ({ kind: 'text'; text: string } | { kind: 'replace'; text: string })[];
  /** What the member sees now. */
  screen(): string;
  /** Everything the member ever saw, in order (texts shown before a replace included). */
  everSeen(): string;
}

function recorder(): Recorded {
  const events: Recorded['events'] = [];
  return {
    events,
    text: (text) => events.push({ kind: 'text', text }),
    replace: (text) => events.push({ kind: 'replace', text }),
    screen() {
      let s = '';
      for (const e of events) s = e.kind === 'replace' ? e.text : s + e.text;
      return s;
    },
    everSeen() {
      const seen: string[] = [];
      let s = '';
      for (const e of events) {
        if (e.kind === 'replace') {
          seen.push(s);
          s = e.text;
        } else s += e.text;
      }
      seen.push(s);
      return seen.join('\n---\n');
    },
  };
}

/** A check that accepts only figures from a list (what the rows hold). */
const onlyFigures =
  (allowed: readonly string[]): FigureCheck =>
  (text) =>
    (text.match(/\$?\d[\d,.]*\d|\$?\d/g) ?? []).every((f) => allowed.includes(f.replace(/\.$/, '')));

function run(chunks: readonly string[], check: FigureCheck, answer?: string) {
  const sink = recorder();
  const stream = new GuardedSummaryStream(sink, check);
  const afterEach: string[] = [];
  for (const c of chunks) {
    stream.push(c);
    afterEach.push(sink.screen());
  }
  stream.finish(answer ?? chunks.join('').trim());
  return { sink, afterEach, stream };
}

describe('GuardedSummaryStream', () => {
  test('the first word goes out with the first piece; a figure waits for its sentence', () => {
    const { sink, afterEach } = run(
      ['You', ' had', ' 1', '2 prescription', ' claims this year.', ' Take care.'],
      onlyFigures(['12']),
    );
    assert.deepEqual(afterEach, [
      'You',
      'You had',
      'You had ',
      'You had ',
      'You had 12 prescription claims this year.',
      'You had 12 prescription claims this year. Take care.',
    ]);
    assert.equal(sink.screen(), 'You had 12 prescription claims this year. Take care.');
    assert.equal(
      sink.events.some((e) => e.kind === 'replace'),
      false,
    );
  });

  test('a wrong figure is never shown: the rest is withheld and the answer from the rows replaces it', () => {
    const fallback = 'You had 12 prescription claims this year.';
    const { sink, stream } = run(
      ['You had ', '13 prescription claims', ' this year.', ' Lots of them!'],
      onlyFigures(['12']),
      fallback,
    );
    assert.doesNotMatch(sink.everSeen(), /13/);
    assert.equal(stream.held, true);
    assert.equal(sink.screen(), fallback);
    assert.deepEqual(sink.events.at(-1), { kind: 'replace', text: fallback });
  });

  test('number words and month names split across pieces are held like digits', () => {
    const wrong = run(['You had tw', 'elve claims', ' in Jan', 'uary.'], () => false, 'You had 3 claims in February.');
    assert.doesNotMatch(wrong.sink.everSeen(), /twelve|Jan/);
    const right = run(['You had tw', 'elve claims', ' in Jan', 'uary.'], () => true);
    assert.equal(right.sink.screen(), 'You had twelve claims in January.');
    assert.equal(right.afterEach[0], 'You had ', '"tw" could be "twelve": it waits');
  });

  test('a Spanish month is a figure in lower case too; an English "may" is not', () => {
    const es = run(['Sus reclamaciones de ', 'mar', 'zo fueron pocas.'], () => false, 'Sus reclamaciones de abril.');
    assert.doesNotMatch(es.sink.everSeen(), /marzo/);
    const variant = run(['Su reclamación de ', 'setiembre fue pagada.'], () => false, 'Su reclamación.');
    assert.doesNotMatch(variant.sink.everSeen(), /setiembre/, 'the other spelling of septiembre (core/format.ts) too');
    const en = run(['You may ', 'see them below.'], () => false);
    assert.equal(en.sink.screen(), 'You may see them below.');
  });

  test('every count word the number guard checks is held too ("doce", "treinta")', () => {
    const es = run(['Tuvo ', 'doce', ' reclamaciones.'], () => false, 'Tuvo 3 reclamaciones.');
    assert.doesNotMatch(es.sink.everSeen(), /doce/);
  });

  test('compound, Spanish, scaled and ordinal number words are held like digits, whatever the split', () => {
    const replies: [string[], RegExp][] = [
      [['You had twenty-', 'three claims.'], /twenty|three/],
      [['You had twenty ', 'three claims.'], /twenty|three/],
      [['Tuvo veinti', 'trés reclamaciones.'], /veinti/],
      [['Tuvo treinta y ', 'dos reclamaciones.'], /treinta|dos/],
      [['Usted pagó tres', 'cientos dólares.'], /tres/],
      [['Usted pagó ', 'trescientos dólares.'], /trescientos/],
      [['Pagó dos mil quinientos dólares.'], /dos|mil|quinientos/],
      [['You paid one hundred and five dollars.'], /one|hundred|five/],
      [['This was your th', 'ird claim.'], /your th/],
      [['Es su ', 'tercera visita.'], /tercera/],
      [['It was your 5', 'th visit.'], /5/],
      [['You paid $3 ', 'million.'], /\$3/],
      [['You pay twenty ', 'percent.'], /twenty/],
      // Joined by another dash or a slash, or with a possessive: the guard reads each run of letters.
      [['You had twenty–three ', 'claims denied.'], /twenty/],
      [['You had thirty/forty ', 'claims.'], /thirty/],
      [['It was March’s ', 'bill.'], /March/],
    ];
    for (const [pieces, wrong] of replies) {
      const refused = run(pieces, () => false, 'The answer from the rows.');
      assert.doesNotMatch(refused.sink.everSeen(), wrong, JSON.stringify(pieces));
      assert.equal(refused.sink.screen(), 'The answer from the rows.');
      const passed = run(pieces, () => true);
      assert.equal(passed.sink.screen(), pieces.join('').trim());
    }
  });

  test('a word that only starts like a figure word goes out once it is clearly not one', () => {
    const { afterEach } = run(['The ', 'on', 'ly claim', ' was fine.'], () => true);
    assert.deepEqual(afterEach, ['The ', 'The ', 'The only claim', 'The only claim was fine.']);
  });

  test('a decimal point is not a sentence end; the check sees whole sentences', () => {
    const checked: string[] = [];
    run(['Your share was $1', '2.', '50 at CareWell.', ' The plan paid $40.00.'], (t) => {
      checked.push(t);
      return true;
    });
    assert.deepEqual(checked, [
      'Your share was $12.50 at CareWell.',
      'Your share was $12.50 at CareWell. The plan paid $40.00.',
    ]);
  });

  test('the end of the reply completes a sentence without a final stop', () => {
    const { sink } = run(['Total: ', '$40.00'], onlyFigures(['$40.00']));
    assert.equal(sink.screen(), 'Total: $40.00');
  });

  test('a final answer that differs from what was shown replaces it; the same answer adds nothing', () => {
    const same = run(['Hello there.'], () => true, 'Hello there.');
    assert.deepEqual(same.sink.events, [{ kind: 'text', text: 'Hello there.' }]);
    const other = run(['Hello there.'], () => true, 'Something else.');
    assert.deepEqual(other.sink.events.at(-1), { kind: 'replace', text: 'Something else.' });
  });

  test('whatever the chunking, a wrong figure never reaches the member (seeded random splits)', () => {
    const texts = [
      {
        text: 'You spent $1,204.50 on prescriptions this year, across 12 claims.',
        bad: '$1,204.50',
        good: ['$1,240.50', '12'],
      },
      { text: 'Your last visit was on March 3, 2026 at Valley General Hospital.', bad: '3', good: ['2026', '4'] },
      {
        text: 'I found eleven claims for Emma in 2025. The plan paid $310.00.',
        bad: 'eleven',
        good: ['2025', '$310.00'],
      },
      { text: 'Usted pagó trescientos dólares en 2026 en la farmacia.', bad: 'trescientos', good: ['2026'] },
      { text: 'You had twenty-three claims, the third one on the 4th.', bad: 'twenty-three', good: ['4'] },
      { text: 'Fue su tercera visita del año, con un copago.', bad: 'tercera', good: [] },
    ];
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const { text, bad, good } of texts) {
      const check: FigureCheck = (t) =>
        !t.includes(bad) && onlyFigures(good)(t.replace(/eleven|4th/g, (w) => (w === '4th' ? '4' : '')));
      for (let trial = 0; trial < 200; trial++) {
        const pieces: string[] = [];
        for (let i = 0; i < text.length; ) {
          const n = 1 + Math.floor(rand() * 6);
          pieces.push(text.slice(i, i + n));
          i += n;
        }
        const { sink } = run(pieces, check, 'The answer from the rows.');
        const seen = sink.everSeen();
        assert.ok(!seen.includes(bad), `${JSON.stringify(pieces)} showed ${bad}: ${seen}`);
        assert.equal(sink.screen(), 'The answer from the rows.');
      }
    }
  });
});
