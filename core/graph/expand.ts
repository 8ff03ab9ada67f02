import { analyze } from './analyze';
import type { ExpandedGraph } from './expanded';
import type { ModelDocument } from './types';

/**
 * The document expanded to primitives (composites and groups replaced by what they contain),
 * with shapes and weights. Check `ok` (or `diagnostics`) before exporting or training.
 */
export function expandGraph(doc: ModelDocument): ExpandedGraph {
  return analyze(doc).graph;
}
