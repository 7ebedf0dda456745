import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planEstimate } from './plan.ts';

const MEMBER = new Set(['claims_history']);
const N = 50;
const scan = (extra: Record<string, unknown> = {}) => ({
  'Node Type': 'Index Scan',
  'Relation Name': 'claims_history',
  'Total Cost': 8,
  'Plan Rows': 1,
  ...extra,
});
const join = (outer: object, inner: object, extra: Record<string, unknown> = {}) => ({
  'Node Type': 'Nested Loop',
  'Join Type': 'Inner',
  'Total Cost': 20,
  'Plan Rows': 1,
  Plans: [
    { ...outer, 'Parent Relationship': 'Outer' },
    { ...inner, 'Parent Relationship': 'Inner' },
  ],
  ...extra,
});
const explain = (plan: object) => [{ Plan: plan }];
const agg = (child: object, extra: Record<string, unknown> = {}) => ({
  'Node Type': 'Aggregate',
  Strategy: 'Plain',
  'Total Cost': 30,
  'Plan Rows': 1,
  Plans: [{ ...child, 'Parent Relationship': 'Outer' }],
  ...extra,
});

describe('planEstimate', () => {
  test('a member-table scan is bounded by the visible rows, whatever the planner guessed', () => {
    const e = planEstimate(explain(scan()), N, MEMBER);
    assert.deepEqual(e, { maxCost: 8, maxRows: 1, work: N, nodes: 1 });
  });

  test('joins multiply: k scans bound at about N^k, whichever join strategy', () => {
    const two = planEstimate(explain(join(scan(), scan())), N, MEMBER).work;
    assert.equal(two, N + N * N + N * N);
    const hash = planEstimate(explain(join(scan(), scan(), { 'Node Type': 'Hash Join' })), N, MEMBER).work;
    assert.equal(hash, two, 'strategy-independent');
    const five = planEstimate(explain(agg(join(join(join(join(scan(), scan()), scan()), scan()), scan()))), N, MEMBER);
    assert.ok(five.work > N ** 5 && five.work < 10 * N ** 5, String(five.work));
  });

  test('semi joins yield at most the outer rows', () => {
    const semi = planEstimate(explain(agg(join(scan(), scan(), { 'Join Type': 'Semi' }))), N, MEMBER).work;
    const inner = planEstimate(explain(agg(join(scan(), scan()))), N, MEMBER).work;
    assert.equal(inner - semi, N * N - N, 'the aggregate reads N rows, not N^2');
  });

  test('a CTE is computed once, and each scan of it yields its rows', () => {
    const cte = { ...join(scan(), scan()), 'Parent Relationship': 'InitPlan', 'Subplan Name': 'CTE c' };
    const cteScan = { 'Node Type': 'CTE Scan', 'CTE Name': 'c', 'Total Cost': 1, 'Plan Rows': 1 };
    const plan = {
      ...agg(join(cteScan, cteScan)),
      Plans: [{ ...join(cteScan, cteScan), 'Parent Relationship': 'Outer' }, cte],
    };
    const e = planEstimate(explain(plan), N, MEMBER);
    const cteWork = N + N * N + N * N;
    const rows = N * N;
    assert.equal(e.work, cteWork + (rows + rows * rows + rows * rows) + rows * rows);
  });

  test('a correlated sub-plan runs once per row of the node that calls it', () => {
    const sub = { ...agg(join(scan(), scan())), 'Parent Relationship': 'SubPlan', 'Subplan Name': 'SubPlan 1' };
    const outer = { ...scan(), Plans: [sub] };
    const e = planEstimate(explain(outer), N, MEMBER);
    const subWork = N + N * N + N * N + N * N;
    assert.equal(e.work, N + N * subWork);
  });

  test('other leaves keep the planner estimate; unreadable numbers count as infinite', () => {
    const fn = { 'Node Type': 'Function Scan', 'Total Cost': 10, 'Plan Rows': 1_000_000 };
    assert.equal(planEstimate(explain(fn), N, MEMBER).work, 1_000_000);
    const broken = { ...scan(), 'Total Cost': 'NaN' };
    assert.equal(planEstimate(explain(broken), N, MEMBER).maxCost, Number.POSITIVE_INFINITY);
    assert.throws(() => planEstimate('not json', N, MEMBER));
    assert.throws(() => planEstimate([], N, MEMBER), TypeError);
  });
});
