/**
 * Reading an imported module's inner nodes, for composite blocks' import patterns
 * (`importPattern.params` in define.ts): the node of a relative name, and a scalar parameter.
 */
import type { GroupDef, ModelNode, ParamValue } from '../graph/types';

export function innerNode(def: GroupDef, name: string): ModelNode | undefined {
  return def.nodes.find((n) => n.name === name);
}

/** A number, or the common value of an equal pair ([3, 3] -> 3); undefined otherwise. */
export function scalarParam(v: ParamValue | undefined): number | undefined {
  return typeof v === 'number' ? v : Array.isArray(v) && v[0] === v[1] && typeof v[0] === 'number' ? v[0] : undefined;
}
