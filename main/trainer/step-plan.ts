/**
 * The plan of a training run's step: which device, which graph formulation (target), which kind of
 * session (plain, sharded data-parallel, device-resident) and why, with the log lines that explain
 * it. Pure: the facts gathered by loop.ts (device selection with its provider self-test, the
 * op-support probe, the model self-test's verdict, whether a session opened) go in, a plan comes
 * out; every CPU fallback is one function (onCpu) returning a new plan.
 */
import type { SelectedDevice } from './device';
import type { TrainStepGraph } from '../../core/train/build-train-step';
import type { DataParallelStep } from '../../core/train/data-parallel';
import { CPU_TARGET, type ProviderTarget } from '../../core/train/target';
import { deviceProblem, summarizeFallback, type TargetedGraph } from '../providers/graph-target';
import { chooseDataParallel } from './data-parallel-choice';
import type { TrainDevice } from './types';

export interface PlanNote {
  level: 'info' | 'warn';
  message: string;
}

export interface StepPlan {
  device: TrainDevice;
  /** Why the run is on the CPU though a GPU was asked for (or, for auto, looked for); null otherwise. */
  fallbackReason: string | null;
  /** The formulations the graph was built for (core/train/target.ts). */
  target: ProviderTarget;
  graph: TrainStepGraph;
  /** The reasons behind the plan, in the order they were found: each is logged once. */
  notes: readonly PlanNote[];
}

/** What the op-support probe gave for a GPU: the graph built for it, or why the probe failed. */
export type ProviderBuild =
  { kind: 'probed'; result: TargetedGraph<TrainStepGraph> } | { kind: 'probe-failed'; error: string; target: ProviderTarget; graph: TrainStepGraph };

function note(p: StepPlan, level: PlanNote['level'], message: string): StepPlan {
  return { ...p, notes: [...p.notes, { level, message }] };
}

/** The run moves to the CPU, for `why`: the CPU graph, and a warning saying so. */
export function onCpu(p: StepPlan, cpuGraph: TrainStepGraph, why: string): StepPlan {
  return note({ ...p, device: 'cpu', fallbackReason: why, target: CPU_TARGET, graph: cpuGraph }, 'warn', `training on the CPU: ${why}`);
}

/** The plan after device selection and (for a GPU) the op-support probe. */
export function planDevice(selected: SelectedDevice, cpuGraph: TrainStepGraph, build: ProviderBuild | null): StepPlan {
  let p: StepPlan = { device: selected.device, fallbackReason: selected.fallbackReason, target: CPU_TARGET, graph: cpuGraph, notes: [] };
  if (selected.fallbackReason) p = note(p, 'warn', `training on the CPU: ${selected.fallbackReason}`);
  else if (selected.selfTest) p = note(p, 'info', `${p.device}: ${selected.selfTest.message}${selected.selfTest.cached ? ' (cached self-test)' : ''}`);
  if (p.device === 'cpu' || !build) return p;
  const dev = p.device;
  if (build.kind === 'probe-failed') {
    // The probe itself failed: the graph avoids the provider's known gaps; the self-test decides.
    return note(
      { ...p, target: build.target, graph: build.graph },
      'warn',
      `${dev}: op-support probe failed (${build.error}); the graph avoids the ops known to be missing`,
    );
  }
  const t = build.result;
  p = { ...p, graph: t.graph, target: t.target };
  if (t.cacheWarning) p = note(p, 'warn', t.cacheWarning);
  const problem = deviceProblem(dev, t.cpuFallbackNodes);
  if (problem) return onCpu(p, cpuGraph, problem);
  if (t.cpuFallbackNodes.length === 0) return p;
  return note(
    p,
    'warn',
    `${t.cpuFallbackNodes.length} node(s) of the training graph run on the CPU, not ${dev} (their inputs are copied each step): ${summarizeFallback(t.cpuFallbackNodes).join('; ')}`,
  );
}

/** What runs each step (step-session.ts) and why. */
export interface SessionPlan {
  kind: 'plain' | 'sharded' | 'resident';
  /** The shards' graphs, for 'sharded'. */
  dataParallel: DataParallelStep | null;
  note: PlanNote;
}

/**
 * The CPU splits a small model's batch into data-parallel shards (data-parallel-choice.ts), else
 * runs one session; WebGPU keeps the carried tensors on the GPU unless `resident` is false
 * (resident-session.ts); other GPUs run one session fed from the host.
 */
export function planSession(
  plan: StepPlan,
  threads: number,
  buildShards: (shards: number) => DataParallelStep | { reason: string },
  resident: boolean,
): SessionPlan {
  if (plan.device === 'cpu') {
    const dp = chooseDataParallel(plan.graph, 'cpu', threads, buildShards);
    return { kind: dp.plan ? 'sharded' : 'plain', dataParallel: dp.plan, note: { level: 'info', message: `training step: ${dp.note}` } };
  }
  if (plan.device === 'webgpu' && resident)
    return {
      kind: 'resident',
      dataParallel: null,
      note: { level: 'info', message: 'training step: one webgpu session; weights and optimizer state stay on the GPU between steps' },
    };
  return { kind: 'plain', dataParallel: null, note: { level: 'info', message: `training step: one ${plan.device} session fed from the host each step` } };
}
