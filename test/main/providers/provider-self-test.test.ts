/**
 * The provider self-test: agreement with the CPU on the reference model, the NCHW cure, refusal
 * with the largest difference, the cache; and on this machine's WebGPU when it loads.
 */
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseLayout, chosenLayout, providerConfig, type ProviderLayout } from '../../../main/providers/layout';
import { compareReference, runReference, type ReferenceOutputs } from '../../../main/providers/reference-self-test';
import { selfTestProvider } from '../../../main/providers/provider-self-test';
import { probeExecutionProviders } from '../../../main/providers';
import { tempDir } from '../../helpers/temp-dir';

const dir = tempDir('cnn-selftest-');
let cpu: ReferenceOutputs;
beforeAll(async () => {
  cpu = await runReference(ort, 'cpu', 'default');
});

/** The CPU's outputs with the inference logits shifted by `shift` (the NHWC fault is ~4e-2). */
function shifted(shift: number): ReferenceOutputs {
  return { ...cpu, evalLogits: cpu.evalLogits.map((v, i) => (i === 3 ? v + shift : v)) };
}

describe('reference comparison', () => {
  it('the CPU agrees with itself; a 4e-2 logit error fails, 1e-5 passes, NaN fails', async () => {
    expect(compareReference(await runReference(ort, 'cpu', 'default'), cpu).maxDiff).toBe(0);
    expect(compareReference(shifted(4e-2), cpu)).toMatchObject({ where: 'inference logits' });
    expect(compareReference(shifted(4e-2), cpu).worstRatio).toBeGreaterThan(1);
    expect(compareReference(shifted(1e-5), cpu).worstRatio).toBeLessThanOrEqual(1);
    expect(compareReference(shifted(Number.NaN), cpu).worstRatio).toBe(Infinity);
  });

  it('weight updates are compared relative to the step: a wrong gradient fails although the weights barely move', () => {
    const [name, u] = [...cpu.updates][0]!;
    const bad = new Map(cpu.updates);
    bad.set(
      name,
      u.map((v) => v * 1.01),
    );
    const c = compareReference({ ...cpu, updates: bad }, cpu);
    expect(c.where).toBe(`the update of ${name}`);
    expect(c.worstRatio).toBeGreaterThan(1);
  });
});

describe('provider self-test', () => {
  const fake =
    (byLayout: Record<ProviderLayout, ReferenceOutputs | Error>) =>
    async (p: string, l: ProviderLayout): Promise<ReferenceOutputs> => {
      if (p === 'cpu') return cpu;
      const r = byLayout[l];
      if (r instanceof Error) throw r;
      return r;
    };

  it('default layout miscomputes, NCHW agrees: NCHW is used and the result says so', async () => {
    chooseLayout('webgpu', 'default');
    const t = await selfTestProvider('webgpu', { ort, driverKey: 'a', cacheFile: path.join(dir, 'c1.json'), run: fake({ default: shifted(4e-2), NCHW: cpu }) });
    expect(t).toMatchObject({ passed: true, layout: 'NCHW', cached: false });
    expect(t.message).toMatch(/default \(NHWC\) layout it miscomputes \(inference logits: largest difference from the CPU 4\.00e-2.*so NCHW is used/);
    expect(chosenLayout('webgpu')).toBe('NCHW');
    expect(providerConfig('webgpu')).toEqual({ name: 'webgpu', preferredLayout: 'NCHW' });
  });

  it('default layout agrees: it is kept', async () => {
    const t = await selfTestProvider('webgpu', { ort, driverKey: 'a', cacheFile: path.join(dir, 'c2.json'), run: fake({ default: cpu, NCHW: shifted(1) }) });
    expect(t).toMatchObject({ passed: true, layout: 'default' });
    expect(providerConfig('webgpu')).toEqual({ name: 'webgpu' });
    chooseLayout('webgpu', 'NCHW');
  });

  it('miscomputes either way: refused, naming the largest difference; a provider that cannot run says why', async () => {
    const t = await selfTestProvider('webgpu', {
      ort,
      driverKey: 'a',
      cacheFile: path.join(dir, 'c3.json'),
      run: fake({ default: shifted(4e-2), NCHW: shifted(0.5) }),
    });
    expect(t.passed).toBe(false);
    expect(t.maxDiff).toBeCloseTo(0.5, 6);
    expect(t.message).toMatch(/^refused: .*4\.00e-2.*NCHW layout it miscomputes \(inference logits: largest difference from the CPU 5\.00e-1/);
    const cuda = await selfTestProvider('cuda', {
      ort,
      driverKey: 'a',
      cacheFile: path.join(dir, 'c3.json'),
      run: fake({ default: new Error('CUDA failure 700: an illegal memory access'), NCHW: cpu }),
    });
    expect(cuda).toMatchObject({ passed: false, layout: null });
    expect(cuda.message).toMatch(/could not run the reference model: CUDA failure 700/);
  });

  it('a verdict is cached per provider and driver; a new driver or --retest runs it again', async () => {
    const cacheFile = path.join(dir, 'c4.json');
    const boom = async (): Promise<ReferenceOutputs> => {
      throw new Error('should have come from the cache');
    };
    await selfTestProvider('webgpu', { ort, driverKey: 'mesa-25.0.7', cacheFile, run: fake({ default: shifted(4e-2), NCHW: cpu }) });
    expect(await selfTestProvider('webgpu', { ort, driverKey: 'mesa-25.0.7', cacheFile, run: boom })).toMatchObject({
      passed: true,
      layout: 'NCHW',
      cached: true,
    });
    expect(await selfTestProvider('webgpu', { ort, driverKey: 'mesa-25.1.0', cacheFile, run: fake({ default: cpu, NCHW: cpu }) })).toMatchObject({
      layout: 'default',
      cached: false,
    });
    expect(await selfTestProvider('webgpu', { ort, driverKey: 'mesa-25.0.7', cacheFile, force: true, run: fake({ default: cpu, NCHW: cpu }) })).toMatchObject({
      layout: 'default',
      cached: false,
    });
    chooseLayout('webgpu', 'NCHW');
  });
});

describe('this machine', () => {
  it('WebGPU, where it loads, passes the reference self-test with some layout', async (ctx) => {
    const webgpu = (await probeExecutionProviders({ timeoutMs: 120_000 })).find((p) => p.name === 'webgpu');
    if (!webgpu?.available) ctx.skip();
    const t = await selfTestProvider('webgpu', { ort, driverKey: 'this-machine', cacheFile: path.join(dir, 'real.json') });
    expect(t.passed, t.message).toBe(true);
    expect(chosenLayout('webgpu')).toBe(t.layout);
  }, 180_000);
});
