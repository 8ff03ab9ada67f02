/** Normalisation. Gradient math: train/grad/batchnormalization.ts, batchnormtrain.ts, lrn.ts. */
import { importMappers } from '../onnx/import-ops';
import { batchNormalizationGrad } from '../train/grad/batchnormalization';
import { batchNormTrainGrad } from '../train/grad/batchnormtrain';
import { lrnGrad } from '../train/grad/lrn';
import { float, int } from './attributes';
import { sameShape } from './define';
import type { OpRecord } from './types';

/**
 * BatchNormalization: y has x's shape; the optional outputs (running mean / var) are [C]. Batch
 * norm in training mode mixes the samples (its statistics are over the batch), so it has no
 * per-sample entry: the training graphs lower it to explicit statistics (prepare.ts).
 */
export const batchNormalization: OpRecord = {
  type: 'BatchNormalization',
  attrs: { epsilon: float(1e-5), momentum: float(0.9), training_mode: int(0) },
  shape: (c) => {
    const s = c.get(0);
    c.set(0, { dtype: s.dtype, shape: [...s.shape] });
    for (let i = 1; i < c.node.outputs.length; i++) c.set(i, { dtype: s.dtype, shape: [s.shape[1]!] });
  },
  grad: batchNormalizationGrad,
  import: importMappers.batchNormalization,
};

/** The engine's pseudo-op for batch norm over its own batch statistics, differentiated as one unit (fuse-bn.ts). */
export const batchNormTrain: OpRecord = { type: 'BatchNormTrain', grad: batchNormTrainGrad, differentiable: [0, 1, 2] };

export const instanceNormalization: OpRecord = { type: 'InstanceNormalization', attrs: { epsilon: float(1e-5) }, shape: sameShape };

/** LRN: each position normalised over `size` neighbouring channels of the same sample. */
export const lrn: OpRecord = {
  type: 'LRN',
  attrs: { size: int(1), alpha: float(1e-4), beta: float(0.75), bias: float(1) },
  shape: sameShape,
  grad: lrnGrad,
  differentiable: [0],
  perSample: true,
  import: importMappers.lrn,
};
