/**
 * core/export-pytorch: a studio model and its training recipe -> a runnable PyTorch project.
 *
 *   exportPytorch(doc, { projectName, recipe, weights? }): { files, warnings }
 *     files: model.py, train.py, export_onnx.py, README.md, requirements.txt, and
 *     weights.safetensors when weights are given (names = the module's state dict keys).
 *     Throws PytorchExportError (with `node`) for what PyTorch code cannot express, e.g. an
 *     imported ONNX operator without a PyTorch counterpart.
 *
 * Pure: the caller writes the files (main/commands/export-pytorch.ts).
 */
import { analyze } from '../graph/analyze';
import type { ModelDocument } from '../graph/types';
import { STUDIO_VERSION } from '../version';
import { PytorchExportError } from './errors';
import { exportOnnxPy } from './export-onnx-py';
import { modelPy } from './model-py';
import { readmeMd } from './readme';
import type { Recipe } from './recipe';
import { encodeSafetensors, type NamedTensor } from './safetensors';
import { trainPy } from './train-py';

export { PytorchExportError } from './errors';
export type { Recipe, ResizePolicy } from './recipe';
export { encodeSafetensors } from './safetensors';

export interface PytorchExportOptions {
  projectName: string;
  recipe: Recipe;
  /** Weights by studio name (a checkpoint's weights and running statistics). */
  weights?: ReadonlyMap<string, Float32Array>;
}

export interface PytorchFile {
  path: string;
  data: string | Uint8Array;
}

export interface PytorchExport {
  files: PytorchFile[];
  warnings: string[];
  /** The model class's name in model.py. */
  className: string;
}

export function exportPytorch(doc: ModelDocument, opts: PytorchExportOptions): PytorchExport {
  const a = analyze(doc);
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) {
    const d = errors[0]!;
    const node = d.node ? (doc.nodes.find((n) => n.id === d.node)?.name ?? d.node) : null;
    throw new PytorchExportError(`the model has ${errors.length} error${errors.length > 1 ? 's' : ''}; first: ${d.message}`, node);
  }
  // The name lands in docstrings: no quotes, backslashes (escapes) or line breaks there.
  const title = (opts.projectName || 'Model').replace(/["\\]/g, "'").replace(/\s+/g, ' ').trim() || 'Model';
  const model = modelPy(doc, a.graph, title, STUDIO_VERSION);
  const warnings: string[] = [];
  const files: PytorchFile[] = [
    { path: 'model.py', data: model.code },
    { path: 'train.py', data: trainPy(opts.recipe, title) },
    { path: 'export_onnx.py', data: exportOnnxPy() },
    { path: 'requirements.txt', data: 'torch>=1.13\nnumpy\nPillow\n' },
  ];
  if (opts.weights) {
    const tensors: NamedTensor[] = [];
    const missing: string[] = [];
    for (const w of a.graph.weights) {
      const data = opts.weights.get(w.name);
      if (data) tensors.push({ name: w.name, shape: w.shape, data });
      else missing.push(w.name);
    }
    if (missing.length)
      throw new PytorchExportError(
        `the checkpoint has no values for ${missing.length} weight${missing.length > 1 ? 's' : ''} of this model: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}`,
      );
    const used = new Set(a.graph.weights.map((w) => w.name));
    const extra = [...opts.weights.keys()].filter((k) => !used.has(k));
    if (extra.length)
      warnings.push(
        `the checkpoint has ${extra.length} tensor${extra.length > 1 ? 's' : ''} this model does not use (${extra.slice(0, 3).join(', ')}${extra.length > 3 ? ', ...' : ''})`,
      );
    files.push({ path: 'weights.safetensors', data: encodeSafetensors(tensors, { format: 'pt', producer: `CNN Studio ${STUDIO_VERSION}` }) });
  }
  files.push({ path: 'README.md', data: readmeMd(title, opts.recipe, opts.weights !== undefined, STUDIO_VERSION) });
  return { files, warnings, className: model.className };
}
