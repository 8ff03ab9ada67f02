/**
 * MaxPool forward + backward on the CPU: with the Indices output (ScatterElements / MaxUnpool
 * backward) vs without (first-maximum routing, core/train/grad/maxpool-first-max.ts: the strided
 * slice route where it applies, 2x2 windows, and the block/column routes), per pool shape of
 * LeNet-5, ResNet and GoogLeNet, interleaved so that machine load affects all alike; then whole
 * train steps of those templates: all pools with Indices vs the default choice per pool.
 *   node bench/run-ts.mjs bench/maxpool-backward.ts [reps=20] [threads=2]
 * Figures are process CPU time (all threads), which other load on the machine disturbs less than wall time.
 * Inputs are ReLU'd random values (a third of them zero), so windows hold ties as in training.
 */
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../core/onnx/builder';
import { encodeModel } from '../core/onnx/proto';
import { buildBackward } from '../core/train/autodiff';
import { makeModel } from '../core/train/build-train-step';
import { inferShapes } from '../core/train/shape-infer';
import { buildStudioTrainStep } from '../core/train/studio';
import { buildTemplate } from '../core/templates/index';
import { initWeight, seededRandom } from '../core/graph/index';
import { TrainStepRunner } from '../main/trainer/ort-session';

interface Pool {
  name: string;
  x: number[];
  k: number;
  s: number;
  p: number;
  ceil?: boolean;
}
const POOLS: Pool[] = [
  { name: 'lenet pool1 2/2', x: [64, 6, 28, 28], k: 2, s: 2, p: 0 },
  { name: 'lenet pool2 2/2', x: [64, 16, 10, 10], k: 2, s: 2, p: 0 },
  { name: 'resnet@64 stem 3/2 p1', x: [32, 64, 32, 32], k: 3, s: 2, p: 1 },
  { name: 'resnet@224 stem 3/2 p1', x: [8, 64, 112, 112], k: 3, s: 2, p: 1 },
  { name: 'googlenet@64 3/2 ceil', x: [32, 192, 16, 16], k: 3, s: 2, p: 0, ceil: true },
  { name: 'googlenet@64 inception 3/1 p1', x: [32, 192, 8, 8], k: 3, s: 1, p: 1 },
];

type Route = 'indices' | 'first-max' | 'block';

async function poolSession(pl: Pool, route: Route, threads: number) {
  const indices = route === 'indices';
  const g = new GraphBuilder('b');
  const x = g.input('x', 'float32', pl.x);
  const y = g.op(
    'MaxPool',
    [x],
    { kernel_shape: [pl.k, pl.k], strides: [pl.s, pl.s], pads: [pl.p, pl.p, pl.p, pl.p], ceil_mode: pl.ceil ? 1 : 0 },
    { outputs: indices ? 2 : 1 },
  )[0]!;
  const fwd = g.build();
  const info = inferShapes({ ...fwd, nodes: [...fwd.nodes] });
  const ys = info.shapes.get(y)!.shape;
  const dy = g.input('dy', 'float32', ys);
  const options = route === 'block' ? { maxPoolSlices: false } : {};
  const back = buildBackward({ graph: { ...fwd, nodes: [...g.nodes] }, info, seeds: { [y]: dy }, wrt: [x], builder: g, options });
  g.output(back.grads.get(x)!, 'float32', pl.x);
  const s = await ort.InferenceSession.create(encodeModel(makeModel(g.build(), '')), {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    executionMode: 'sequential',
  });
  const r = seededRandom(3);
  const n = pl.x.reduce((a, b) => a * b, 1);
  const feeds = {
    x: new ort.Tensor(
      'float32',
      Float32Array.from({ length: n }, () => Math.max(0, r() * 3 - 1)),
      pl.x,
    ),
    dy: new ort.Tensor(
      'float32',
      Float32Array.from({ length: ys.reduce((a, b) => a * b, 1) }, () => r() - 0.5),
      ys,
    ),
  };
  return { s, feeds };
}

/** Process CPU time per run (all threads), ms: less sensitive to other load on the machine than wall time. */
async function timeIt(fn: () => Promise<unknown>, reps: number): Promise<number> {
  await fn();
  const c = process.cpuUsage();
  for (let i = 0; i < reps; i++) await fn();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000 / reps;
}

async function stepRunner(id: string, input: [number, number, number], batch: number, indices: boolean, threads: number) {
  const doc = buildTemplate(id, { input, classes: 10 });
  const optimizer = { kind: 'sgd' as const, momentum: 0.9 };
  // Indices on every pool, or the default (the slice route on 2x2 pools, Indices elsewhere).
  const grad = indices ? { maxPoolSlices: false } : {};
  const { step, weights } = buildStudioTrainStep(doc, { batchSize: batch, optimizer, grad });
  const rnd = seededRandom(1);
  const initial = new Map<string, Float32Array>();
  for (const w of weights) initial.set(w.name, initWeight(w, rnd));
  const runner = await TrainStepRunner.create(step, optimizer, initial, { threads });
  const dims = [batch, ...input];
  const images = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => rnd() * 2 - 1);
  const labels = BigInt64Array.from({ length: batch }, (_, i) => BigInt(i % 10));
  return { runner, run: () => runner.run(images, dims, labels, 0.01) };
}

async function main(): Promise<void> {
  const reps = Number(process.argv[2] ?? '20');
  const threads = Number(process.argv[3] ?? '2');
  console.log(`MaxPool forward+backward, CPU, ${threads} threads, process CPU ms per run (mean of ${reps}, 3 rounds interleaved, best round)`);
  for (const pl of POOLS) {
    const routes: Route[] = pl.k === pl.s && pl.p === 0 ? ['indices', 'first-max', 'block'] : ['indices', 'first-max'];
    const sessions = await Promise.all(routes.map((r) => poolSession(pl, r, threads)));
    const best = routes.map(() => Infinity);
    for (let round = 0; round < 3; round++) {
      for (const [i, a] of sessions.entries()) best[i] = Math.min(best[i]!, await timeIt(() => a.s.run(a.feeds), reps));
    }
    // On non-overlapping pools the default first-max route is the slice route.
    const labels = routes.map((r) => (r === 'first-max' && routes.includes('block') ? 'slices' : r));
    const named = labels.map((l, i) => `${l} ${best[i]!.toFixed(2)} ms`).join('  ');
    console.log(`${pl.name.padEnd(32)} [${pl.x.join(',')}]  ${named}  (Indices / ${labels[1]} ${(best[0]! / best[1]!).toFixed(2)}x)`);
    for (const a of sessions) await a.s.release();
  }
  const steps: [string, [number, number, number], number][] = [
    ['lenet5', [1, 28, 28], 64],
    ['lenet5', [1, 28, 28], 32],
    ['vgg16', [3, 32, 32], 16],
  ];
  console.log(`train step (SGD momentum), CPU, ${threads} threads, process CPU ms per step`);
  for (const [id, input, batch] of steps) {
    const a = await stepRunner(id, input, batch, true, threads);
    const b = await stepRunner(id, input, batch, false, threads);
    const n = Math.max(3, Math.round(reps / (id === 'lenet5' ? 1 : 4)));
    let ta = Infinity;
    let tb = Infinity;
    for (let round = 0; round < 3; round++) {
      ta = Math.min(ta, await timeIt(a.run, n));
      tb = Math.min(tb, await timeIt(b.run, n));
    }
    console.log(`${`${id} ${input.join('x')} batch ${batch}`.padEnd(32)} Indices ${ta.toFixed(1)} ms  default ${tb.toFixed(1)} ms  (${(ta / tb).toFixed(2)}x)`);
    await a.runner.session.release();
    await b.runner.session.release();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
