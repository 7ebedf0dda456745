/**
 * The resource dependency graph of a CloudFormation template, as CloudFormation builds it: an edge
 * A → B when A's properties (or other attributes) use `Ref: B`, `Fn::GetAtt: [B, …]`, a `${B}` or
 * `${B.Attr}` inside `Fn::Sub`, or when A names B in `DependsOn`. CloudFormation refuses a template
 * whose graph has a cycle (validator rule F3004), so the template test asserts there is none.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface TemplateLike {
  Resources: Record<string, object>;
}

/** `${Name}` / `${Name.Attr}` in a Sub string; `${!Literal}` is an escape, not a reference. */
const SUB_REFERENCE = /\$\{(?!!)([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g;

function referencesIn(value: Json | undefined, names: ReadonlySet<string>, out: Set<string>): void {
  if (value === null || value === undefined || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) referencesIn(item, names, out);
    return;
  }
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'Ref' && typeof inner === 'string' && names.has(inner)) out.add(inner);
    if (key === 'Fn::GetAtt') {
      const target = Array.isArray(inner) ? inner[0] : typeof inner === 'string' ? inner.split('.')[0] : undefined;
      if (typeof target === 'string' && names.has(target)) out.add(target);
    }
    if (key === 'Fn::Sub') {
      const text = Array.isArray(inner) ? inner[0] : inner;
      if (typeof text === 'string') {
        for (const m of text.matchAll(SUB_REFERENCE)) if (names.has(m[1] as string)) out.add(m[1] as string);
      }
      // The variable map of the two-argument form may hold references too.
      if (Array.isArray(inner)) referencesIn(inner[1], names, out);
      continue;
    }
    referencesIn(inner, names, out);
  }
}

/** For each resource, the resources it depends on. */
export function dependencyGraph(template: TemplateLike): Map<string, Set<string>> {
  const names = new Set(Object.keys(template.Resources));
  const graph = new Map<string, Set<string>>();
  for (const [name, resource] of Object.entries(template.Resources)) {
    const deps = new Set<string>();
    for (const [key, value] of Object.entries(resource as Record<string, Json>)) {
      if (key === 'DependsOn') {
        for (const d of Array.isArray(value) ? value : [value]) if (typeof d === 'string' && names.has(d)) deps.add(d);
      } else if (key !== 'Type') {
        referencesIn(value, names, deps);
      }
    }
    deps.delete(name);
    graph.set(name, deps);
  }
  return graph;
}

/**
 * Every cycle's members as one path each (A → B → … → A), found by depth-first search; empty when
 * the graph is acyclic.
 *
 * @example
 * findCycles({ Resources: { A: { Type: 'X', Properties: { P: { Ref: 'B' } } }, B: { Type: 'X', DependsOn: 'A' } } });
 * // [['A', 'B', 'A']]
 */
export function findCycles(template: TemplateLike): string[][] {
  const graph = dependencyGraph(template);
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string) => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      const seen = state.get(next);
      if (seen === 'visiting') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (seen === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}
