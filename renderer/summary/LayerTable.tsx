import { useMemo, useState } from 'react';
import { useReactFlow } from '@xyflow/react';
import { useAnalysis } from '../state/analysis';
import { useDoc } from '../state/document';
import { compact, shapeText, thousands } from '../format';

interface Row {
  id: string;
  name: string;
  type: string;
  shape: string;
  params: number;
  macs: number;
  rf: string;
  depth: number;
}

/** Per-layer table: blocks, or every primitive inside composites too (like torchinfo). */
export function LayerTable() {
  const analysis = useAnalysis((s) => s.analysis);
  const primsByOrigin = useAnalysis((s) => s.primsByOrigin);
  const doc = useDoc((s) => s.doc);
  const selection = useDoc((s) => s.selection);
  const [all, setAll] = useState(false);
  const rf = useReactFlow();
  const rows = useMemo(() => {
    const out: Row[] = [];
    // Dependency order: the order primitives were inferred in, then blocks that failed.
    const seen = new Set<string>();
    const order: string[] = [];
    for (const p of analysis.graph.nodes)
      if (!seen.has(p.origin)) {
        seen.add(p.origin);
        order.push(p.origin);
      }
    for (const n of doc.nodes) if (!seen.has(n.id)) order.push(n.id);
    for (const id of order) {
      const r = analysis.nodes.get(id);
      if (!r) continue;
      out.push({
        id,
        name: r.name,
        type: r.type,
        shape: r.outShapes.map((s) => shapeText(s)).join(', '),
        params: r.params,
        macs: r.macs,
        rf: r.rf ? String(r.rf.size) : '—',
        depth: 0,
      });
      const prims = primsByOrigin.get(id);
      if (all && prims && (prims.length > 1 || prims[0]?.id !== id)) {
        for (const p of prims)
          out.push({
            id: p.id,
            name: p.name,
            type: p.type,
            shape: p.outShapes.map((s) => shapeText(s)).join(', '),
            params: p.paramCount,
            macs: p.macs,
            rf: String(p.rf.size),
            depth: 1,
          });
      }
    }
    return out;
  }, [analysis, primsByOrigin, doc.nodes, all]);
  const selected = new Set(selection);
  return (
    <section className="layer-table-wrap">
      <div className="section-head">
        <h3>Layers</h3>
        <label className="toggle">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} data-testid="all-layers" /> inside composites
        </label>
      </div>
      <div className="layer-scroll">
        <table className="layer-table" data-testid="layer-table">
          <thead>
            <tr>
              <th>Layer</th>
              <th>Output</th>
              <th className="num">Params</th>
              <th className="num">MACs</th>
              <th className="num" title="Receptive field (px)">
                RF
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={r.id}
                className={`${selected.has(r.id) ? 'selected' : ''} depth-${r.depth}`}
                data-testid={`layer-row-${r.name}`}
                onClick={() => {
                  useDoc.getState().select([r.id]);
                  const n = rf.getInternalNode(r.id);
                  if (!n) return;
                  // Frames can be tall: bring their top into view, not their middle.
                  const w = n.measured.width ?? 212;
                  const h = n.measured.height ?? 60;
                  void rf.setCenter(n.internals.positionAbsolute.x + w / 2, n.internals.positionAbsolute.y + Math.min(h / 2, 320), {
                    zoom: Math.max(rf.getZoom(), 0.7),
                    duration: 250,
                  });
                }}
              >
                <td title={`${r.name} (${r.type})`}>
                  <span className="layer-name">{r.depth ? r.name.slice(r.name.indexOf('.') + 1) : r.name}</span>
                </td>
                <td className="mono">{r.shape}</td>
                <td className="num" title={thousands(r.params)}>
                  {r.params ? compact(r.params) : ''}
                </td>
                <td className="num">{r.macs ? compact(r.macs) : ''}</td>
                <td className="num">{r.rf}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
