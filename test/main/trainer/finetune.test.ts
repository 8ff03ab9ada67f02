/**
 * Fine-tuning runs (main/trainer/finetune.ts, feature-cache.ts): a frozen backbone's cached
 * features train the head exactly as the uncached step does, frozen tensors leave the run
 * bit-identical, and the two-phase recipe unfreezes the chosen blocks for its last epochs.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocBuilder, expandGraph } from '../../../core/graph/index';
import { initialWeights, runTraining } from '../../../main/trainer/loop';
import { readCheckpoint } from '../../../main/trainer/checkpoint';
import { RunControl } from '../../../main/trainer/control';
import { withClassCount } from '../../../main/trainer/project-model';
import type { ProjectJson, TrainEvent, TrainSettings } from '../../../main/trainer/types';
import { compare } from '../../helpers/fixture-tensors';
import { makeDataset, options } from '../../helpers/trainer-fixtures';
import { tempDir } from '../../helpers/temp-dir';

function project(): ProjectJson {
  const b = new DocBuilder();
  b.then('input', 'input', { channels: 1, height: 8, width: 8 });
  b.then('conv1', 'conv2d', { filters: 4, kernel: 3, padding: 1, bias: false });
  b.then('bn1', 'batchnorm2d');
  b.then('relu1', 'relu');
  b.then('conv2', 'conv2d', { filters: 6, kernel: 3, padding: 1, stride: 2 });
  b.then('bn2', 'batchnorm2d');
  b.then('relu2', 'relu');
  b.then('pool', 'globalavgpool');
  b.then('out', 'output', { classes: 2 });
  return { name: 'finetune', model: b.build() };
}

async function train(over: Partial<TrainSettings>): Promise<{ events: TrainEvent[]; logs: string[]; out: string }> {
  const data = await makeDataset(tempDir(), { perClass: 20 });
  const out = path.join(tempDir(), 'run');
  const events: TrainEvent[] = [];
  await runTraining(options(project(), data, out, tempDir(), { epochs: 3, valSplit: 0.2, ...over }), (e) => events.push(e));
  const logs = events.flatMap((e) => (e.type === 'log' ? [e.message] : []));
  return { events, logs, out };
}

/** The seeded starting tensors of the project (2 classes), as the run initialises them. */
function startTensors(): Map<string, Float32Array> {
  const { doc } = withClassCount(project().model as never, 2);
  return initialWeights(expandGraph(doc).weights, 7);
}

const sameBits = (a: Float32Array, b: Float32Array): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const FROZEN = ['conv1.weight', 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var'];

describe('frozen backbone with cached features', () => {
  it('trains the head to the same weights as the uncached path; frozen tensors stay bit-identical', async () => {
    const cached = await train({ freeze: 'backbone' });
    const plain = await train({ freeze: 'backbone', featureCacheMb: 0 });
    expect(cached.events.at(-1)!.type).toBe('done');
    expect(plain.events.at(-1)!.type).toBe('done');
    expect(cached.logs.some((m) => /computed once per image and cached/.test(m))).toBe(true);
    expect(cached.logs.some((m) => /computed the frozen blocks' features of \d+ images/.test(m))).toBe(true);
    expect(plain.logs.some((m) => /more than the cache bound of 0 MiB/.test(m))).toBe(true);
    const a = await readCheckpoint(path.join(cached.out, 'last.ckpt'));
    const b = await readCheckpoint(path.join(plain.out, 'last.ckpt'));
    expect([...a.weights.keys()].sort()).toEqual(['out.bias', 'out.weight']);
    for (const [name, v] of b.weights) expect(compare(a.weights.get(name)!, v, 1e-5, 1e-6).bad, name).toBe(0);
    const start = startTensors();
    for (const name of [...FROZEN, 'conv2.weight', 'bn2.running_mean']) {
      expect(sameBits(a.running.get(name)!, start.get(name)!), `cached ${name}`).toBe(true);
      expect(sameBits(b.running.get(name)!, start.get(name)!), `uncached ${name}`).toBe(true);
    }
    // The head did train.
    expect(sameBits(a.weights.get('out.weight')!, start.get('out.weight')!)).toBe(false);
  }, 120_000);

  it('does not cache with augmentation on, and says why', async () => {
    const r = await train({ freeze: 'backbone', epochs: 1, augment: { hflip: true } });
    expect(r.events.at(-1)!.type).toBe('done');
    expect(r.logs.some((m) => /not cached because augmentation/.test(m))).toBe(true);
  }, 120_000);
});

describe('two-phase recipe', () => {
  it('phase 2 unfreezes the blocks from --phase2-unfreeze at a scaled learning rate; earlier blocks stay frozen', async () => {
    const r = await train({ freeze: 'backbone', phase2Epochs: 1, phase2Unfreeze: 'conv2', phase2LrScale: 0.1 });
    expect(r.events.at(-1)!.type).toBe('done');
    expect(r.logs.some((m) => /^phase 1: 8 block\(s\) frozen/.test(m))).toBe(true);
    expect(r.logs.some((m) => /^phase 2: .*blocks from conv2 on were unfrozen and train at 0.1 x/.test(m))).toBe(true);
    const c = await readCheckpoint(path.join(r.out, 'last.ckpt'));
    const start = startTensors();
    for (const name of FROZEN) expect(sameBits(c.running.get(name)!, start.get(name)!), name).toBe(true);
    expect(sameBits(c.weights.get('conv2.weight')!, start.get('conv2.weight')!)).toBe(false);
    expect(sameBits(c.running.get('bn2.running_mean')!, start.get('bn2.running_mean')!)).toBe(false);
  }, 120_000);

  it('a run stopped after phase 1 and resumed ends bit-identical to one run straight through', async () => {
    const data = await makeDataset(tempDir(), { perClass: 20 });
    const cache = tempDir();
    const over = { epochs: 3, valSplit: 0.2, freeze: 'backbone', phase2Epochs: 1, phase2Unfreeze: 'conv2' };
    const straight = path.join(tempDir(), 'straight');
    expect((await runTraining(options(project(), data, straight, cache, over), () => undefined)).type).toBe('done');
    const stopped = path.join(tempDir(), 'stopped');
    const control = new RunControl();
    const first = await runTraining(
      options(project(), data, stopped, cache, over),
      (e) => {
        if (e.type === 'epoch' && e.epoch === 2) control.cancel();
      },
      control,
    );
    expect(first.type).toBe('cancelled');
    const resumed = await runTraining({ ...options(project(), data, stopped, cache, over), resume: true }, () => undefined);
    expect(resumed.type).toBe('done');
    const [a, b] = [await readCheckpoint(path.join(straight, 'last.ckpt')), await readCheckpoint(path.join(stopped, 'last.ckpt'))];
    for (const group of ['weights', 'running', 'optimizerState'] as const) {
      expect([...b[group].keys()].sort(), group).toEqual([...a[group].keys()].sort());
      for (const [name, v] of a[group]) expect(sameBits(b[group].get(name)!, v), `${group} ${name}`).toBe(true);
    }
  }, 120_000);

  it('refuses a phase 2 block that phase 1 does not freeze, naming the choices', async () => {
    const r = await train({ freeze: 'relu1', phase2Epochs: 1, phase2Unfreeze: 'conv2' });
    const last = r.events.at(-1)!;
    expect(last.type).toBe('failed');
    expect(last.type === 'failed' && last.message).toMatch(
      /--phase2-unfreeze: "conv2" is not a block frozen in phase 1; choose one of: input, conv1, bn1, relu1/,
    );
  }, 120_000);
});
