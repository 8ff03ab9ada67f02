/**
 * Strided conv input gradient as one stride-1 Conv + DepthToSpace (core/train/grad/conv.ts,
 * subpixelInputGrad): against ConvTranspose (float32 onnxruntime, plain and on NCHWc kernels) and
 * by finite differences, over stride 2 and 3, kernels 1/2/3/5/11, odd sizes, asymmetric pads,
 * remainders ((H + pb + pe - k) mod s != 0), pads larger than the stride and channels off the block.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../core/onnx/builder';
import { buildBackward } from '../../../core/train/autodiff';
import { makeModel } from '../../../core/train/build-train-step';
import type { GradOptions } from '../../../core/train/grad/types';
import { modelToNchwc } from '../../../core/train/nchwc';
import { inferShapes } from '../../../core/train/shape-infer';
import { nchwcBlockSize } from '../../../main/trainer/nchwc-block';
import { createSession, f32 } from '../../../main/trainer/ort-session';
import { fdCheck, rng } from '../../helpers/finite-differences';
import { expectClose } from '../../helpers/expect-close';

interface Case {
  name: string;
  x: number[];
  w: number[];
  s: number;
  pads: number[];
}

const CASES: Case[] = [
  { name: '3x3 s2 pad 1, even size (ResNet downsampling)', x: [2, 4, 8, 8], w: [6, 4, 3, 3], s: 2, pads: [1, 1, 1, 1] },
  { name: '3x3 s2 pad 1, odd size (remainder 1)', x: [2, 3, 9, 7], w: [5, 3, 3, 3], s: 2, pads: [1, 1, 1, 1] },
  { name: '1x1 s2 no pad, odd size (downsample)', x: [2, 5, 7, 9], w: [3, 5, 1, 1], s: 2, pads: [0, 0, 0, 0] },
  { name: '2x2 s2, odd size', x: [2, 3, 7, 5], w: [4, 3, 2, 2], s: 2, pads: [0, 0, 0, 0] },
  { name: '5x5 s3 asymmetric pads', x: [2, 3, 11, 10], w: [4, 3, 5, 5], s: 3, pads: [2, 0, 1, 3] },
  { name: '3x3 s3 pads 4/0 (begin pad beyond the stride)', x: [1, 2, 8, 7], w: [3, 2, 3, 3], s: 3, pads: [4, 3, 0, 5] },
  { name: '11x11 s4 pad 2 (AlexNet conv1), remainder', x: [1, 3, 23, 21], w: [4, 3, 11, 11], s: 4, pads: [2, 2, 2, 2] },
  { name: '7x7 s2 pad 3 (ResNet stem), 3 input channels', x: [2, 3, 13, 12], w: [5, 3, 7, 7], s: 2, pads: [3, 3, 3, 3] },
  { name: '3x3 s2 pad 0 on 2x3 (kernel reaches past the input end)', x: [2, 2, 2, 3], w: [3, 2, 3, 3], s: 2, pads: [0, 1, 2, 1] },
  { name: 'rectangular 5x3 s2', x: [2, 3, 9, 8], w: [4, 3, 5, 3], s: 2, pads: [2, 1, 2, 0] },
];

const SUB: GradOptions = { convStridedInputGrad: 'subpixel' };
const CT: GradOptions = { convStridedInputGrad: 'convTranspose' };

function fill(n: number, r: () => number): Float32Array {
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}

function conv(g: GraphBuilder, x: string, w: string, c: Case): string {
  const k = c.w.slice(2);
  return g.op1('Conv', [x, w], { kernel_shape: k, strides: [c.s, c.s], pads: c.pads });
}

/** dx and dw of the conv under a seed R, and the op types of the built graph. */
async function grads(c: Case, options: GradOptions, block = 0): Promise<{ out: Float32Array[]; ops: string[] }> {
  const g = new GraphBuilder('conv');
  const x = g.input('x', 'float32', c.x);
  const w = g.input('w', 'float32', c.w);
  const y = conv(g, x, w, c);
  const fwd = g.build();
  const info = inferShapes({ ...fwd, nodes: [...fwd.nodes] });
  const ys = info.shapes.get(y)!.shape;
  const R = g.constFloat(
    'R',
    fill(
      ys.reduce((a, b) => a * b, 1),
      rng(7),
    ),
    ys,
  );
  const back = buildBackward({ graph: { ...fwd, nodes: [...g.nodes] }, info, seeds: { [y]: R }, wrt: [x, w], builder: g, options });
  const outs: string[] = [];
  for (const [n, s] of [
    [x, c.x],
    [w, c.w],
  ] as const) {
    const o = g.fresh(`${n}_grad`);
    g.nodes.push({ name: g.fresh('id'), opType: 'Identity', inputs: [back.grads.get(n)!], outputs: [o], attributes: {} });
    g.output(o, 'float32', s);
    outs.push(o);
  }
  let model = makeModel(g.build(), 'subpixel');
  if (block > 0) model = modelToNchwc(model, block, { minReuse: 0 }).model;
  const session = await createSession(model, { nchwc: false });
  const vr = rng(3);
  const res = await session.run({
    x: f32(
      fill(
        c.x.reduce((a, b) => a * b, 1),
        vr,
      ),
      c.x,
    ),
    w: f32(
      fill(
        c.w.reduce((a, b) => a * b, 1),
        vr,
      ),
      c.w,
    ),
  });
  await session.release();
  return { out: outs.map((o) => res[o]!.data as Float32Array), ops: model.graph.nodes.map((n) => n.opType) };
}

describe('sub-pixel strided input gradient matches ConvTranspose', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const plain = await grads(c, CT);
    expect(plain.ops).toContain('ConvTranspose');
    const fast = await grads(c, SUB);
    expect(fast.ops).not.toContain('ConvTranspose');
    expectClose(fast.out, plain.out);
  });

  it('matches on NCHWc kernels, channels off the block (24 -> 20, stride 2, odd size)', async () => {
    const block = await nchwcBlockSize();
    const c: Case = { name: 'nchwc', x: [2, 24, 9, 11], w: [20, 24, 3, 3], s: 2, pads: [1, 0, 1, 1] };
    const plain = await grads(c, CT);
    const fast = await grads(c, SUB, block);
    if (block > 0) expect(fast.ops.some((o) => o.startsWith('Reorder'))).toBe(true);
    expectClose(fast.out, plain.out);
  });
});

describe('sub-pixel strided input gradient passes finite differences', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = await fdCheck({ name: c.name, inputs: [{ shape: c.x }, { shape: c.w }], grad: SUB, build: (g, [x, w]) => conv(g, x!, w!, c) });
    expect(r.failures, r.failures.join('\n')).toEqual([]);
    expect(r.checked).toBeGreaterThan(0);
  });
});
