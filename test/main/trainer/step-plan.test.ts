/** The step plan (main/trainer/step-plan.ts): device, graph formulation and CPU fallbacks, each with its log line. */
import { describe, expect, it } from 'vitest';
import type { TrainStepGraph } from '../../../core/train/build-train-step';
import { CPU_TARGET, knownTarget } from '../../../core/train/target';
import type { SelectedDevice } from '../../../main/trainer/device';
import { onCpu, planDevice, type ProviderBuild } from '../../../main/trainer/step-plan';

// The plan only passes graphs along: stand-ins tell which one it picked.
const cpuGraph = { model: 'cpu' } as unknown as TrainStepGraph;
const gpuGraph = { model: 'webgpu' } as unknown as TrainStepGraph;
const passed = { passed: true, layout: 'default' as const, maxDiff: 0, message: 'agrees with the CPU', cached: true, ms: 1 };
const webgpu: SelectedDevice = { device: 'webgpu', fallbackReason: null, selfTest: passed };
const probed = (kinds: Array<'no-kernel' | 'differs'>): ProviderBuild => ({
  kind: 'probed',
  result: {
    graph: gpuGraph,
    target: knownTarget('webgpu'),
    probed: 0,
    cacheWarning: null,
    cpuFallbackNodes: kinds.map((kind, i) => ({ node: `n${i}`, op: 'Erf', kind, reason: kind === 'differs' ? 'differs from the CPU' : 'no webgpu kernel' })),
  },
});

describe('planDevice', () => {
  it('a CPU run keeps the CPU graph and says nothing', () => {
    const p = planDevice({ device: 'cpu', fallbackReason: null, selfTest: null }, cpuGraph, null);
    expect(p).toEqual({ device: 'cpu', fallbackReason: null, target: CPU_TARGET, graph: cpuGraph, notes: [] });
  });

  it('a device that was not selected is the fallback reason, logged as a warning', () => {
    const p = planDevice({ device: 'cpu', fallbackReason: 'CUDA is not available', selfTest: null }, cpuGraph, null);
    expect(p.notes).toEqual([{ level: 'warn', message: 'training on the CPU: CUDA is not available' }]);
    expect(p.fallbackReason).toBe('CUDA is not available');
  });

  it('a GPU whose probe passed trains its own graph; nodes without a kernel are reported', () => {
    const p = planDevice(webgpu, cpuGraph, probed(['no-kernel']));
    expect(p.device).toBe('webgpu');
    expect(p.graph).toBe(gpuGraph);
    expect(p.notes.map((n) => n.message)).toEqual([
      'webgpu: agrees with the CPU (cached self-test)',
      expect.stringMatching(/^1 node\(s\) of the training graph run on the CPU, not webgpu/),
    ]);
  });

  it('a GPU that miscomputes a node moves the run to the CPU graph, saying why', () => {
    const p = planDevice(webgpu, cpuGraph, probed(['differs']));
    expect(p.device).toBe('cpu');
    expect(p.graph).toBe(cpuGraph);
    expect(p.target).toBe(CPU_TARGET);
    expect(p.notes.at(-1)).toEqual({ level: 'warn', message: expect.stringMatching(/^training on the CPU: webgpu cannot run 1 node\(s\)/) });
  });

  it('a failed probe keeps the device on the known-gaps graph and warns', () => {
    const target = knownTarget('webgpu');
    const p = planDevice(webgpu, cpuGraph, { kind: 'probe-failed', error: 'probe crashed', target, graph: gpuGraph });
    expect(p.device).toBe('webgpu');
    expect(p.target).toBe(target);
    expect(p.notes.at(-1)?.message).toBe('webgpu: op-support probe failed (probe crashed); the graph avoids the ops known to be missing');
  });
});

it('onCpu returns a new plan and leaves the old one as it was', () => {
  const gpu = planDevice(webgpu, cpuGraph, probed([]));
  const cpu = onCpu(gpu, cpuGraph, 'webgpu could not run a training step of this model: out of memory');
  expect(gpu.device).toBe('webgpu');
  expect(gpu.notes).toHaveLength(1);
  expect(cpu).toMatchObject({ device: 'cpu', graph: cpuGraph, fallbackReason: 'webgpu could not run a training step of this model: out of memory' });
  expect(cpu.notes).toHaveLength(2);
});
