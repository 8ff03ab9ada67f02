/**
 * Times the conv backward formulations per layer shape (weight gradient: conv trick / im2col /
 * pointwise GEMM; input gradient: ConvTranspose / flipped Conv; each also with its convs on the
 * NCHWc kernels, core/train/nchwc.ts), interleaved so that machine load affects them alike; prints
 * the least process CPU time over the repetitions (the least disturbed by other processes). Bundle
 * with esbuild (see train-profile.ts) and run with node: node f.cjs [reps] [nchwc block, default 16].
 * `node f.cjs [reps] [block] strided` times only the strided input gradients instead: ConvTranspose
 * against the sub-pixel Conv + DepthToSpace (plain and on NCHWc kernels; GradOptions
 * convStridedInputGrad, not the default: bench/train-results.md). PROFILE=1 writes onnxruntime profiles to
 * /tmp/cf-*.json; ONLY=<text> keeps the shapes whose name contains it.
 */
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../core/onnx/builder';
import { encodeModel } from '../core/onnx/proto';
import { buildBackward } from '../core/train/autodiff';
import { makeModel } from '../core/train/build-train-step';
import type { GradOptions } from '../core/train/grad/types';
import { inferShapes } from '../core/train/shape-infer';
import { modelToNchwc } from '../core/train/nchwc';

interface Shape {
  name: string;
  n: number;
  c: number;
  h: number;
  m: number;
  k: number;
  s: number;
  p: number;
}
const ONLY = process.env.ONLY;
const SHAPES: Shape[] = [
  { name: 'lenet conv1', n: 64, c: 1, h: 28, m: 6, k: 5, s: 1, p: 2 },
  { name: 'lenet conv2', n: 64, c: 6, h: 14, m: 16, k: 5, s: 1, p: 0 },
  { name: 'r18@32 conv1 7x7/2', n: 64, c: 3, h: 32, m: 64, k: 7, s: 2, p: 3 },
  { name: 'r18@32 layer1 3x3', n: 64, c: 64, h: 8, m: 64, k: 3, s: 1, p: 1 },
  { name: 'r18@32 layer2 3x3/2', n: 64, c: 64, h: 8, m: 128, k: 3, s: 2, p: 1 },
  { name: 'r18@32 layer3 3x3', n: 64, c: 256, h: 2, m: 256, k: 3, s: 1, p: 1 },
  { name: 'r18@32 layer4 3x3', n: 64, c: 512, h: 1, m: 512, k: 3, s: 1, p: 1 },
  { name: 'g@64 conv3 3x3', n: 32, c: 64, h: 16, m: 192, k: 3, s: 1, p: 1 },
  { name: 'g@64 inc 5x5', n: 32, c: 16, h: 8, m: 32, k: 5, s: 1, p: 2 },
  { name: 'g@64 inc 1x1', n: 32, c: 256, h: 8, m: 128, k: 1, s: 1, p: 0 },
];

/** Strided convs (input gradient only): ResNet-18 at 32x32 / 224x224, GoogLeNet, AlexNet conv1. */
const STRIDED: Shape[] = [
  { name: 'r18@32 conv1 7x7/2', n: 64, c: 3, h: 32, m: 64, k: 7, s: 2, p: 3 },
  { name: 'r18@32 l2.0 3x3/2', n: 64, c: 64, h: 8, m: 128, k: 3, s: 2, p: 1 },
  { name: 'r18@32 l3.0 3x3/2', n: 64, c: 128, h: 4, m: 256, k: 3, s: 2, p: 1 },
  { name: 'r18@32 l3.0 3x3/2 n16', n: 16, c: 128, h: 4, m: 256, k: 3, s: 2, p: 1 },
  { name: 'r18@64 l3.0 3x3/2', n: 64, c: 128, h: 8, m: 256, k: 3, s: 2, p: 1 },
  { name: 'r18@64 l4.0 3x3/2', n: 64, c: 256, h: 4, m: 512, k: 3, s: 2, p: 1 },
  { name: 'r18@96 l4.0 3x3/2', n: 64, c: 256, h: 6, m: 512, k: 3, s: 2, p: 1 },
  { name: 'r18@32 l2.0 ds 1x1/2', n: 64, c: 64, h: 8, m: 128, k: 1, s: 2, p: 0 },
  { name: 'r18@32 l3.0 ds 1x1/2', n: 64, c: 128, h: 4, m: 256, k: 1, s: 2, p: 0 },
  { name: 'r18@224 l2.0 3x3/2 n8', n: 8, c: 64, h: 56, m: 128, k: 3, s: 2, p: 1 },
  { name: 'r18@224 l3.0 3x3/2 n8', n: 8, c: 128, h: 28, m: 256, k: 3, s: 2, p: 1 },
  { name: 'r18@224 l4.0 3x3/2 n8', n: 8, c: 256, h: 14, m: 512, k: 3, s: 2, p: 1 },
  { name: 'r18@224 l2.0 ds 1x1/2', n: 8, c: 64, h: 56, m: 128, k: 1, s: 2, p: 0 },
  { name: 'r18@224 conv1 7x7/2 n8', n: 8, c: 3, h: 224, m: 64, k: 7, s: 2, p: 3 },
  { name: 'g@64 conv1 7x7/2', n: 32, c: 3, h: 64, m: 64, k: 7, s: 2, p: 3 },
  { name: 'alexnet conv1 11x11/4', n: 8, c: 3, h: 224, m: 64, k: 11, s: 4, p: 2 },
];

async function session(sh: Shape, opts: GradOptions, wrt: 'w' | 'x', nchwc: number) {
  const g = new GraphBuilder('b');
  const x = g.input('x', 'float32', [sh.n, sh.c, sh.h, sh.h]);
  const w = g.input('w', 'float32', [sh.m, sh.c, sh.k, sh.k]);
  const y = g.op1('Conv', [x, w], { kernel_shape: [sh.k, sh.k], strides: [sh.s, sh.s], pads: [sh.p, sh.p, sh.p, sh.p] });
  const fwd = g.build();
  const info = inferShapes({ ...fwd, nodes: [...fwd.nodes] });
  const ys = info.shapes.get(y)!.shape;
  const dy = g.input('dy', 'float32', ys);
  const fnodes = [...g.nodes];
  // Only the backward nodes run: drop the forward Conv from the timed graph.
  g.nodes.length = 0;
  const back = buildBackward({ graph: { ...fwd, nodes: fnodes }, info, seeds: { [y]: dy }, wrt: [wrt === 'w' ? w : x], builder: g, options: opts });
  const out = back.grads.get(wrt === 'w' ? w : x)!;
  g.output(out, 'float32', info.shapes.get(wrt === 'w' ? w : x)!.shape);
  const model = makeModel(g.build(), '');
  const s = await ort.InferenceSession.create(encodeModel(nchwc ? modelToNchwc(model, nchwc, { minReuse: 0 }).model : model), {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: Number(process.env.THREADS ?? '1'),
    executionMode: 'sequential',
    enableProfiling: process.env.PROFILE === '1',
    profileFilePrefix: `/tmp/cf-${sh.name.replace(/\W+/g, '_')}-${wrt}-${nchwc}-${JSON.stringify(opts).replace(/\W+/g, '')}`,
  });
  const feeds = {
    x: new ort.Tensor('float32', new Float32Array(sh.n * sh.c * sh.h * sh.h).fill(0.5), [sh.n, sh.c, sh.h, sh.h]),
    w: new ort.Tensor('float32', new Float32Array(sh.m * sh.c * sh.k * sh.k).fill(0.1), [sh.m, sh.c, sh.k, sh.k]),
    dy: new ort.Tensor('float32', new Float32Array(ys.reduce((a, b) => a * b, 1)).fill(0.2), ys),
  };
  return { s, feeds };
}

async function main(): Promise<void> {
  const reps = Number(process.argv[2] ?? '10');
  const block = Number(process.argv[3] ?? '16');
  const strided = process.argv[4] === 'strided';
  const variants: [string, GradOptions, 'w' | 'x', number][] = strided
    ? [
        ['dX convT', { convStridedInputGrad: 'convTranspose' }, 'x', 0],
        ['dX subpixel', { convStridedInputGrad: 'subpixel' }, 'x', 0],
        ['dX subpixel nchwc', { convStridedInputGrad: 'subpixel' }, 'x', block],
      ]
    : [
        ['dW conv-trick', { convWeightGrad: 'conv' }, 'w', 0],
        ['dW conv-trick nchwc', { convWeightGrad: 'conv' }, 'w', block],
        ['dW im2col/gemm', { convWeightGrad: 'im2col' }, 'w', 0],
        ['dX convT', { convHeuristics: false, convStridedInputGrad: 'convTranspose' }, 'x', 0],
        ['dX auto', {}, 'x', 0],
        ['dX auto nchwc', {}, 'x', block],
      ];
  for (const sh of (strided ? STRIDED : SHAPES).filter((q) => !ONLY || q.name.includes(ONLY))) {
    const ss = await Promise.all(variants.map(([, o, w, b]) => session(sh, o, w, b)));
    const t = variants.map(() => Infinity);
    for (const v of ss) await v.s.run(v.feeds);
    for (let r = 0; r < reps; r++) {
      for (let i = 0; i < ss.length; i++) {
        // Process CPU time (all threads): robust to other processes' load, unlike wall time.
        const t0 = process.cpuUsage();
        await ss[i]!.s.run(ss[i]!.feeds);
        const d = process.cpuUsage(t0);
        t[i] = Math.min(t[i]!, (d.user + d.system) / 1000);
      }
    }
    console.log(sh.name.padEnd(22), variants.map(([n], i) => `${n} ${t[i]!.toFixed(2)}`).join(' | '));
    for (const v of ss) await v.s.release();
  }
}
void main();
