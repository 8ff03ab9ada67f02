/**
 * Train-step throughput on random data: the figure `cnn-studio bench train-step` prints.
 * Builds the train-step graph (SGD momentum 0.9, mean cross-entropy), initialises weights as
 * PyTorch does, runs warm-up steps, then times `steps` steps including the host's weight feeding.
 */
import { initWeight, seededRandom, type ModelDocument } from '../../core/graph/index';
import { buildStudioDataParallel, buildStudioTrainStep } from '../../core/train/studio';
import { poolRoutes } from './pool-routes';
import { chooseDataParallel } from './data-parallel-choice';
import type { OptimizerConfig } from '../../core/train/optim/index';
import type { Device } from './ort-session';
import { createDeviceRunner } from './resident-session';
import { buildForProvider, type CpuFallbackNode } from '../providers/graph-target';

export interface BenchOptions {
  batch: number;
  steps: number;
  device?: Device;
  warmup?: number;
  threads?: number;
  /** Lines about measurements made before timing (max pool routes measured on this CPU). */
  log?: (message: string) => void;
}

export interface BenchResult {
  imagesPerSecond: number;
  msPerStep: number;
  device: string;
  /** How the step ran: one session, or data-parallel shards (and why). */
  execution: string;
  /** Graph build + session creation time. */
  setupMs?: number;
  /** Process CPU time per step (all threads): a load-insensitive cost figure. */
  cpuMsPerStep?: number;
  /** Nodes of the step graph (built for the device) that the device cannot run (op-support probe). */
  cpuFallbackNodes: CpuFallbackNode[];
}

export async function benchTrainStep(doc: ModelDocument, o: BenchOptions): Promise<BenchResult> {
  const t0 = performance.now();
  const optimizer: OptimizerConfig = { kind: 'sgd', momentum: 0.9 };
  const device = o.device ?? 'cpu';
  // The graph is built for the device: formulations it runs, op support probed (and cached); on the
  // CPU with the max pool routes measured on this CPU, as a training run builds it.
  const routes = device === 'cpu' ? await poolRoutes(doc, o.batch, { threads: o.threads ?? 2, log: (m) => o.log?.(m) }) : {};
  const grad = Object.keys(routes).length > 0 ? { grad: { maxPoolRoutes: routes } } : {};
  const built = await buildForProvider(
    device,
    (target) => buildStudioTrainStep(doc, { batchSize: o.batch, optimizer, target, ...grad }),
    (b) => b.step.model,
    { threads: o.threads },
  );
  const { step, weights } = built.graph;
  const rnd = seededRandom(1);
  const initial = new Map<string, Float32Array>();
  for (const w of weights) initial.set(w.name, initWeight(w, rnd));
  // As training runs it: on WebGPU the weights and optimizer state stay on the GPU (resident-session.ts).
  // CPU, small model: the batch split into data-parallel shards, as training does (data-parallel-choice.ts).
  const dp = chooseDataParallel(step, device, o.threads ?? 2, (shards) =>
    buildStudioDataParallel(doc, { batchSize: o.batch, optimizer, ...grad }, step, shards),
  );
  const runner = await createDeviceRunner(step, optimizer, initial, device, o.threads ?? 2, dp.plan);
  const setupMs = performance.now() - t0;
  const inputShape = step.model.graph.inputs.find((v) => v.name === step.images)!.shape as number[];
  const images = new Float32Array(inputShape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < images.length; i++) images[i] = rnd() * 2 - 1;
  const labels = BigInt64Array.from({ length: o.batch }, () => BigInt(Math.floor(rnd() * step.numClasses)));
  for (let i = 0; i < (o.warmup ?? 3); i++) await runner.run(images, inputShape, labels, 0.01);
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  for (let i = 0; i < o.steps; i++) await runner.run(images, inputShape, labels, 0.01);
  const ms = (performance.now() - t1) / o.steps;
  const c2 = process.cpuUsage(c1);
  await runner.session.release();
  return {
    imagesPerSecond: (o.batch * 1000) / ms,
    msPerStep: ms,
    device,
    execution: dp.note,
    setupMs,
    cpuMsPerStep: (c2.user + c2.system) / 1000 / o.steps,
    cpuFallbackNodes: built.cpuFallbackNodes,
  };
}
