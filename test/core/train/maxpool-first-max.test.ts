/**
 * MaxPool backward without the Indices output (core/train/grad/maxpool-first-max.ts), checked
 * against two references on every window configuration the Indices route handles:
 * - tie-heavy inputs (ReLU zeros, a few quantised levels): a direct implementation of PyTorch's rule
 *   (each window's gradient to its first maximum, row-major; padding never wins) in plain loops,
 *   and ORT's own routing (the Indices route, ScatterElements/MaxUnpool of the Indices output);
 * - distinct inputs: central finite differences (test/helpers/finite-differences.ts).
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../core/onnx/builder';
import { buildBackward } from '../../../core/train/autodiff';
import type { GradOptions } from '../../../core/train/grad/types';
import { buildStudioTrainStep } from '../../../core/train/studio';
import { buildTemplate } from '../../../core/templates/index';
import { makeModel } from '../../../core/train/build-train-step';
import { inferShapes } from '../../../core/train/shape-infer';
import { pooledSize } from '../../../core/train/attrs';
import { poolSignature } from '../../../core/train/grad/maxpool-first-max';
import { createSession, f32 } from '../../../main/trainer/ort-session';
import { fdCheck, rng } from '../../helpers/finite-differences';

interface PoolCase {
  name: string;
  x: number[];
  k: [number, number];
  s: [number, number];
  pads?: [number, number, number, number];
  d?: [number, number];
  ceil?: boolean;
}

const CASES: PoolCase[] = [
  { name: 'LeNet 2/2', x: [3, 6, 28, 28], k: [2, 2], s: [2, 2] },
  { name: '2/2 odd input (uncovered row and column)', x: [2, 2, 7, 9], k: [2, 2], s: [2, 2] },
  { name: 'ResNet 3/2 pad 1', x: [2, 3, 16, 16], k: [3, 3], s: [2, 2], pads: [1, 1, 1, 1] },
  { name: 'AlexNet 3/2 overlapping', x: [2, 3, 15, 15], k: [3, 3], s: [2, 2] },
  { name: 'GoogLeNet 3/2 ceil', x: [2, 3, 16, 16], k: [3, 3], s: [2, 2], ceil: true },
  { name: '3/1 pad 1 ceil (inception branch)', x: [1, 2, 5, 6], k: [3, 3], s: [1, 1], pads: [1, 1, 1, 1], ceil: true },
  { name: '2/2 ceil overhang', x: [1, 2, 7, 7], k: [2, 2], s: [2, 2], ceil: true },
  { name: '2/2 ceil asymmetric pads', x: [1, 2, 7, 7], k: [2, 2], s: [2, 2], pads: [1, 0, 0, 1], ceil: true },
  { name: 'dilation 2', x: [1, 2, 9, 8], k: [2, 3], s: [1, 2], d: [2, 2] },
  { name: 'stride > kernel', x: [1, 2, 10, 10], k: [2, 2], s: [3, 3] },
  { name: '3x2 kernel 3/2 strides', x: [2, 2, 9, 8], k: [3, 2], s: [3, 2] },
  { name: '1x2 kernel 1/2 strides', x: [2, 3, 5, 9], k: [1, 2], s: [1, 2] },
  { name: '2x1 kernel 2/1 strides', x: [2, 3, 9, 4], k: [2, 1], s: [2, 1] },
];

/** The non-overlapping 2-D windows of at most 4 positions: the strided-slice route by default. */
const SLICE_CASES = new Set(['LeNet 2/2', '2/2 odd input (uncovered row and column)', '1x2 kernel 1/2 strides', '2x1 kernel 2/1 strides']);

/** A measured-routes table choosing the slice route for this case's pool. */
function sliceRoutes(c: PoolCase): GradOptions['maxPoolRoutes'] {
  const p = { kernel: c.k, strides: c.s, pads: c.pads ?? [0, 0, 0, 0], dilations: c.d ?? [1, 1], ceil: !!c.ceil };
  return { [poolSignature(c.x, p)]: 'slices' };
}

function attrs(c: PoolCase): Record<string, number | number[]> {
  return { kernel_shape: c.k, strides: c.s, pads: c.pads ?? [0, 0, 0, 0], dilations: c.d ?? [1, 1], ceil_mode: c.ceil ? 1 : 0 };
}

function outSize(c: PoolCase): [number, number] {
  const p = c.pads ?? [0, 0, 0, 0];
  const d = c.d ?? [1, 1];
  return [0, 1].map((i) => pooledSize(c.x[i + 2]!, c.k[i]!, c.s[i]!, d[i]!, p[i]!, p[i + 2]!, !!c.ceil)) as [number, number];
}

/** PyTorch's max_pool2d backward: dy of each window to its first (row-major) maximum among real elements. */
function referenceGrad(c: PoolCase, x: Float32Array, dy: Float32Array): Float32Array {
  const [n, ch, h, w] = c.x as [number, number, number, number];
  const [ho, wo] = outSize(c);
  const p = c.pads ?? [0, 0, 0, 0];
  const d = c.d ?? [1, 1];
  const dx = new Float32Array(x.length);
  for (let plane = 0; plane < n * ch; plane++) {
    for (let i = 0; i < ho; i++) {
      for (let j = 0; j < wo; j++) {
        let best = -1;
        for (let a = 0; a < c.k[0]; a++) {
          for (let b = 0; b < c.k[1]; b++) {
            const r = i * c.s[0] - p[0]! + a * d[0]!;
            const q = j * c.s[1] - p[1]! + b * d[1]!;
            if (r < 0 || r >= h || q < 0 || q >= w) continue;
            const idx = plane * h * w + r * w + q;
            if (best < 0 || x[idx]! > x[best]!) best = idx;
          }
        }
        dx[best] = dx[best]! + dy[plane * ho * wo + i * wo + j]!;
      }
    }
  }
  return dx;
}

/** dx of y = MaxPool(x) for the seed dy, on the CPU, with or without the Indices output. */
async function poolGrad(c: PoolCase, withIndices: boolean, x: Float32Array, dy: Float32Array, options: GradOptions = {}): Promise<Float32Array> {
  const g = new GraphBuilder('pool');
  g.input('x', 'float32', c.x);
  const ys = [c.x[0]!, c.x[1]!, ...outSize(c)];
  g.input('dy', 'float32', ys);
  const y = g.op('MaxPool', ['x'], attrs(c), { outputs: withIndices ? 2 : 1 })[0]!;
  const fwd = g.build();
  const info = inferShapes({ ...fwd, nodes: [...fwd.nodes] });
  const back = buildBackward({ graph: { ...fwd, nodes: [...g.nodes] }, info, seeds: { [y]: 'dy' }, wrt: ['x'], builder: g, options });
  const dx = g.fresh('dx');
  g.nodes.push({ name: g.fresh('id'), opType: 'Identity', inputs: [back.grads.get('x')!], outputs: [dx], attributes: {} });
  g.output(dx, 'float32', c.x);
  if (!withIndices) {
    const ops = new Set(g.nodes.map((nd) => nd.opType));
    for (const banned of ['ScatterElements', 'MaxUnpool', 'GatherElements']) expect(ops.has(banned), `${banned} in the Indices-free backward`).toBe(false);
    // The slice route has no Transpose; the block route (its alternative) moves windows by one.
    if (SLICE_CASES.has(c.name)) expect(ops.has('Transpose'), 'Transpose in the backward').toBe(options.maxPoolSlices === false);
    // The column route's col2im is a ConvTranspose; the slice route has none.
    if (options.maxPoolRoutes) expect(ops.has('ConvTranspose'), 'ConvTranspose in the measured slice route').toBe(false);
  }
  const s = await createSession(makeModel(g.build(), 'pool grad'));
  try {
    const out = await s.run({ x: f32(x, c.x), dy: f32(dy, ys) });
    return out[dx]!.data as Float32Array;
  } finally {
    await s.release();
  }
}

/** Ties everywhere: ReLU'd values on 3 levels (2/3 of them zero), so most windows hold equal maxima. */
function tieHeavy(n: number, r: () => number): Float32Array {
  return Float32Array.from({ length: n }, () => Math.max(0, Math.floor(r() * 6) - 3) * 0.5);
}

describe('MaxPool backward without Indices', () => {
  const routes = [
    ...CASES.map((c) => [c.name, c, {}] as const),
    // The block route, which the slice route replaced for these shapes (GradOptions.maxPoolSlices).
    ...CASES.filter((c) => SLICE_CASES.has(c.name)).map((c) => [`${c.name} (block route)`, c, { maxPoolSlices: false }] as const),
    // The slice route where a CPU measured it faster (GradOptions.maxPoolRoutes): overlapping, padded, ceil.
    ...CASES.filter((c) => !c.d && !SLICE_CASES.has(c.name)).map((c) => [`${c.name} (measured: slice route)`, c, { maxPoolRoutes: sliceRoutes(c) }] as const),
  ];
  it.each(routes)('%s: ties go to the first maximum (PyTorch rule and ORT Indices)', async (_n, c, options: GradOptions) => {
    const r = rng(7);
    const x = tieHeavy(
      c.x.reduce((a, b) => a * b, 1),
      r,
    );
    const [ho, wo] = outSize(c);
    const dy = Float32Array.from({ length: c.x[0]! * c.x[1]! * ho * wo }, () => r() * 2 - 1);
    const got = await poolGrad(c, false, x, dy, options);
    const want = referenceGrad(c, x, dy);
    const ort = await poolGrad(c, true, x, dy);
    let worst = 0;
    let worstOrt = 0;
    for (let i = 0; i < want.length; i++) {
      worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
      worstOrt = Math.max(worstOrt, Math.abs(got[i]! - ort[i]!));
    }
    // Overlapping windows add a few dy terms per element in another order: float32 rounding only.
    expect(worst, 'vs the PyTorch rule').toBeLessThan(1e-6);
    expect(worstOrt, 'vs the Indices route').toBeLessThan(1e-6);
  });

  it.each(CASES.filter((c) => c.x.reduce((a, b) => a * b, 1) < 2000).map((c) => [c.name, c] as const))('%s: finite differences', async (_n, c) => {
    const res = await fdCheck({
      name: c.name,
      inputs: [{ shape: c.x, gen: 'distinct' }],
      build: (g, [x]) => g.op1('MaxPool', [x!], attrs(c)),
    });
    expect(res.failures, res.failures.join('\n')).toEqual([]);
    expect(res.checked).toBeGreaterThan(0);
  });
});

describe('train-step builder: which pools compute Indices', () => {
  const doc = buildTemplate('lenet5', { input: [1, 28, 28], classes: 10 });
  const pools = (grad: GradOptions): number[] =>
    buildStudioTrainStep(doc, { batchSize: 8, optimizer: { kind: 'sgd', momentum: 0.9 }, grad })
      .step.model.graph.nodes.filter((nd) => nd.opType === 'MaxPool')
      .map((nd) => nd.outputs.length);
  it('LeNet-5 2x2 pools drop Indices for the slice route; without it they keep them', () => {
    expect(pools({})).toEqual([1, 1]);
    expect(pools({ maxPoolSlices: false })).toEqual([2, 2]);
  });
  it('overlapping pools keep Indices (AlexNet 3x3/2)', () => {
    const alex = buildTemplate('alexnet', { input: [3, 64, 64], classes: 10 });
    const nodes = buildStudioTrainStep(alex, { batchSize: 2, optimizer: { kind: 'sgd', momentum: 0.9 } }).step.model.graph.nodes;
    const maxPools = nodes.filter((nd) => nd.opType === 'MaxPool');
    expect(maxPools.length).toBeGreaterThan(0);
    expect(maxPools.every((nd) => nd.outputs.length === 2)).toBe(true);
  });
  it('a measured slice route drops Indices from that pool only (GoogLeNet 64: maxpool1)', () => {
    const doc = buildTemplate('googlenet', { input: [3, 64, 64], classes: 10 });
    const outputs = (grad: GradOptions) =>
      buildStudioTrainStep(doc, { batchSize: 2, optimizer: { kind: 'sgd', momentum: 0.9 }, grad })
        .step.model.graph.nodes.filter((nd) => nd.opType === 'MaxPool')
        .map((nd) => `${nd.name}:${nd.outputs.length}`);
    const maxpool1 = poolSignature([2, 64, 32, 32], { kernel: [3, 3], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1], ceil: true });
    const plain = outputs({});
    const measured = outputs({ maxPoolRoutes: { [maxpool1]: 'slices' } });
    expect(plain).toContain('maxpool1/MaxPool:2');
    expect(measured).toContain('maxpool1/MaxPool:1');
    expect(measured.filter((o) => !o.startsWith('maxpool1/'))).toEqual(plain.filter((o) => !o.startsWith('maxpool1/')));
  });
});
