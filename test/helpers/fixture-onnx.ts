/** Reads the PyTorch reference fixtures (test/fixtures/<model>/) for the ONNX tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures', import.meta.url));

export const FIXTURE_MODELS = ['lenet5', 'lenet5_classic', 'alexnet_mini', 'vgg_mini', 'googlenet_mini', 'resnet_mini'] as const;
export type FixtureModel = (typeof FIXTURE_MODELS)[number];

export interface TensorEntry {
  offset: number;
  bytes: number;
  shape: number[];
  dtype: 'float32' | 'int64';
}

export interface FixtureTensor {
  shape: number[];
  data: Float32Array;
}

export interface Fixture {
  name: FixtureModel;
  dir: string;
  onnxPath: string;
  input: FixtureTensor;
  evalLogits: FixtureTensor;
  labels: BigInt64Array;
  /** Initial parameters and batch-norm buffers by PyTorch name (num_batches_tracked left out). */
  params: Map<string, FixtureTensor>;
  paramCount: number;
}

interface Manifest {
  input: TensorEntry;
  labels: TensorEntry;
  eval_logits: TensorEntry;
  params: Record<string, TensorEntry>;
  param_count: number;
}

function f32(bin: Buffer, e: TensorEntry): FixtureTensor {
  const copy = new Uint8Array(e.bytes);
  copy.set(bin.subarray(e.offset, e.offset + e.bytes));
  return { shape: e.shape, data: new Float32Array(copy.buffer) };
}

const cache = new Map<FixtureModel, Fixture>();

export function loadFixture(name: FixtureModel): Fixture {
  const hit = cache.get(name);
  if (hit) return hit;
  const dir = join(FIXTURE_DIR, name);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const bin = readFileSync(join(dir, 'tensors.bin'));
  const params = new Map<string, FixtureTensor>();
  for (const [k, e] of Object.entries(manifest.params)) if (e.dtype === 'float32') params.set(k, f32(bin, e));
  const fx: Fixture = {
    name,
    dir,
    onnxPath: join(dir, 'model.onnx'),
    input: f32(bin, manifest.input),
    evalLogits: f32(bin, manifest.eval_logits),
    labels: new BigInt64Array(Uint8Array.from(bin.subarray(manifest.labels.offset, manifest.labels.offset + manifest.labels.bytes)).buffer),
    params,
    paramCount: manifest.param_count,
  };
  cache.set(name, fx);
  return fx;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
