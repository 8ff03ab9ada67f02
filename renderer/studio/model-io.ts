/**
 * The two blocks the training side reads and fixes in the model: its Input (size, colour) and its
 * Output (class count). Edits go through the document's history, so they can be undone.
 */
import type { DatasetScan } from '../../core/api';
import type { ModelDocument, ModelNode } from '../../core/graph/types';
import { useDoc } from '../state/document';
import { setParam } from '../state/ops';

export function inputBlock(doc: ModelDocument): ModelNode | null {
  return doc.nodes.find((n) => n.type === 'input') ?? null;
}

export function outputBlock(doc: ModelDocument): ModelNode | null {
  return doc.nodes.find((n) => n.type === 'output') ?? null;
}

export function inputSize(doc: ModelDocument): { channels: number; height: number; width: number } | null {
  const n = inputBlock(doc);
  if (!n) return null;
  return { channels: Number(n.params['channels']), height: Number(n.params['height']), width: Number(n.params['width']) };
}

export function outputClasses(doc: ModelDocument): number | null {
  const n = outputBlock(doc);
  return n ? Number(n.params['classes']) : null;
}

/**
 * Why a scanned folder cannot train a classifier (null: it can). A classifier needs two classes;
 * the model is never fitted to fewer, so fixing the folder does not also mean fixing the model.
 */
export function datasetProblem(scan: Pick<DatasetScan, 'classes'>): string | null {
  const n = scan.classes.length;
  if (n === 0) return 'The dataset has no class folders with images: a classifier needs at least two (one sub-folder per class).';
  if (n === 1) return `The dataset has one class (${scan.classes[0]!.name}): a classifier needs at least two (one sub-folder per class).`;
  return null;
}

/** Sets Input to the dataset's size/colour and Output to its class count, as one undo step. */
export function matchModelToData(want: { channels?: number; height?: number; width?: number; classes?: number }): void {
  let doc = useDoc.getState().doc;
  const inp = inputBlock(doc);
  if (inp) {
    for (const k of ['channels', 'height', 'width'] as const) {
      const v = want[k];
      if (v !== undefined && Number(inp.params[k]) !== v) doc = setParam(doc, inp.id, k, v);
    }
  }
  const out = outputBlock(doc);
  if (out && want.classes !== undefined && Number(out.params['classes']) !== want.classes) doc = setParam(doc, out.id, 'classes', want.classes);
  if (doc !== useDoc.getState().doc) useDoc.getState().commit(doc);
}
