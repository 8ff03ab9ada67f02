/**
 * Shared by the graph passes that rewrite nodes after the train step is built (NCHWc convs, dead
 * conv taps, small-map convs): names that collide with nothing already in the graph, and the int64
 * shape constants those passes add as initializers.
 */
import type { Graph, Tensor } from '../onnx/ir';
import type { ShapeInfo } from './shape-infer';

export interface RewriteNames {
  /** `base`, or `base_1`, `base_2`, ... : the first not yet used by a value or node. */
  fresh(base: string): string;
  /** A new 1-D int64 initializer; recorded in `info` (shape and value) when one was given. */
  i64(base: string, values: number[]): string;
  /** The initializers this pass added, to append to the graph's. */
  readonly inits: Tensor[];
}

export function rewriteNames(graph: Graph, info?: ShapeInfo): RewriteNames {
  const used = new Set<string>([...graph.inputs.map((v) => v.name), ...graph.initializers.map((t) => t.name)]);
  for (const n of graph.nodes) {
    used.add(n.name);
    for (const o of n.outputs) used.add(o);
  }
  const inits: Tensor[] = [];
  const fresh = (base: string): string => {
    let name = base;
    for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  };
  const i64 = (base: string, values: number[]): string => {
    const name = fresh(base);
    inits.push({ name, dtype: 'int64', dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
    info?.consts.set(name, values);
    info?.shapes.set(name, { dtype: 'int64', shape: [values.length] });
    return name;
  };
  return { fresh, i64, inits };
}
