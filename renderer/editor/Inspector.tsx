import { getBlock, resolveParams } from '../../core/blocks/index';
import { useAnalysis } from '../state/analysis';
import { useDoc } from '../state/document';
import { PrimInspector } from './PrimInspector';
import { NodeInspector } from './NodeInspector';
import { SelectionInspector } from './SelectionInspector';
import { DocumentOverview } from './DocumentOverview';

/** The right panel's editor for whatever is selected. */
export function Inspector() {
  const selection = useDoc((s) => s.selection);
  const node = useDoc((s) => (s.selection.length === 1 ? s.doc.nodes.find((n) => n.id === s.selection[0]) : undefined));
  const prim = useAnalysis((s) => (selection.length === 1 ? s.primById.get(selection[0]!) : undefined));
  if (selection.length > 1) return <SelectionInspector ids={selection} />;
  if (node) {
    const block = getBlock(node.type);
    const params = block ? resolveParams(block.params, node.params).params : node.params;
    return <NodeInspector node={node} params={params} />;
  }
  if (prim && selection[0]?.includes('/')) return <PrimInspector prim={prim} />;
  return <DocumentOverview />;
}
