/**
 * The op-support probe on WebGPU: session.disable_cpu_ep_fallback really refuses a node without a
 * kernel, the probe finds the gaps that core/train/target.ts KNOWN_GAPS lists (so the list is
 * checked against this onnxruntime), and results are cached per provider, onnxruntime and driver.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../../../core/onnx/builder';
import { buildTrainStep, makeModel } from '../../../core/train/build-train-step';
import { prepareForTraining } from '../../../core/train/prepare';
import type { GradOptions } from '../../../core/train/grad/types';
import { CPU_TARGET, KNOWN_GAPS } from '../../../core/train/target';
import { buildForProvider } from '../../../main/providers/graph-target';
import { probeOps } from '../../../main/providers/op-probe';
import { opSignatures } from '../../../main/providers/op-signatures';
import { OpSupportCache } from '../../../main/providers/op-support-cache';
import { createSession } from '../../../main/trainer/ort-session';
import { buildFixtureGraph } from '../../helpers/fixture-graphs';
import { Fixture } from '../../helpers/fixture-tensors';
import { webgpuMissing } from '../../helpers/webgpu';
import { tempDir } from '../../helpers/temp-dir';

/**
 * LeNet-5's train step for `target`. `grad: { maxPoolSlices: false }` puts its 2x2 pools on the
 * Indices route, as overlapping pools are on the CPU, so that a probe sees MaxPool's Indices.
 */
function lenetStep(target = CPU_TARGET, grad: GradOptions = {}) {
  const fx = new Fixture('lenet5');
  const fg = buildFixtureGraph(fx);
  const prepared = prepareForTraining(fg.graph, { batch: 8 });
  return buildTrainStep(
    { graph: prepared.graph, input: fg.input, logits: fg.logits, trainable: fg.trainable, stateUpdates: prepared.stateUpdates },
    { batchSize: 8, optimizer: { kind: 'sgd' }, target, grad },
  );
}

/** The gaps LeNet-5 does not show: Sum, Size, and the dilated 1x1 conv of a strided shortcut's dW. */
function otherGapsModel() {
  const g = new GraphBuilder('gaps');
  g.input('a', 'float32', [2, 3]);
  g.input('b', 'float32', [2, 3]);
  g.input('x', 'float32', [256, 8, 2, 2]);
  g.input('w', 'float32', [512, 8, 1, 1]);
  g.op('Sum', ['a', 'b'], {}, { outputNames: ['sum'] });
  g.op('Size', ['a'], {}, { outputNames: ['size'] });
  g.op('Conv', ['x', 'w'], { kernel_shape: [1, 1], dilations: [2, 2], pads: [0, 0, 1, 1] }, { outputNames: ['conv'] });
  g.output('sum', 'float32', [2, 3]);
  g.output('size', 'int64', []);
  g.output('conv', 'float32', [256, 512, 3, 3]);
  return makeModel(g.build(), 'gaps');
}

describe.skipIf(webgpuMissing !== null)('op-support probe on WebGPU', () => {
  it('session.disable_cpu_ep_fallback = 1 refuses a node WebGPU has no kernel for', async () => {
    const g = new GraphBuilder('ls');
    g.input('z', 'float32', [2, 5]);
    g.op('LogSoftmax', ['z'], { axis: 1 }, { outputNames: ['y'] });
    g.output('y', 'float32', [2, 5]);
    const model = makeModel(g.build(), 'logsoftmax');
    await expect(createSession(model, { device: 'webgpu', cpuFallback: false })).rejects.toThrow(/fallback to CPU EP has been explicitly disabled/);
    const s = await createSession(model, { device: 'webgpu' });
    const y = (await s.run({ z: new ort.Tensor('float32', new Float32Array(10), [2, 5]) })).y!.data as Float32Array;
    expect(y[0]).toBeCloseTo(Math.log(1 / 5), 6);
    await s.release();
  });

  it('finds every known WebGPU gap and nothing else in a CPU-formulated LeNet-5 step', async () => {
    const sigs = [...opSignatures(lenetStep(CPU_TARGET, { maxPoolSlices: false }).model).values(), ...opSignatures(otherGapsModel()).values()];
    const verdicts = await probeOps(ort, sigs, 'webgpu');
    const gaps = new Map<string, string | undefined>();
    for (const s of sigs) {
      const v = verdicts.get(s.key)!;
      if (!v.supported) gaps.set(s.capability, v.kind);
    }
    expect([...gaps.keys()].sort()).toEqual([...KNOWN_GAPS.webgpu!].sort());
    // CPU fallback cannot rescue MaxPool with Indices: it loads on WebGPU and fails when run.
    expect(gaps.get('MaxPool.Indices')).toBe('run-time');
    expect(gaps.get('Conv.dilations')).toBe('differs');
    expect(gaps.get('LogSoftmax')).toBe('no-kernel');
  });

  it('caches verdicts per provider, onnxruntime version and driver', async () => {
    const file = path.join(tempDir('op-cache-'), 'op-support.json');
    // The default formulation: 2x2 pools by strided Slices, which WebGPU runs without CPU nodes.
    const build = (target: Parameters<typeof lenetStep>[0]) => lenetStep(target);
    const first = await buildForProvider('webgpu', build, (s) => s.model, { cache: await OpSupportCache.open(file), driverKey: 'driver-a' });
    expect(first.probed).toBeGreaterThan(0);
    expect(first.cpuFallbackNodes).toEqual([]);
    const again = await buildForProvider('webgpu', build, (s) => s.model, { cache: await OpSupportCache.open(file), driverKey: 'driver-a' });
    expect(again.probed).toBe(0);
    const otherDriver = await buildForProvider('webgpu', build, (s) => s.model, { cache: await OpSupportCache.open(file), driverKey: 'driver-b' });
    expect(otherDriver.probed).toBe(first.probed);
  });
});
