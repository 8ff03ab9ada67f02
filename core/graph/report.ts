/**
 * The per-layer table `cnn-studio info` prints and its JSON form, built from an analysis. Pure,
 * so the editor's summary panel and an ONNX import can produce the same report.
 */
import type { Analysis } from './analyze';
import type { Diagnostic, ReceptiveField } from './types';

export interface LayerRow {
  id: string;
  name: string;
  type: string;
  /** ['N', C, H, W]: batch is symbolic. null when the shape could not be inferred. */
  outputShape: (number | string)[] | null;
  params: number;
  macs: number;
  receptiveField: ReceptiveField | null;
}

export interface ModelReport {
  layers: LayerRow[];
  totals: { params: number; trainableParams: number; macs: number; activationBytes: number };
  diagnostics: Diagnostic[];
}

/**
 * Expanded (default): one row per primitive layer. Collapsed: one row per block as drawn, with
 * composites summed.
 */
export function modelReport(a: Analysis, opts: { collapsed?: boolean } = {}): ModelReport {
  const layers: LayerRow[] = [];
  if (opts.collapsed) {
    for (const r of a.nodes.values()) {
      const s = r.outShapes[0];
      layers.push({ id: r.id, name: r.name, type: r.type, outputShape: s ? ['N', ...s] : null, params: r.params, macs: r.macs, receptiveField: r.rf });
    }
  } else {
    for (const p of a.graph.nodes) {
      layers.push({ id: p.id, name: p.name, type: p.type, outputShape: ['N', ...p.outShapes[0]!], params: p.paramCount, macs: p.macs, receptiveField: p.rf });
    }
  }
  const t = a.totals;
  return {
    layers,
    totals: { params: t.params, trainableParams: t.trainableParams, macs: t.macs, activationBytes: t.activationBytes },
    diagnostics: a.diagnostics,
  };
}
