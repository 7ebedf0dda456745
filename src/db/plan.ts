/**
 * Reading PostgreSQL's `EXPLAIN (FORMAT JSON)` output: the largest total cost and the largest row
 * estimate at any node of the plan (sub-plans and init-plans included). The largest node, not the
 * top one: the member query is wrapped in `LIMIT`, and a Limit node's cost is only the fraction of
 * its input it expects to read, while a filter that never matches reads all of it.
 */

export interface PlanEstimate {
  /** Largest "Total Cost" of any node (planner cost units). */
  readonly maxCost: number;
  /** Largest "Plan Rows" of any node. */
  readonly maxRows: number;
  /** Number of plan nodes. */
  readonly nodes: number;
}

/**
 * @example planEstimate([{ Plan: { 'Total Cost': 12.5, 'Plan Rows': 3, Plans: [] } }]) // { maxCost: 12.5, maxRows: 3, nodes: 1 }
 */
export function planEstimate(explainJson: unknown): PlanEstimate {
  const doc = typeof explainJson === 'string' ? (JSON.parse(explainJson) as unknown) : explainJson;
  const top = Array.isArray(doc) ? (doc[0] as { Plan?: unknown } | undefined)?.Plan : undefined;
  if (!isPlanNode(top)) throw new TypeError('unexpected EXPLAIN output');
  let maxCost = 0;
  let maxRows = 0;
  let nodes = 0;
  const stack: unknown[] = [top];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!isPlanNode(node)) continue;
    nodes += 1;
    maxCost = Math.max(maxCost, finite(node['Total Cost']));
    maxRows = Math.max(maxRows, finite(node['Plan Rows']));
    if (Array.isArray(node.Plans)) stack.push(...node.Plans);
  }
  return { maxCost, maxRows, nodes };
}

interface PlanNode {
  readonly 'Total Cost'?: unknown;
  readonly 'Plan Rows'?: unknown;
  readonly Plans?: unknown;
}

function isPlanNode(value: unknown): value is PlanNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A number from the plan; anything unreadable counts as infinitely expensive, never as free. */
function finite(value: unknown): number {
  return typeof value === 'number' && !Number.isNaN(value) ? value : Number.POSITIVE_INFINITY;
}
