import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractUnitLists } from './corpus.ts';
import { BEGIN, END, spliceTable } from './report.ts';
import { quantile, summarize } from './stats.ts';

describe('stats', () => {
  it('interpolates quantiles between order statistics', () => {
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
    assert.equal(quantile([10], 0.99), 10);
    assert.equal(quantile([0, 100], 0.99), 99);
  });
  it('summarizes unsorted samples', () => {
    const s = summarize([5, 1, 3, 2, 4]);
    assert.deepEqual([s.min, s.median, s.max, s.mean, s.samples], [1, 3, 5, 3, 5]);
  });
});

describe('report', () => {
  it('replaces only the generated block', () => {
    const doc = `# B\n\nprose\n\n${BEGIN}\nold\n${END}\n\nmore prose\n`;
    const out = spliceTable(doc, `${BEGIN}\nnew\n${END}`);
    assert.equal(out, `# B\n\nprose\n\n${BEGIN}\nnew\n${END}\n\nmore prose\n`);
  });
  it('appends the block when the markers are absent', () => {
    assert.equal(spliceTable('# B\n', `${BEGIN}\nx\n${END}`), `# B\n\n${BEGIN}\nx\n${END}\n`);
  });
});

describe('corpus extraction', () => {
  it('keeps the lists, drops the test imports and points relative imports at the source dir', () => {
    const src = [
      "import { describe, it } from 'node:test';",
      "import { Reason } from '../core/reasons.ts';",
      "const M = '1';",
      'const ACCEPTED = [`x`];',
      'const REJECTED = [];',
      "describe('x', () => {});",
    ].join('\n');
    const out = extractUnitLists(src, '/repo/src/validate');
    assert.ok(!out.includes('node:test'));
    assert.ok(out.includes("from 'file:///repo/src/core/reasons.ts'"));
    assert.ok(!out.includes('describe('));
    assert.ok(out.endsWith('export { ACCEPTED, REJECTED, M };\n'));
  });
  it('fails loudly when a list is gone', () => {
    assert.throws(() => extractUnitLists("const M = '1';\ndescribe('x', () => {});", '/r'), /ACCEPTED/);
  });
});
