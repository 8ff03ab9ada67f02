/**
 * Calibration for static int8 quantization: runs the float model on calibration images with the
 * activations to quantize added as graph outputs, and turns what it sees into one range per
 * tensor (core/quant/calibrate.ts). percentile and entropy take a second pass over the same
 * images (the first pass fixes each histogram's span).
 */
import * as ort from 'onnxruntime-node';
import type { Model } from '../../core/onnx/ir';
import { encodeModel } from '../../core/onnx/proto';
import { RangeObserver, type CalibrationMethod, type Range } from '../../core/quant/calibrate';

/** Calibration images, already preprocessed as the model expects: [n, C, H, W] float32 batches. */
export interface CalibrationBatches {
  batches: Float32Array[];
  /** [C, H, W] */
  shape: [number, number, number];
  images: number;
}

/** The model with each tensor in `tensors` also exposed as a graph output. */
function withTensorOutputs(model: Model, tensors: readonly string[]): Model {
  const known = new Set(model.graph.outputs.map((o) => o.name));
  const extra = tensors.filter((t) => !known.has(t)).map((name) => ({ name, dtype: 'float32' as const, shape: [], shapeKnown: false }));
  return { ...model, graph: { ...model.graph, outputs: [...model.graph.outputs, ...extra] } };
}

export async function calibrateRanges(
  model: Model,
  tensors: readonly string[],
  data: CalibrationBatches,
  method: CalibrationMethod,
  threads = 2,
): Promise<Map<string, Range>> {
  const inputName = model.graph.inputs[0]!.name;
  const session = await ort.InferenceSession.create(encodeModel(withTensorOutputs(model, tensors)), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'basic',
  });
  const observers = new Map(tensors.map((t) => [t, new RangeObserver()]));
  const pass = async (observe: (o: RangeObserver, v: Float32Array) => void): Promise<void> => {
    for (const b of data.batches) {
      const n = b.length / (data.shape[0] * data.shape[1] * data.shape[2]);
      const out = await session.run({ [inputName]: new ort.Tensor('float32', b, [n, ...data.shape]) }, [...tensors]);
      for (const t of tensors) observe(observers.get(t)!, out[t]!.data as Float32Array);
    }
  };
  try {
    await pass((o, v) => o.observeMinMax(v));
    if (method !== 'minmax') {
      for (const o of observers.values()) o.beginHistogram(method);
      await pass((o, v) => o.observeHistogram(v));
    }
  } finally {
    await session.release();
  }
  return new Map(tensors.map((t) => [t, observers.get(t)!.range(method)]));
}
