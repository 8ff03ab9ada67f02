/**
 * Host/device traffic of one LeNet-5 train step on WebGPU, and what keeping tensors on the device
 * saves. Prints ms per step for:
 *   host     the trainer's way: every step feeds weights, optimizer state and the batch from host
 *            memory and fetches every output back (TrainStepRunner)
 *   device   updated weights and optimizer state stay on the GPU: the session's
 *            preferredOutputLocation 'gpu-buffer' for those outputs, fed back as the next step's
 *            inputs (onnxruntime-node 1.30's IO binding); only the batch goes in, loss/logits come out
 *   copy     the same bytes through an Identity graph on the device (host -> GPU -> host), no
 *            compute: the transfer cost alone
 *   unrolled K steps per session.run (core/train/unroll-steps.ts), weights resident as in 'device'
 * and the copy share = copy / host, plus the Memcpy nodes of onnxruntime's profile of one host step.
 *   node bench/run-ts.mjs bench/webgpu-copy-traffic.ts [template:lenet5:1x32x32:10:classic] [batch 32] [steps 20]
 * Set MESA_SHADER_CACHE_DIR and LP_NATIVE_VECTOR_WIDTH=128 on lavapipe (README).
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { initWeight, seededRandom } from '../core/graph/index';
import { encodeModel } from '../core/onnx/proto';
import { GraphBuilder } from '../core/onnx/builder';
import { buildStudioTrainStep } from '../core/train/studio';
import { optimizerScalars, type OptimizerConfig } from '../core/train/optim/index';
import type { TrainStepGraph } from '../core/train/build-train-step';
import { unrollTrainSteps } from '../core/train/unroll-steps';
import { loadModelDocument } from '../main/commands/bench';
import { providerConfig } from '../main/providers/layout';

const optimizer: OptimizerConfig = { kind: 'sgd', momentum: 0.9 };
const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function options(extra: Partial<ort.InferenceSession.SessionOptions> = {}): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [providerConfig('webgpu'), 'cpu'] as ort.InferenceSession.ExecutionProviderConfig[],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: 2,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    logSeverityLevel: 3,
    ...extra,
  };
}

interface Setup {
  step: TrainStepGraph;
  feeds: Record<string, ort.Tensor>;
  /** input name -> the output that updates it */
  carried: Array<[string, string]>;
}

function setup(arg: string, batch: number): Setup {
  const { step, weights } = buildStudioTrainStep(loadModelDocument(arg), { batchSize: batch, optimizer });
  const rnd = seededRandom(1);
  const feeds: Record<string, ort.Tensor> = {};
  const shape = step.model.graph.inputs.find((v) => v.name === step.images)!.shape as number[];
  feeds[step.images] = new ort.Tensor(
    'float32',
    Float32Array.from({ length: sizeOf(shape) }, () => rnd() - 0.5),
    shape,
  );
  feeds[step.labels] = new ort.Tensor(
    'int64',
    BigInt64Array.from({ length: batch }, (_, i) => BigInt(i % step.numClasses)),
    [batch],
  );
  const sc = optimizerScalars(optimizer, 0.01, 1);
  for (const n of step.scalars) feeds[n] = new ort.Tensor('float32', Float32Array.from([sc[n]!]), []);
  for (const w of weights) if (step.weights.some((s) => s.name === w.name)) feeds[w.name] = new ort.Tensor('float32', initWeight(w, rnd), w.shape);
  for (const s of [...step.optimizerState, ...step.runningState]) feeds[s.name] ??= new ort.Tensor('float32', new Float32Array(sizeOf(s.shape)), s.shape);
  const carried: Array<[string, string]> = [...step.weights, ...step.optimizerState, ...step.runningState].map((s) => [s.name, s.updated]);
  return { step, feeds, carried };
}

/** Three warm-up calls of `one`, then the mean ms of `steps` calls; releases the session. */
async function timed(session: ort.InferenceSession, one: () => Promise<void>, steps: number, losses: number[]): Promise<{ ms: number; losses: number[] }> {
  for (let i = 0; i < 3; i++) await one();
  const t = performance.now();
  for (let i = 0; i < steps; i++) await one();
  const ms = (performance.now() - t) / steps;
  await session.release();
  return { ms, losses };
}

async function timeHost(s: Setup, steps: number): Promise<{ ms: number; losses: number[] }> {
  const session = await ort.InferenceSession.create(encodeModel(s.step.model), options());
  const feeds = { ...s.feeds };
  const losses: number[] = [];
  const one = async (): Promise<void> => {
    const out = await session.run(feeds);
    for (const [input, output] of s.carried) feeds[input] = out[output]!;
    losses.push((out[s.step.loss]!.data as Float32Array)[0]!);
  };
  return timed(session, one, steps, losses);
}

async function timeDevice(s: Setup, steps: number): Promise<{ ms: number; losses: number[] }> {
  const location: Record<string, ort.Tensor.DataLocation> = {};
  for (const [, output] of s.carried) location[output] = 'gpu-buffer';
  const session = await ort.InferenceSession.create(encodeModel(s.step.model), options({ preferredOutputLocation: location }));
  const feeds = { ...s.feeds };
  const losses: number[] = [];
  let previous: ort.Tensor[] = [];
  const one = async (): Promise<void> => {
    const out = await session.run(feeds);
    // The tensors fed this step are replaced by this step's outputs: free the old GPU buffers.
    for (const t of previous) t.dispose();
    previous = [];
    for (const [input, output] of s.carried) {
      const t = out[output]!;
      if (t.location !== 'gpu-buffer') throw new Error(`${output} came back in ${t.location}, not gpu-buffer`);
      feeds[input] = t;
      previous.push(t);
    }
    losses.push((out[s.step.loss]!.data as Float32Array)[0]!);
  };
  return timed(session, one, steps, losses);
}

/** K steps per run, K batches fed at once, weights and state resident on the GPU between runs. */
async function timeUnrolled(s: Setup, steps: number, k: number): Promise<{ ms: number; losses: number[] }> {
  const u = unrollTrainSteps(s.step, k);
  const location: Record<string, ort.Tensor.DataLocation> = {};
  for (const c of u.carried) location[c.output] = 'gpu-buffer';
  const session = await ort.InferenceSession.create(encodeModel(u.model), options({ preferredOutputLocation: location }));
  const feeds: Record<string, ort.Tensor> = {};
  for (const c of u.carried) feeds[c.input] = s.feeds[c.input]!;
  const sc = optimizerScalars(optimizer, 0.01, 1);
  for (const st of u.steps) {
    feeds[st.images] = s.feeds[s.step.images]!;
    feeds[st.labels] = s.feeds[s.step.labels]!;
    for (const [name, input] of Object.entries(st.scalars)) feeds[input] = new ort.Tensor('float32', Float32Array.from([sc[name]!]), []);
  }
  const losses: number[] = [];
  let previous: ort.Tensor[] = [];
  const one = async (): Promise<void> => {
    const out = await session.run(feeds);
    for (const t of previous) t.dispose();
    previous = u.carried.map((c) => out[c.output]!);
    u.carried.forEach((c, i) => (feeds[c.input] = previous[i]!));
    for (const st of u.steps) losses.push((out[st.loss]!.data as Float32Array)[0]!);
  };
  await one();
  const runs = Math.max(1, Math.round(steps / k));
  const t = performance.now();
  for (let i = 0; i < runs; i++) await one();
  const ms = (performance.now() - t) / (runs * k);
  await session.release();
  return { ms, losses };
}

/** Identity over every carried tensor and the batch: host -> device -> host, no compute. */
async function timeCopy(s: Setup, steps: number): Promise<number> {
  const g = new GraphBuilder('copy');
  const names = [s.step.images, ...s.carried.map(([i]) => i)];
  for (const n of names) {
    const shape = s.feeds[n]!.dims as number[];
    g.input(n, 'float32', shape);
    const [y] = g.op('Identity', [n], {}, { outputNames: [`${n}_out`] });
    g.output(y!, 'float32', shape);
  }
  const model = { irVersion: 8, opsetImports: [{ domain: '', version: 17 }], producerName: 'bench', producerVersion: '1', graph: g.build(), metadata: {} };
  const session = await ort.InferenceSession.create(encodeModel(model), options());
  const feeds = Object.fromEntries(names.map((n) => [n, s.feeds[n]!]));
  for (let i = 0; i < 3; i++) await session.run(feeds);
  const t = performance.now();
  for (let i = 0; i < steps; i++) await session.run(feeds);
  const ms = (performance.now() - t) / steps;
  await session.release();
  return ms;
}

/** Memcpy nodes in onnxruntime's profile of the last of 4 host steps, and that run's total. */
async function profileMemcpy(s: Setup): Promise<{ memcpyMs: number; runMs: number; nodes: number }> {
  const prefix = path.join(os.tmpdir(), `webgpu_copy_${process.pid}`);
  const session = await ort.InferenceSession.create(encodeModel(s.step.model), options({ enableProfiling: true, profileFilePrefix: prefix }));
  for (let i = 0; i < 4; i++) await session.run(s.feeds);
  session.endProfiling();
  await session.release();
  const name = readdirSync(os.tmpdir())
    .filter((f) => f.startsWith(path.basename(prefix)))
    .sort()
    .pop();
  if (!name) throw new Error('no profile written');
  const file = path.join(os.tmpdir(), name);
  const all = JSON.parse(readFileSync(file, 'utf8')) as Array<{ cat: string; name: string; dur: number; ts: number; args?: { op_name?: string } }>;
  rmSync(file);
  const runs = all.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts - b.ts);
  const last = runs[runs.length - 1]!;
  const evs = all.filter((e) => e.ts >= last.ts && e.cat === 'Node' && e.name.endsWith('_kernel_time') && /^Memcpy/.test(e.args?.op_name ?? ''));
  return { memcpyMs: evs.reduce((a, e) => a + e.dur, 0) / 1000, runMs: last.dur / 1000, nodes: evs.length };
}

async function main(): Promise<void> {
  const [arg = 'template:lenet5:1x32x32:10:classic', batchArg = '32', stepsArg = '20'] = process.argv.slice(2);
  const batch = Number(batchArg);
  const steps = Number(stepsArg);
  const s = setup(arg, batch);
  const mb = (names: string[]): number => names.reduce((a, n) => a + s.feeds[n]!.size * 4, 0) / 1e6;
  const weightsMb = mb(s.step.weights.map((w) => w.name));
  const stateMb = mb([...s.step.optimizerState, ...s.step.runningState].map((w) => w.name));
  const batchMb = mb([s.step.images]);
  console.log(
    `${arg}, batch ${batch}: per step in: weights ${weightsMb.toFixed(3)} MB, optimizer/running state ${stateMb.toFixed(3)} MB, batch ${batchMb.toFixed(3)} MB; out: the same weights and state (+ loss, logits)`,
  );
  // Rounds interleave the variants so machine load hits them alike; medians are reported.
  const rounds = Number(process.env.ROUNDS ?? '3');
  const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const k = 4;
  const t: Record<'host' | 'copy' | 'device' | 'unrolled', number[]> = { host: [], copy: [], device: [], unrolled: [] };
  const same = { device: true, unrolled: true };
  const failed: Partial<Record<'device' | 'unrolled', string>> = {};
  for (let r = 0; r < rounds; r++) {
    const host = await timeHost(s, steps);
    t.host.push(host.ms);
    t.copy.push(await timeCopy(s, steps));
    const agree = (losses: number[]): boolean => losses.every((l, i) => Math.abs(l - host.losses[i]!) <= 1e-4 * Math.max(1, Math.abs(host.losses[i]!)));
    try {
      const dev = await timeDevice(s, steps);
      t.device.push(dev.ms);
      same.device &&= agree(dev.losses);
    } catch (e) {
      failed.device = (e as Error).message.split('\n')[0];
    }
    try {
      const un = await timeUnrolled(s, steps, k);
      t.unrolled.push(un.ms);
      same.unrolled &&= agree(un.losses.slice(0, host.losses.length));
    } catch (e) {
      failed.unrolled = (e as Error).message.split('\n')[0];
    }
  }
  const host = median(t.host);
  const copy = median(t.copy);
  console.log(`host     ${host.toFixed(2)} ms/step (all of ${t.host.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`copy     ${copy.toFixed(2)} ms/step (Identity, same bytes both ways): ${((copy / host) * 100).toFixed(1)}% of a host step`);
  const line = (name: 'device' | 'unrolled', what: string): void => {
    if (failed[name]) return void console.log(`${name.padEnd(8)} not possible: ${failed[name]}`);
    const ms = median(t[name]);
    console.log(
      `${name.padEnd(8)} ${ms.toFixed(2)} ms/step (${what}; all of ${t[name].map((x) => x.toFixed(0)).join(', ')}): ${(((host - ms) / host) * 100).toFixed(1)}% less than host; losses ${same[name] ? "equal the host run's" : "DIFFER from the host run's"}`,
    );
  };
  line('device', 'weights and state stay on the GPU');
  line('unrolled', `${k} steps per run, weights resident`);
  const p = await profileMemcpy(s);
  console.log(
    `profile  ${p.nodes} Memcpy nodes, ${p.memcpyMs.toFixed(2)} ms of a ${p.runMs.toFixed(2)} ms run (${((p.memcpyMs / p.runMs) * 100).toFixed(1)}%; MemcpyToHost also waits for queued GPU work)`,
  );
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}
void main();
