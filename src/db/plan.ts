/**
 * Reading PostgreSQL's `EXPLAIN (FORMAT JSON)` of member SQL, to refuse queries that explode
 * before they run.
 *
 * The planner's own row estimates are blind here: every scan of claims_history carries both the
 * query's `member_id = <id>` and the row-level-security quals (`member_id = $scope`,
 * `person_id = ANY ($visible)`), which the planner multiplies as if independent, so a family's
 * 50 claims are estimated at 1 row and a six-way cross join of them at 1 row too. So two measures
 * are taken from the plan:
 *
 * - the planner's figures as they are: the largest total cost and row estimate at any node (they
 *   catch what is not a member table: a huge generate_series, a catalog cross join);
 * - a worst-case bound on rows processed ("work"), computed over the plan's shape with every scan
 *   of a member table bounded by the number of claims this person may see (what RLS lets through):
 *   a join yields at most the product of its inputs and is charged as if it re-read its inner side
 *   once per outer row (whatever join strategy the planner picked), a correlated sub-plan runs once
 *   per row of the node that calls it, a CTE is computed once. A six-way self-join of 50 claims
 *   bounds at about 50^6; an honest two-way join at about 50^2.
 */

export interface PlanEstimate {
  /** Largest "Total Cost" of any node (planner cost units). */
  readonly maxCost: number;
  /** Largest "Plan Rows" of any node. */
  readonly maxRows: number;
  /** Worst-case rows processed over the whole plan, member-table scans bounded by `visibleRows`. */
  readonly work: number;
  /** Number of plan nodes. */
  readonly nodes: number;
}

interface PlanNode {
  readonly 'Node Type'?: unknown;
  readonly 'Parent Relationship'?: unknown;
  readonly 'Subplan Name'?: unknown;
  readonly 'CTE Name'?: unknown;
  readonly 'Relation Name'?: unknown;
  readonly 'Join Type'?: unknown;
  readonly Strategy?: unknown;
  readonly 'Total Cost'?: unknown;
  readonly 'Plan Rows'?: unknown;
  readonly Plans?: unknown;
}

interface Bound {
  /** Rows the node can output per execution. */
  readonly rows: number;
  /** Rows processed by the node and everything under it, per execution. */
  readonly work: number;
}

const JOINS: ReadonlySet<string> = new Set(['Nested Loop', 'Hash Join', 'Merge Join']);
/** Nodes that output at most one row per group of their input (or one row, for a plain aggregate). */
const GROUPING: ReadonlySet<string> = new Set(['Aggregate', 'Group', 'Unique', 'SetOp']);

/**
 * @param explainJson the `QUERY PLAN` cell of `EXPLAIN (FORMAT JSON)`
 * @param visibleRows how many member-table rows this person can see (bounds every member-table scan)
 * @param memberTables names of the member tables (schema catalog)
 * @example planEstimate(plan, 54, new Set(['claims_history'])).work
 */
export function planEstimate(
  explainJson: unknown,
  visibleRows: number,
  memberTables: ReadonlySet<string>,
): PlanEstimate {
  const doc = typeof explainJson === 'string' ? (JSON.parse(explainJson) as unknown) : explainJson;
  const top = Array.isArray(doc) ? (doc[0] as { Plan?: unknown } | undefined)?.Plan : undefined;
  if (!isPlanNode(top)) throw new TypeError('unexpected EXPLAIN output');

  let maxCost = 0;
  let maxRows = 0;
  let nodes = 0;
  const ctes = new Map<string, PlanNode>();
  const stack: PlanNode[] = [top];
  while (stack.length > 0) {
    const node = stack.pop() as PlanNode;
    nodes += 1;
    maxCost = Math.max(maxCost, number(node['Total Cost']));
    maxRows = Math.max(maxRows, number(node['Plan Rows']));
    const name = node['Subplan Name'];
    if (typeof name === 'string' && name.startsWith('CTE ')) ctes.set(name.slice(4), node);
    stack.push(...children(node));
  }

  const cteBounds = new Map<string, Bound>();
  let cteWork = 0;
  const cteBound = (name: string, seen: ReadonlySet<string>): Bound => {
    const known = cteBounds.get(name);
    if (known) return known;
    const plan = ctes.get(name);
    // An unknown (or self-referencing) CTE is as large as the biggest thing the planner saw.
    if (!plan || seen.has(name)) return { rows: Math.max(maxRows, visibleRows), work: 0 };
    const b = bound(plan, new Set([...seen, name]));
    cteBounds.set(name, b);
    cteWork += b.work; // materialized once, whoever reads it
    return b;
  };

  const bound = (node: PlanNode, seenCtes: ReadonlySet<string>): Bound => {
    const type = String(node['Node Type']);
    const kids = children(node);
    const plans = kids.filter((k) => !isSubplan(k));
    // Init-plans run once; correlated sub-plans run once per row this node handles.
    let onceWork = 0;
    let perRowWork = 0;
    for (const k of kids) {
      const relation = k['Parent Relationship'];
      if (relation === 'InitPlan' && !isCte(k)) onceWork += bound(k, seenCtes).work;
      else if (relation === 'SubPlan') perRowWork += bound(k, seenCtes).work;
    }
    const inputs = plans.map((p) => bound(p, seenCtes));
    const own = ownBound(node, type, inputs, seenCtes);
    const handled = Math.max(own.rows, ...inputs.map((i) => i.rows));
    return { rows: own.rows, work: own.work + onceWork + handled * perRowWork };
  };

  const ownBound = (node: PlanNode, type: string, inputs: Bound[], seenCtes: ReadonlySet<string>): Bound => {
    const relation = node['Relation Name'];
    if (typeof relation === 'string') {
      const rows = memberTables.has(relation) ? visibleRows : Math.max(1, number(node['Plan Rows']));
      return { rows, work: rows };
    }
    if (type === 'CTE Scan' && typeof node['CTE Name'] === 'string') {
      const cte = cteBound(node['CTE Name'], seenCtes);
      return { rows: cte.rows, work: cte.rows };
    }
    const [outer, inner] = inputs;
    if (JOINS.has(type) && outer && inner) {
      const joinType = node['Join Type'];
      const rows =
        joinType === 'Semi' || joinType === 'Anti'
          ? outer.rows
          : outer.rows * Math.max(inner.rows, joinType === 'Left' || joinType === 'Full' ? 1 : 0) +
            (joinType === 'Full' || joinType === 'Right' ? inner.rows : 0);
      // Worst case whatever the strategy: the inner side read once per outer row (a nested loop
      // does; a hash or merge join does less). Strategy-independent on purpose: the strategy
      // follows whole-table statistics, and the bound should follow the family's claims only.
      return { rows, work: outer.work + outer.rows * inner.work + outer.rows * inner.rows };
    }
    if (inputs.length === 0) {
      // A leaf that is not a table: function, VALUES, Result, work table. Trust the planner.
      const rows = Math.max(1, number(node['Plan Rows']));
      return { rows, work: rows };
    }
    const inRows = inputs.reduce((sum, i) => sum + i.rows, 0);
    const inWork = inputs.reduce((sum, i) => sum + i.work, 0);
    const rows = GROUPING.has(type) && node.Strategy === 'Plain' ? 1 : inRows;
    return { rows, work: inWork + inRows };
  };

  const total = bound(top, new Set());
  return { maxCost, maxRows, work: total.work + cteWork, nodes };
}

function children(node: PlanNode): PlanNode[] {
  return Array.isArray(node.Plans) ? node.Plans.filter(isPlanNode) : [];
}

function isSubplan(node: PlanNode): boolean {
  const relation = node['Parent Relationship'];
  return relation === 'InitPlan' || relation === 'SubPlan';
}

function isCte(node: PlanNode): boolean {
  const name = node['Subplan Name'];
  return typeof name === 'string' && name.startsWith('CTE ');
}

function isPlanNode(value: unknown): value is PlanNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A number from the plan; anything unreadable counts as infinitely large, never as free. */
function number(value: unknown): number {
  return typeof value === 'number' && !Number.isNaN(value) ? value : Number.POSITIVE_INFINITY;
}
