/**
 * model.onnx of a run: the best weights as a deployable inference model, through the ONNX
 * exporter (core/onnx/export), with the metadata predict needs (classes, size, colour, mean/std).
 */
import { exportOnnx } from '../../core/onnx/export';
import { encodeModel } from '../../core/onnx/proto';
import type { ModelDocument } from '../../core/graph/index';
import { atomicWrite } from '../fs/atomic-write';
import type { Preprocessing } from './run-folder';

export async function writeInferenceModel(
  file: string,
  doc: ModelDocument,
  weights: ReadonlyMap<string, Float32Array>,
  classes: string[],
  pre: Preprocessing,
  modelName: string,
): Promise<string[]> {
  const r = exportOnnx(doc, {
    weights,
    classNames: classes,
    colorMode: pre.colorMode,
    mean: pre.mean,
    std: pre.std,
    resize: pre.resize,
    modelName: modelName || 'cnn_studio_model',
  });
  await atomicWrite(file, encodeModel(r.model));
  return r.warnings.filter((w) => !/dropout/i.test(w));
}
