/**
 * The evaluation harness on the real embedded database with the offline engine: the shipped set
 * scores high on the shipped template, a structurally broken template scores low, and the parts
 * (case parsing, result comparison, the publish gate) behave.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { DEFAULT_SET } from '../../src/cli/eval.ts';
import { systemClock } from '../../src/core/ports.ts';
import { PgMemberDb } from '../../src/db/member-db.ts';
import { EvalSetError, fillReference, parseCases } from '../../src/eval/cases.ts';
import { containsResults, isOrdered, sameResults } from '../../src/eval/compare.ts';
import { draftPasses } from '../../src/eval/gate.ts';
import { runEval, withTemplate } from '../../src/eval/run.ts';
import { OfflineLlm } from '../../src/llm/offline/engine.ts';
import type { AskPorts } from '../../src/pipeline/ask.ts';
import { FilePromptStore, PROMPTS_DIR } from '../../src/prompts/file-store.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

let db: TestDatabase;
let memberDb: PgMemberDb;
let ports: AskPorts;
const files = new FilePromptStore(PROMPTS_DIR);

before(async () => {
  db = await freshDatabase();
  memberDb = PgMemberDb.connect(db.appUrl, {}, { max: 4 });
  ports = { llm: new OfflineLlm(), db: memberDb, prompts: files, clock: systemClock };
});

after(async () => {
  await memberDb?.close();
  await db?.drop();
});

const HOLDOUT = DEFAULT_SET.replace(/cases\.jsonl$/, 'holdout.jsonl');

test('the shipped sets: at least 250 cases together, every role of the demo families, every kind', async () => {
  const dev = parseCases(await readFile(DEFAULT_SET, 'utf8'));
  const holdout = parseCases(await readFile(HOLDOUT, 'utf8'));
  assert.ok(dev.length + holdout.length >= 250, `${dev.length} + ${holdout.length} cases`);
  for (const set of [dev, holdout]) {
    // subscriber, spouse, adult child, minor, grandparent (and a grandchild asking)
    for (const person of [
      '1000000001-02',
      '1000000001-03',
      '1000000001-04',
      '1000000003-03',
      '1000000004-03',
      '1000000004-04',
    ])
      assert.ok(
        set.some((c) => c.person === person),
        person,
      );
    assert.ok(
      set.some((c) => c.member === '1000000003' && !c.person),
      'grandparent',
    );
    for (const kind of [
      'person',
      'privacy',
      'provider',
      'service',
      'amount',
      'measure',
      'aggregate',
      'period',
      'typo',
      'spanish',
      'followup',
      'safety',
    ])
      assert.ok(
        set.some((c) => c.kind === kind),
        `${kind} in ${set === dev ? 'dev' : 'holdout'}`,
      );
  }
  const cases = dev;
  const ids = cases.map((c) => c.id).join(' ');
  for (const kind of [
    'count',
    'provider-count',
    'spent',
    'plan-paid',
    'oop',
    'largest',
    'latest',
    'top-provider',
    'providers',
    'list',
    'person',
    'withheld',
    'other',
    'write',
    'offtopic',
    'inject',
    'diagnosis',
    'not-in-data',
    'partial',
  ])
    assert.match(ids, new RegExp(`\\b${kind}-`), kind);
});

test('the shipped set covers every benefit and claim-status kind, from several people, with reference figures', async () => {
  const cases = parseCases(await readFile(DEFAULT_SET, 'utf8'));
  for (const kind of [
    'deductible',
    'oop-max',
    'cost-sharing',
    'visits-left',
    'claim-paid',
    'pending',
    'denied',
    'not-in-data',
  ]) {
    const of = cases.filter((c) => c.kind === kind);
    assert.ok(of.length >= 5, `${kind}: ${of.length} cases`);
    assert.ok(new Set(of.map((c) => c.person ?? c.member)).size >= 4, `${kind}: asked by several people`);
  }
  const figures = cases.filter((c) => 'sql' in c.expected && c.expected.contains);
  assert.ok(figures.length >= 40, `${figures.length} cases compare figures`);
});

test('the shipped template on the development set: no wrong figure, no privacy failure, nearly all correct', {
  timeout: 300_000,
}, async () => {
  const cases = parseCases(await readFile(DEFAULT_SET, 'utf8'));
  let progress = 0;
  const s = await runEval(cases, ports, { onCase: (_r, done) => (progress = done) });
  assert.equal(progress, cases.length);
  assert.equal(s.total, cases.length);
  const failing = s.results.filter((r) => !r.passed).map((r) => `${r.id}: ${r.outcome} (${r.why ?? r.got})`);
  assert.equal(s.wrongFigures, 0, failing.join('\n'));
  assert.equal(s.privacyFailures, 0);
  assert.ok(s.accuracy >= 0.95, `accuracy ${s.accuracy}: ${failing.join('; ')}`);
  assert.equal(s.guardReplacements, 0, 'the offline summaries pass the number guard');
  assert.equal(s.templateVersions.sql, 1);
  assert.ok(s.latency.generate && s.latency.total && s.latency.total.count === cases.length);
  assert.equal(s.modelId, 'offline-engine-v1');
  // The report by kind adds up, and each benefit kind is reported.
  assert.equal(
    Object.values(s.byKind).reduce((n, k) => n + k.total, 0),
    s.total,
  );
  for (const kind of ['deductible', 'oop-max', 'cost-sharing', 'visits-left', 'claim-paid', 'pending', 'denied'])
    assert.ok((s.byKind[kind]?.accuracy ?? 0) >= 0.8, `${kind}: ${JSON.stringify(s.byKind[kind])}`);
});

test('the held-out set (written before the engine changed): 0 wrong figures and at least 85 % correct', {
  timeout: 300_000,
}, async () => {
  const cases = parseCases(await readFile(HOLDOUT, 'utf8'));
  const s = await runEval(cases, ports);
  const failing = s.results.filter((r) => !r.passed).map((r) => `${r.id}: ${r.outcome} (${r.why ?? r.got})`);
  assert.equal(s.wrongFigures, 0, failing.join('\n'));
  assert.equal(s.privacyFailures, 0);
  assert.ok(s.accuracy >= 0.85, `accuracy ${s.accuracy}: ${failing.join('; ')}`);
});

test('held-out set 2 (written before reading the engine) and its unseen slice: no figure but the expected one, no privacy failure, at least 85 % correct', {
  timeout: 300_000,
}, async () => {
  for (const name of ['holdout2.jsonl', 'holdout2-unseen.jsonl']) {
    const cases = parseCases(await readFile(DEFAULT_SET.replace(/cases\.jsonl$/, name), 'utf8'));
    const s = await runEval(cases, ports);
    const failing = s.results.filter((r) => !r.passed).map((r) => `${r.id}: ${r.outcome} (${r.why ?? r.got})`);
    assert.equal(s.privacyFailures, 0, failing.join('\n'));
    // The only "wrong" outcomes allowed: the same rows under another reading of the kind of care
    // (docs/eval.md, held-out set 2) — never other rows, a figure not stated, or an answer instead of a refusal.
    const wrongRows = s.results.filter((r) => r.outcome === 'wrong' && !/^the interpretation reads/.test(r.why ?? ''));
    assert.deepEqual(
      wrongRows.map((r) => r.id),
      [],
      failing.join('\n'),
    );
    // One left: "how many checkups have I had" reads the checkup diagnoses, the reference preventive care.
    assert.ok(s.wrongFigures <= 1, failing.join('\n'));
    assert.ok(s.accuracy >= 0.85, `${name} accuracy ${s.accuracy}: ${failing.join('; ')}`);
  }
});

test('breaking the member-id tag keeps the placeholders but makes execution accuracy collapse', {
  timeout: 120_000,
}, async () => {
  const sql = await files.load('sql');
  const broken = {
    ...sql,
    version: 99,
    body: sql.body.replace('<member_id>{{member_id}}</member_id>', 'Member: {{member_id}}'),
  };
  assert.notEqual(broken.body, sql.body);
  const cases = parseCases(await readFile(DEFAULT_SET, 'utf8'));
  const s = await runEval(cases, { ...ports, prompts: withTemplate(files, broken) });
  assert.ok(s.executionAccuracy < 0.1, `execution accuracy ${s.executionAccuracy}`);
  assert.ok(s.accuracy < 0.5, `overall ${s.accuracy}`);
  assert.equal(s.templateVersions.sql, 99);
});

test('a wrong reference or a wrong answer fails its case, with the reason and no member data', async () => {
  const cases = parseCases(
    [
      '{"id":"wrong-ref","member":"1000000002","question":"How many claims did I have?","expected":{"sql":"SELECT count(*) + 1 FROM claims_history WHERE member_id = {{member_id}}"}}',
      '{"id":"bad-ref","member":"1000000002","question":"How many claims did I have?","expected":{"sql":"SELECT nope FROM claims_history"}}',
      '{"id":"wrong-code","member":"1000000002","question":"Tell me a joke.","expected":{"refusal":"WITHHELD"}}',
    ].join('\n'),
  );
  const s = await runEval(cases, ports);
  assert.deepEqual(
    s.results.map((r) => [r.id, r.passed, r.why ?? r.got]),
    [
      ['wrong-ref', false, 'different rows'],
      ['bad-ref', false, 'reference SQL failed'],
      ['wrong-code', false, 'different refusal'],
    ],
  );
  assert.equal(s.accuracy, 0);
});

test('case parsing names the bad line and skips comments', () => {
  assert.equal(
    parseCases('// c\n# c\n\n{"member":"1000000001","question":"q","expected":{"refusal":"WITHHELD"}}')[0]?.id,
    'line-4',
  );
  assert.throws(() => parseCases('{"member":"123","question":"q","expected":{"refusal":"OK"}}'), EvalSetError);
  assert.throws(() => parseCases('{"member":"1000000001","question":"q","expected":{"refusal":"NOPE"}}'), /line 1/);
  assert.throws(
    () => parseCases('{"member":"1000000001","person":"1000000002-01","question":"q","expected":{"refusal":"OK"}}'),
    /person/,
  );
  assert.throws(() => parseCases('not json'), /line 1: not valid JSON/);
  assert.equal(
    fillReference("x = {{member_id}} AND d = DATE '{{ today }}'", '2026-01-02', '1000000001'),
    "x = 1000000001 AND d = DATE '2026-01-02'",
  );
});

test('result comparison: values not names, order only when the reference orders', () => {
  assert.equal(sameResults([{ a: '1.50', b: 'x' }], [{ b: 'x', total: 1.5 }], false), true);
  assert.equal(sameResults([{ a: 1 }, { a: 2 }], [{ a: 2 }, { a: 1 }], false), true);
  assert.equal(sameResults([{ a: 1 }, { a: 2 }], [{ a: 2 }, { a: 1 }], true), false);
  assert.equal(sameResults([{ a: 1 }], [{ a: 1 }, { a: 1 }], false), false);
  assert.equal(sameResults([{ a: null }], [{ a: 'null' }], false), false);
  assert.equal(isOrdered('SELECT a FROM t ORDER BY a DESC LIMIT 1'), true);
  assert.equal(isOrdered('SELECT a FROM t WHERE x = (SELECT max(y) FROM t ORDER BY y)'), false);
});

test('"contains" comparison: each generated row holds its reference row\'s figures; kinds from the set or the id', () => {
  assert.equal(containsResults([{ left: '180.00' }], [{ limit: '500.00', met: 320, left: 180 }], false), true);
  assert.equal(containsResults([{ left: '180.00' }], [{ limit: '500.00', met: 320, left: 181 }], false), false);
  assert.equal(
    containsResults(
      [{ a: 1 }, { a: 2 }],
      [
        { a: 2, b: 0 },
        { a: 1, b: 0 },
      ],
      false,
    ),
    true,
  );
  assert.equal(
    containsResults(
      [{ a: 1 }, { a: 2 }],
      [
        { a: 2, b: 0 },
        { a: 1, b: 0 },
      ],
      true,
    ),
    false,
  );
  assert.equal(containsResults([{ a: 1, b: 1 }], [{ a: 1, c: 2 }], false), false, 'a value counted once');
  assert.equal(containsResults([{ a: 1 }], [{ a: 1 }, { a: 1 }], false), false, 'as many rows');
  const [withKind, byId] = parseCases(
    '{"id":"x-1","kind":"deductible","member":"1000000001","question":"q","expected":{"sql":"SELECT 1","contains":true}}\n' +
      '{"id":"count-self","member":"1000000001","question":"q","expected":{"sql":"SELECT 1"}}',
  );
  assert.equal(withKind?.kind, 'deductible');
  assert.deepEqual(withKind?.expected, { sql: 'SELECT 1', contains: true });
  assert.equal(byId?.kind, 'count');
  assert.throws(
    () => parseCases('{"kind":"Not A Kind","member":"1000000001","question":"q","expected":{"refusal":"OK"}}'),
    /kind/,
  );
});

test('the publish gate: 0.9, or no worse than the published version', () => {
  assert.equal(draftPasses(0.9, 1), true);
  assert.equal(draftPasses(0.89, 1), false);
  assert.equal(draftPasses(0.6, 0.6), true);
  assert.equal(draftPasses(0.59, 0.6), false);
  assert.equal(draftPasses(0.95, undefined), true);
});
