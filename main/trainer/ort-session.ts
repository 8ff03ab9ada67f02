/**
 * onnxruntime-node sessions for training graphs (Node side). Session options follow DESIGN.md:
 * graphOptimizationLevel 'all', intraOpNumThreads = physical cores (default 2 here), sequential.
 * `session.run` blocks the event loop: run these in a worker / child process in the app.
 */
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../../core/onnx/proto';
import type { Model } from '../../core/onnx/ir';
import type { TrainStepGraph } from '../../core/train/build-train-step';
import type { LabelFormat } from '../../core/train/loss';
import { optimizerScalars, type OptimizerConfig } from '../../core/train/optim/index';
import { readConfig } from '../config';
import { providerConfig } from '../providers/layout';
import { forCpuSession } from './nchwc-block';
import { PlainStepSession, toStepSession, type StepSession } from './step-session';

export type Device = 'cpu' | 'cuda' | 'webgpu' | 'dml' | 'coreml';

export interface SessionConfig {
  device?: Device;
  threads?: number;
  /**
   * false: nodes the provider has no kernel for fail the session instead of running on the CPU
   * (session option session.disable_cpu_ep_fallback; the op-support probe uses it). Default true.
   */
  cpuFallback?: boolean;
  /** Log nothing below fatal (the op-support probe expects sessions that refuse or fail). */
  quiet?: boolean;
  /** CPU: run convs with input weights on NCHWc kernels (main/trainer/nchwc-block.ts). Default true. */
  nchwc?: boolean;
  /** Let idle intra-op threads spin (onnxruntime's default). Default false. */
  spinning?: boolean;
  /**
   * onnxruntime's CPU memory arena. On for the training step (default): without it every run
   * allocates its intermediates afresh, and on this VM fresh memory costs ~12 us per 4 KB page on
   * first touch (MobileNetV2 3x64x64 batch 32 trained 1.45x slower, 2 threads). Off for sessions
   * that run now and then (evaluation, self-tests, probes): an arena keeps its high-water mark for the
   * session's life, and a run holds several (LeNet-5 at 3x224x224, batch 64, 2,000 images: peak RSS
   * 2,217 -> 1,441 MiB with every arena off; bench/large-folder-memory.ts).
   */
  memArena?: boolean;
}

export async function createSession(model: Model | Uint8Array, cfg: SessionConfig = {}): Promise<ort.InferenceSession> {
  const device = cfg.device ?? 'cpu';
  // CPU: convs whose weights are inputs run on the NCHWc kernels onnxruntime uses for constant weights.
  const bytes = model instanceof Uint8Array ? model : encodeModel(device === 'cpu' && cfg.nchwc !== false ? await forCpuSession(model) : model);
  // The layout the provider self-test chose (WebGPU: NCHW until one ran); main/providers/layout.ts.
  const providers = (device === 'cpu' ? ['cpu'] : [providerConfig(device), 'cpu']) as ort.InferenceSession.ExecutionProviderConfig[];
  return ort.InferenceSession.create(bytes, {
    executionProviders: providers,
    graphOptimizationLevel: 'all',
    intraOpNumThreads: cfg.threads ?? 2,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    enableCpuMemArena: cfg.memArena ?? true,
    logSeverityLevel: cfg.quiet ? 4 : 3,
    extra: {
      session: {
        // Idle intra-op threads block instead of spinning: on 2 shared cores (the data pipeline, the UI,
        // other processes) spinning doubled the step's CPU time and slowed the mean step 1.3-1.8x
        // (bench/train-results.md); CNN_STUDIO_ORT_SPIN=1 brings it back.
        'intra_op.allow_spinning': (cfg.spinning ?? readConfig().ortSpin) ? '1' : '0',
        ...(cfg.cpuFallback === false && device !== 'cpu' ? { disable_cpu_ep_fallback: '1' } : {}),
      },
    },
  });
}

export function f32(data: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('float32', data, dims);
}

export function i64(data: BigInt64Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('int64', data, dims);
}

/**
 * The labels input of a train-step or eval graph in the format the graph declares: int64 class
 * ids [N], or float32 one-hot rows [N, C] (graphs built for a provider without int64 ops).
 */
export function labelTensor(format: LabelFormat, labels: ArrayLike<bigint | number>, numClasses: number): ort.Tensor {
  const n = labels.length;
  if (format === 'int64') return i64(labels instanceof BigInt64Array ? labels : BigInt64Array.from(Array.from(labels, (l) => BigInt(l))), [n]);
  const onehot = new Float32Array(n * numClasses);
  for (let i = 0; i < n; i++) {
    const c = Number(labels[i]!);
    if (!(c >= 0 && c < numClasses && Number.isInteger(c))) throw new Error(`label ${c} of sample ${i} is not a class id in [0, ${numClasses})`);
    onehot[i * numClasses + c] = 1;
  }
  return f32(onehot, [n, numClasses]);
}

export interface StepResult {
  loss: number;
  logits: Float32Array;
  /** Gradient outputs (graphs built with outputGradients). */
  gradients: Map<string, Float32Array>;
}

/**
 * Holds weights, optimizer state and running statistics between steps of one train-step graph and
 * feeds the per-step scalars (lr, Adam bias corrections) from the optimizer config.
 */
export class TrainStepRunner {
  readonly weights = new Map<string, Float32Array>();
  readonly state = new Map<string, Float32Array>();
  /** Extra inputs fed unchanged every step (frozen weights). */
  readonly constants = new Map<string, Float32Array>();
  step = 0;
  /** What runs the step (step-session.ts); a bare onnxruntime session is run as a plain one. */
  readonly session: StepSession;

  constructor(
    readonly graph: TrainStepGraph,
    session: StepSession | ort.InferenceSession,
    readonly optimizer: OptimizerConfig,
    initial: ReadonlyMap<string, Float32Array>,
  ) {
    this.session = toStepSession(session);
    for (const w of graph.weights) this.weights.set(w.name, need(initial, w.name, w.shape));
    for (const s of graph.runningState) this.state.set(s.name, need(initial, s.name, s.shape));
    for (const s of graph.optimizerState) this.state.set(s.name, new Float32Array(s.shape.reduce((a, b) => a * b, 1)));
    // Frozen weights stay graph inputs: fed unchanged every step.
    for (const v of graph.extraInputs) {
      const c = initial.get(v.name);
      if (c) this.constants.set(v.name, c);
    }
  }

  static async create(
    graph: TrainStepGraph,
    optimizer: OptimizerConfig,
    initial: ReadonlyMap<string, Float32Array>,
    cfg: SessionConfig = {},
  ): Promise<TrainStepRunner> {
    return TrainStepRunner.over(graph, new PlainStepSession(await createSession(graph.model, cfg)), optimizer, initial);
  }

  /**
   * A runner on a session already made; if the weights do not fit (the constructor throws), the
   * session is released first: a sharded session's worker threads would otherwise keep the
   * process alive after the error.
   */
  static async over(
    graph: TrainStepGraph,
    session: StepSession,
    optimizer: OptimizerConfig,
    initial: ReadonlyMap<string, Float32Array>,
  ): Promise<TrainStepRunner> {
    try {
      return new TrainStepRunner(graph, session, optimizer, initial);
    } catch (e) {
      await session.release().catch(() => undefined);
      throw e;
    }
  }

  /** Refreshes the host maps (weights, state) when the session keeps them elsewhere (the GPU). */
  syncToHost(): Promise<void> {
    return this.session.syncToHost(this);
  }

  async run(
    images: Float32Array,
    imageDims: readonly number[],
    labels: BigInt64Array,
    lr: number,
    extra: Record<string, ort.Tensor> = {},
  ): Promise<StepResult> {
    this.step += 1;
    const g = this.graph;
    const feeds: Record<string, ort.Tensor> = { ...extra };
    feeds[g.images] = f32(images, imageDims);
    feeds[g.labels] = labelTensor(g.labelFormat, labels, g.numClasses);
    const sc = optimizerScalars(this.optimizer, lr, this.step);
    for (const s of g.scalars) feeds[s] = f32(Float32Array.from([sc[s]!]), []);
    for (const w of g.weights) feeds[w.name] = f32(this.weights.get(w.name)!, w.shape);
    for (const s of [...g.optimizerState, ...g.runningState]) feeds[s.name] = f32(this.state.get(s.name)!, s.shape);
    for (const v of g.extraInputs) {
      const c = this.constants.get(v.name);
      if (c && !(v.name in feeds)) feeds[v.name] = f32(c, v.shape as number[]);
    }
    const out = await this.session.run(feeds);
    for (const w of g.weights) this.weights.set(w.name, out[w.updated]!.data as Float32Array);
    for (const s of [...g.optimizerState, ...g.runningState]) this.state.set(s.name, out[s.updated]!.data as Float32Array);
    const gradients = new Map<string, Float32Array>();
    for (const [w, o] of Object.entries(g.gradients)) gradients.set(w, out[o]!.data as Float32Array);
    return { loss: (out[g.loss]!.data as Float32Array)[0]!, logits: out[g.logits]!.data as Float32Array, gradients };
  }
}

function need(m: ReadonlyMap<string, Float32Array>, name: string, shape: number[]): Float32Array {
  const v = m.get(name);
  const n = shape.reduce((a, b) => a * b, 1);
  if (!v) throw new Error(`no initial value for "${name}"`);
  if (v.length !== n) throw new Error(`"${name}" has ${v.length} values, expected ${n} for [${shape.join(', ')}]`);
  return v;
}
