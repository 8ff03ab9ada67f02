/** Loads the PyTorch reference fixtures (test/fixtures/<model>/manifest.json + tensors.bin). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface TensorEntry {
  offset: number;
  bytes: number;
  shape: number[];
  dtype: 'float32' | 'int64';
}

export interface OptimizerFixture {
  config: { lr: number; momentum?: number; weight_decay?: number; nesterov?: boolean; betas?: [number, number]; eps?: number };
  steps: number;
  losses: number[];
  params_after: Record<string, TensorEntry>;
}

export interface Manifest {
  model: string;
  torch_source: string;
  input: TensorEntry;
  labels: TensorEntry;
  params: Record<string, TensorEntry>;
  eval_logits: TensorEntry;
  train_step: {
    logits: TensorEntry;
    loss: number;
    grads: Record<string, TensorEntry>;
    buffers_after: Record<string, TensorEntry>;
  };
  optimizers: Record<'sgd' | 'sgd_nesterov' | 'adam' | 'adamw', OptimizerFixture>;
}

export const FIXTURE_MODELS = ['lenet5', 'lenet5_classic', 'alexnet_mini', 'vgg_mini', 'googlenet_mini', 'resnet_mini'] as const;
export type FixtureModel = (typeof FIXTURE_MODELS)[number];
/** mobile_mini (test/fixtures/make_mobile_mini.py) is checked through the studio's document in mobile-fixture.test.ts. */
export type FixtureName = FixtureModel | 'mobile_mini';

export class Fixture<M extends FixtureName = FixtureModel> {
  readonly manifest: Manifest;
  private readonly bin: Buffer;

  constructor(readonly model: M) {
    const dir = fileURLToPath(new URL(`../fixtures/${model}/`, import.meta.url));
    this.manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    this.bin = readFileSync(join(dir, 'tensors.bin'));
  }

  f32(e: TensorEntry): Float32Array {
    const copy = new Uint8Array(e.bytes);
    copy.set(this.bin.subarray(e.offset, e.offset + e.bytes));
    return new Float32Array(copy.buffer);
  }

  i64(e: TensorEntry): BigInt64Array {
    const copy = new Uint8Array(e.bytes);
    copy.set(this.bin.subarray(e.offset, e.offset + e.bytes));
    return new BigInt64Array(copy.buffer);
  }

  /** Float parameters and buffers by PyTorch name (num_batches_tracked left out). */
  params(): Map<string, Float32Array> {
    const m = new Map<string, Float32Array>();
    for (const [k, e] of Object.entries(this.manifest.params)) if (e.dtype === 'float32') m.set(k, this.f32(e));
    return m;
  }
}

export interface Comparison {
  maxAbs: number;
  maxRel: number;
  /** maxAbs / max |expected|: the error relative to the tensor's scale. */
  scaleRel: number;
  /** Elements failing |a - b| <= atol + rtol * |b|. */
  bad: number;
}

export function compare(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number): Comparison {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let maxAbs = 0;
  let maxRel = 0;
  let bad = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    maxAbs = Math.max(maxAbs, d);
    maxRel = Math.max(maxRel, d / Math.max(Math.abs(expected[i]!), 1e-3 * scale, 1e-12));
    if (!(d <= atol + rtol * Math.abs(expected[i]!))) bad++;
  }
  return { maxAbs, maxRel, bad, scaleRel: maxAbs / Math.max(scale, 1e-30) };
}
