/**
 * Per-op profile of one train step (onnxruntime's profiler), grouped by op type and by the
 * backward rule that emitted the nodes. Usage (bundled with esbuild by bench/train-compare.mjs or):
 *   npx esbuild bench/train-profile.ts --bundle --platform=node --external:onnxruntime-node --outfile=/tmp/p.cjs
 *   node /tmp/p.cjs template:resnet18:3x32x32:10 64
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { initWeight, seededRandom } from '../core/graph/index';
import { encodeModel } from '../core/onnx/proto';
import { buildStudioTrainStep } from '../core/train/studio';
import { optimizerScalars } from '../core/train/optim/index';
import { loadModelDocument } from '../main/commands/bench';

async function main(): Promise<void> {
  const [arg = 'template:resnet18:3x32x32:10', batchArg = '64', stepsArg = '3'] = process.argv.slice(2);
  const batch = Number(batchArg);
  const doc = loadModelDocument(arg);
  const optimizer = { kind: 'sgd' as const, momentum: 0.9 };
  const { step, weights } = buildStudioTrainStep(doc, { batchSize: batch, optimizer });
  const s = await ort.InferenceSession.create(encodeModel(step.model), {
    graphOptimizationLevel: 'all', intraOpNumThreads: Number(process.env.THREADS ?? '2'), interOpNumThreads: 1, executionMode: 'sequential', enableProfiling: true, logSeverityLevel: 3, profileFilePrefix: '/tmp/ort_train_profile',
  });
  const rnd = seededRandom(1);
  const feeds: Record<string, ort.Tensor> = {};
  const shape = step.model.graph.inputs.find((v) => v.name === step.images)!.shape as number[];
  feeds[step.images] = new ort.Tensor('float32', Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rnd() - 0.5), shape);
  feeds[step.labels] = new ort.Tensor('int64', BigInt64Array.from({ length: batch }, () => 1n), [batch]);
  const sc = optimizerScalars(optimizer, 0.01, 1);
  for (const n of step.scalars) feeds[n] = new ort.Tensor('float32', Float32Array.from([sc[n]!]), []);
  for (const w of weights) feeds[w.name] = new ort.Tensor('float32', initWeight(w, rnd), w.shape);
  for (const st of step.optimizerState) feeds[st.name] = new ort.Tensor('float32', new Float32Array(st.shape.reduce((a, b) => a * b, 1)), st.shape);
  for (let i = 0; i < Number(stepsArg); i++) await s.run(feeds);
  s.endProfiling();
  await s.release();
  const name = readdirSync('/tmp').filter((f) => f.startsWith('ort_train_profile')).sort().pop();
  if (!name) throw new Error('no profile written');
  const file = `/tmp/${name}`;
  interface Ev { cat: string; name: string; dur: number; ts: number; args?: { op_name?: string } }
  const all = JSON.parse(readFileSync(file, 'utf8')) as Ev[];
  // Only the last run: the first ones page-fault their buffers and warm caches.
  const runs = all.filter((e) => e.cat === 'Session' && e.name === 'model_run').map((e) => e.ts).sort((a, b) => a - b);
  const lastStart = runs[runs.length - 1] ?? 0;
  const evs = all.filter((e) => e.ts >= lastStart);
  rmSync(file);
  const byOp = new Map<string, number>();
  const byRule = new Map<string, number>();
  const byNode = new Map<string, number>();
  let total = 0;
  for (const e of evs) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    const op = e.args?.op_name ?? '?';
    const node = e.name.replace(/_kernel_time$/, '');
    const m = /grad\/[^/]*?([A-Za-z]+)(?:_\d+)?\//.exec(node);
    const rule = node.startsWith('grad/') ? `bwd:${m?.[1] ?? node.split('/')[1]}` : node.includes('sgd/') ? 'optimizer' : `fwd`;
    byOp.set(`${rule} ${op}`, (byOp.get(`${rule} ${op}`) ?? 0) + e.dur);
    byRule.set(rule, (byRule.get(rule) ?? 0) + e.dur);
    byNode.set(`${op} ${node}`, (byNode.get(`${op} ${node}`) ?? 0) + e.dur);
    total += e.dur;
  }
  const steps = 1;
  const show = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${(v / steps / 1000).toFixed(2).padStart(9)} ms  ${k}`).join('\n');
  console.log(`total kernel time ${(total / steps / 1000).toFixed(1)} ms/step`);
  console.log(show(byRule, 20));
  console.log('--- by op');
  console.log(show(byOp, 30));
  console.log('--- top nodes');
  console.log(show(byNode, 25));
}
void main();
