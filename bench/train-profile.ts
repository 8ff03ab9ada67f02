/**
 * Per-op profile of a train step (onnxruntime's profiler), grouped by op type and by the backward
 * rule that emitted the nodes. The session gets the same graph as the app's CPU sessions (NCHWc
 * convs unless CNN_STUDIO_NCHWC=0). Each node's time is its least kernel time over the runs after
 * two warm-up runs: on a shared machine that is the figure least inflated by other processes, and
 * their sum ("kernel total") the working figure for comparing graph formulations.
 * Usage (THREADS=1 for per-op CPU cost; CNN_STUDIO_STRIDED_DX: see below):
 *   npx esbuild bench/train-profile.ts --bundle --platform=node --external:onnxruntime-node --outfile=/tmp/p.cjs
 *   THREADS=1 node /tmp/p.cjs template:resnet18:3x32x32:10 64 6
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { initWeight, seededRandom } from '../core/graph/index';
import { encodeModel } from '../core/onnx/proto';
import type { GradOptions } from '../core/train/grad/types';
import { buildStudioTrainStep } from '../core/train/studio';
import { optimizerScalars } from '../core/train/optim/index';
import { loadModelDocument } from '../main/commands/bench';
import { forCpuSession } from '../main/trainer/nchwc-block';

async function main(): Promise<void> {
  const [arg = 'template:resnet18:3x32x32:10', batchArg = '64', stepsArg = '3'] = process.argv.slice(2);
  const batch = Number(batchArg);
  const doc = loadModelDocument(arg);
  const optimizer = { kind: 'sgd' as const, momentum: 0.9 };
  // CNN_STUDIO_STRIDED_DX=convTranspose|subpixel forces the strided conv input-gradient route.
  const stridedDx =
    process.env.CNN_STUDIO_STRIDED_DX === 'subpixel' ? 'subpixel' : process.env.CNN_STUDIO_STRIDED_DX === 'convTranspose' ? 'convTranspose' : undefined;
  // GRAD='{"maxPoolSlices":false}' (any GradOptions as JSON) to profile a formulation switched off.
  const grad: GradOptions = {
    ...(stridedDx ? { convStridedInputGrad: stridedDx } : {}),
    ...(process.env.GRAD ? (JSON.parse(process.env.GRAD) as GradOptions) : {}),
  };
  const { step, weights } = buildStudioTrainStep(doc, { batchSize: batch, optimizer, grad });
  const s = await ort.InferenceSession.create(encodeModel(await forCpuSession(step.model)), {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: Number(process.env.THREADS ?? '2'),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    enableProfiling: true,
    logSeverityLevel: 3,
    profileFilePrefix: '/tmp/ort_train_profile',
  });
  const rnd = seededRandom(1);
  const feeds: Record<string, ort.Tensor> = {};
  const shape = step.model.graph.inputs.find((v) => v.name === step.images)!.shape as number[];
  feeds[step.images] = new ort.Tensor(
    'float32',
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rnd() - 0.5),
    shape,
  );
  feeds[step.labels] = new ort.Tensor(
    'int64',
    BigInt64Array.from({ length: batch }, () => 1n),
    [batch],
  );
  const sc = optimizerScalars(optimizer, 0.01, 1);
  for (const n of step.scalars) feeds[n] = new ort.Tensor('float32', Float32Array.from([sc[n]!]), []);
  for (const w of weights) feeds[w.name] = new ort.Tensor('float32', initWeight(w, rnd), w.shape);
  for (const st of step.optimizerState) feeds[st.name] = new ort.Tensor('float32', new Float32Array(st.shape.reduce((a, b) => a * b, 1)), st.shape);
  for (let i = 0; i < Number(stepsArg); i++) await s.run(feeds);
  s.endProfiling();
  await s.release();
  const name = readdirSync('/tmp')
    .filter((f) => f.startsWith('ort_train_profile'))
    .sort()
    .pop();
  if (!name) throw new Error('no profile written');
  const file = `/tmp/${name}`;
  interface Ev {
    cat: string;
    name: string;
    dur: number;
    ts: number;
    args?: { op_name?: string };
  }
  const all = JSON.parse(readFileSync(file, 'utf8')) as Ev[];
  // Per node, the least kernel time over the runs after two warm-up runs (the first ones page-fault
  // their buffers; later ones may be preempted by other processes).
  const runs = all
    .filter((e) => e.cat === 'Session' && e.name === 'model_run')
    .map((e) => e.ts)
    .sort((a, b) => a - b);
  const from = runs[Math.min(2, runs.length - 1)] ?? 0;
  rmSync(file);
  const least = new Map<string, { op: string; dur: number }>();
  for (const e of all) {
    if (e.ts < from || e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    const node = e.name.replace(/_kernel_time$/, '');
    const prev = least.get(node);
    if (!prev || e.dur < prev.dur) least.set(node, { op: e.args?.op_name ?? '?', dur: e.dur });
  }
  const byOp = new Map<string, number>();
  const byRule = new Map<string, number>();
  const byNode = new Map<string, number>();
  let total = 0;
  for (const [node, { op, dur }] of least) {
    const m = /grad\/[^/]*?([A-Za-z]+)(?:_\d+)?\//.exec(node);
    const rule = node.startsWith('grad/') ? `bwd:${m?.[1] ?? node.split('/')[1]}` : /(^|\/)(sgd|adam|adamw)\//.test(node) ? 'optimizer' : `fwd`;
    byOp.set(`${rule} ${op}`, (byOp.get(`${rule} ${op}`) ?? 0) + dur);
    byRule.set(rule, (byRule.get(rule) ?? 0) + dur);
    byNode.set(`${op} ${node}`, dur);
    total += dur;
  }
  const steps = 1;
  const show = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `${(v / steps / 1000).toFixed(2).padStart(9)} ms  ${k}`)
      .join('\n');
  console.log(`kernel total (sum of per-node least times) ${(total / steps / 1000).toFixed(1)} ms/step, ${least.size} nodes`);
  console.log(show(byRule, 20));
  console.log('--- by op');
  console.log(show(byOp, 30));
  console.log('--- top nodes');
  console.log(show(byNode, 25));
  // PROFILE_JSON=file: every node's least time (us), to compare runs (e.g. 1 vs 2 threads).
  if (process.env.PROFILE_JSON) writeFileSync(process.env.PROFILE_JSON, JSON.stringify(Object.fromEntries(byNode)));
}
void main();
