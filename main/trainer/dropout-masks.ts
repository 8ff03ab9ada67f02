/**
 * Dropout masks fed to the train-step graph ('mask-input' mode): the trainer draws them from an
 * RNG seeded by (seed, epoch, step, mask), so a resumed run drops the same units as an
 * uninterrupted one (the graph's own RandomUniformLike would restart with every new session).
 * Each element is 0 with probability p, else 1 / (1 - p) (nn.Dropout's scaling).
 */
import * as ort from 'onnxruntime-node';
import { createRng } from '../../core/data/rng';
import { seedOf } from '../../core/data/hash';
import type { ExpandedGraph } from '../../core/graph/index';
import type { ValueInfo } from '../../core/onnx/ir';
import { TrainError } from './run-folder';

const DROPOUT_TAG = 0x4452;

export interface MaskSpec {
  name: string;
  p: number;
  shape: number[];
  size: number;
}

/** Masks the graph expects; every other extra input is an error (the trainer cannot feed it). */
export function maskSpecs(extraInputs: readonly ValueInfo[], expanded: ExpandedGraph, batch: number): MaskSpec[] {
  const probs = new Map<string, number>();
  // Stochastic depth's masks are dropout masks of shape [N, 1, 1, 1]: one draw per sample.
  for (const p of expanded.nodes) if (p.type === 'dropout' || p.type === 'stochasticdepth') probs.set(`${p.name}.mask`, Number(p.params.p));
  // Frozen weights are extra inputs too; the runner feeds those itself.
  const weights = new Set(expanded.weights.map((w) => w.name));
  return extraInputs
    .filter((v) => !weights.has(v.name))
    .map((v) => {
      const p = probs.get(v.name);
      if (p === undefined) throw new TrainError('bad-model', `the training graph has an input "${v.name}" the trainer does not know how to feed`);
      const shape = v.shape.map((d) => (typeof d === 'number' ? d : batch));
      return { name: v.name, p, shape, size: shape.reduce((a, b) => a * b, 1) };
    });
}

export function drawMasks(specs: readonly MaskSpec[], seed: number, epoch: number, step: number): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  specs.forEach((s, i) => {
    const rng = createRng(seedOf(seed, epoch, step, DROPOUT_TAG, i));
    const keep = 1 / (1 - s.p);
    const data = new Float32Array(s.size);
    for (let k = 0; k < s.size; k++) data[k] = rng.next() < s.p ? 0 : keep;
    out[s.name] = new ort.Tensor('float32', data, s.shape);
  });
  return out;
}
