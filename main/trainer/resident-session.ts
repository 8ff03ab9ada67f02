/**
 * WebGPU: the train step's weights, optimizer state and running statistics stay on the GPU between
 * steps. onnxruntime-node 1.30 supports device-located outputs for WebGPU: a session created with
 * `preferredOutputLocation: 'gpu-buffer'` for an output returns a Tensor with location 'gpu-buffer',
 * and such a tensor can be fed as an input of the next run (also of another session on the same
 * device). Reading it on the host is not supported (`getData()` / `.data` abort the process with
 * "terminate called after throwing an instance of 'char const*'"), so the host copy is refreshed
 * through a second session: Identity over every carried tensor, outputs on the CPU.
 * On lavapipe (bench/webgpu-copy-traffic.ts, LeNet-5 batch 32) the transfers are ~5-10% of a step
 * and the gain is within the machine's noise; the point is discrete GPUs, where each step would
 * otherwise move weights and optimizer state over PCIe both ways and wait for the readback.
 *
 * A StepSession (step-session.ts): `run` swaps the host tensors the runner
 * feeds for the GPU-resident ones, and returns the fed host tensors in place of the updated
 * outputs, so the runner's host maps go stale until `syncToHost` refreshes them. Whoever reads
 * runner.weights / runner.state between steps (validation, checkpoints) calls syncToHost first.
 */
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../../core/onnx/proto';
import { GraphBuilder } from '../../core/onnx/builder';
import type { TrainStepGraph } from '../../core/train/build-train-step';
import { readConfig } from '../config';
import { providerConfig } from '../providers/layout';
import type { OptimizerConfig } from '../../core/train/optim/index';
import { TrainStepRunner, type Device } from './ort-session';
import type { DataParallelStep } from '../../core/train/data-parallel';
import { ShardedSession } from './sharded-session';
import type { HostTensors, StepFeeds, StepOutputs, StepSession } from './step-session';

interface Carried {
  input: string;
  output: string;
  shape: number[];
}

function carriedOf(g: TrainStepGraph): Carried[] {
  return [...g.weights, ...g.optimizerState, ...g.runningState].map((s) => ({ input: s.name, output: s.updated, shape: s.shape }));
}

function sessionOptions(threads: number, extra: Partial<ort.InferenceSession.SessionOptions> = {}): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [providerConfig('webgpu'), 'cpu'] as ort.InferenceSession.ExecutionProviderConfig[],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    logSeverityLevel: 3,
    ...extra,
  };
}

/** Identity over the carried tensors: GPU in, host out. */
function downloadModel(carried: readonly Carried[]): Uint8Array {
  const g = new GraphBuilder('download');
  for (const c of carried) {
    g.input(c.input, 'float32', c.shape);
    const [y] = g.op('Identity', [c.input], {}, { outputNames: [`${c.input}__host`] });
    g.output(y!, 'float32', c.shape);
  }
  return encodeModel({
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'cnn-studio',
    producerVersion: 'resident',
    graph: g.build(),
    metadata: {},
  });
}

export class ResidentSession implements StepSession {
  readonly kind = 'resident';
  /** input name -> the GPU tensor the next step is fed */
  private readonly onDevice = new Map<string, ort.Tensor>();

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly download: ort.InferenceSession,
    private readonly carried: readonly Carried[],
  ) {}

  static async create(graph: TrainStepGraph, threads: number): Promise<ResidentSession> {
    const carried = carriedOf(graph);
    const location: Record<string, ort.Tensor.DataLocation> = {};
    for (const c of carried) location[c.output] = 'gpu-buffer';
    const session = await ort.InferenceSession.create(encodeModel(graph.model), sessionOptions(threads, { preferredOutputLocation: location }));
    const download = await ort.InferenceSession.create(downloadModel(carried), sessionOptions(threads));
    return new ResidentSession(session, download, carried);
  }

  async run(feeds: StepFeeds): Promise<StepOutputs> {
    const f = { ...feeds };
    for (const c of this.carried) {
      const t = this.onDevice.get(c.input);
      if (t) f[c.input] = t;
    }
    const out: Record<string, ort.Tensor> = { ...(await this.session.run(f)) };
    for (const c of this.carried) {
      const fresh = out[c.output]!;
      if (fresh.location !== 'gpu-buffer') throw new Error(`${c.output} came back in ${fresh.location} memory, not on the GPU`);
      this.onDevice.get(c.input)?.dispose();
      this.onDevice.set(c.input, fresh);
      // The runner stores this as the updated value: the (stale) host tensor it fed.
      out[c.output] = feeds[c.input]!;
    }
    return out;
  }

  /** Copies the GPU-resident values into the runner's host maps. */
  async syncToHost(runner: HostTensors): Promise<void> {
    if (this.onDevice.size === 0) return;
    const feeds: Record<string, ort.Tensor> = {};
    for (const c of this.carried) feeds[c.input] = this.onDevice.get(c.input)!;
    const out = await this.download.run(feeds);
    for (const c of this.carried) {
      const v = out[`${c.input}__host`]!.data as Float32Array;
      if (runner.weights.has(c.input)) runner.weights.set(c.input, v);
      else runner.state.set(c.input, v);
    }
  }

  /** Drops the GPU copies: the next step feeds the runner's host values again. */
  reset(): void {
    for (const t of this.onDevice.values()) t.dispose();
    this.onDevice.clear();
  }

  async release(): Promise<void> {
    this.reset();
    await this.session.release();
    await this.download.release();
  }
}

/** Before reading runner.weights / runner.state: refresh them when the runner keeps them on the GPU. */
export function syncRunnerToHost(runner: TrainStepRunner): Promise<void> {
  return runner.syncToHost();
}

/**
 * The train-step runner for a device: WebGPU keeps its tensors on the GPU (ResidentSession); a CPU
 * step given a data-parallel plan runs as shards (ShardedSession).
 * CNN_STUDIO_WEBGPU_RESIDENT=0 feeds them from the host every step instead (to compare on a real GPU).
 */
/** Whether WebGPU runs keep their tensors on the GPU (CNN_STUDIO_WEBGPU_RESIDENT=0: no). */
export function residentOnWebgpu(): boolean {
  return readConfig().webgpuResident;
}

export async function createDeviceRunner(
  graph: TrainStepGraph,
  optimizer: OptimizerConfig,
  initial: ReadonlyMap<string, Float32Array>,
  device: Device,
  threads: number,
  dataParallel: DataParallelStep | null = null,
): Promise<TrainStepRunner> {
  // CPU, small model: the batch split into shards on one thread each (data-parallel-choice.ts).
  if (device === 'cpu' && dataParallel) return TrainStepRunner.over(graph, await ShardedSession.create(graph, dataParallel), optimizer, initial);
  if (device !== 'webgpu' || !residentOnWebgpu()) return TrainStepRunner.create(graph, optimizer, initial, { device, threads });
  return TrainStepRunner.over(graph, await ResidentSession.create(graph, threads), optimizer, initial);
}

/** A runner on the same session with fresh weights and optimizer state (after a self-test step). */
export function freshRunner(used: TrainStepRunner, initial: ReadonlyMap<string, Float32Array>): TrainStepRunner {
  used.session.reset();
  return new TrainStepRunner(used.graph, used.session, used.optimizer, initial);
}
