/** The loop in process: learns an easy task, same seed -> same run, checkpoints round-trip. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { startTraining } from '../../../main/trainer/start';
import { readCheckpoint, encodeCheckpoint, decodeCheckpoint, type Checkpoint } from '../../../main/trainer/checkpoint';
import { readRunJson } from '../../../main/trainer/run-folder';
import type { TrainEvent } from '../../../main/trainer/types';
import { makeDataset, options, tinyProject } from '../../helpers/trainer-fixtures';
import { tempDir } from '../../helpers/temp-dir';

async function collect(run: ReturnType<typeof startTraining>): Promise<TrainEvent[]> {
  const events: TrainEvent[] = [];
  run.on((e) => events.push(e));
  await run.finished;
  return events;
}

/** The shapes and the creation time a checkpoint file's header records (see main/trainer/checkpoint). */
function headerFacts(bytes: Uint8Array): { shapes: Map<string, number[]>; createdAt: string } {
  const hlen = Buffer.from(bytes).readUInt32LE(8);
  const header = JSON.parse(Buffer.from(bytes.subarray(12, 12 + hlen)).toString('utf8')) as { createdAt: string; tensors: { name: string; shape: number[] }[] };
  return { shapes: new Map(header.tensors.map((t) => [t.name, t.shape])), createdAt: header.createdAt };
}

/** encodeCheckpoint with the clock stopped at `createdAt`: the one field that differs between two writes. */
function encodeAt(createdAt: string, c: Checkpoint, shapes: ReadonlyMap<string, number[]>): Uint8Array {
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    vi.setSystemTime(new Date(createdAt));
    return encodeCheckpoint(c, shapes);
  } finally {
    vi.useRealTimers();
  }
}

/** Every state field equal and every tensor equal bit for bit (NaN payloads and -0 included), in the same order. */
function expectSameValues(actual: Checkpoint, expected: Checkpoint): void {
  const { weights, running, optimizerState, ...state } = expected;
  const { weights: w, running: r, optimizerState: o, ...actualState } = actual;
  expect(actualState).toEqual(state);
  const groups: [string, Map<string, Float32Array>, Map<string, Float32Array>][] = [
    ['weights', w, weights],
    ['running', r, running],
    ['optimizer', o, optimizerState],
  ];
  for (const [group, got, want] of groups) {
    expect([...got.keys()], group).toEqual([...want.keys()]);
    for (const [name, v] of want) {
      const g = got.get(name)!;
      expect(Buffer.from(g.buffer, g.byteOffset, g.byteLength).equals(Buffer.from(v.buffer, v.byteOffset, v.byteLength)), `${group} ${name}`).toBe(true);
    }
  }
}

describe('training loop (in process)', () => {
  it('learns an easy task; same seed gives identical weights; checkpoints round-trip', async () => {
    const data = await makeDataset(tempDir('trainer-'), { perClass: 24 });
    const cache = tempDir('trainer-');
    const outA = path.join(tempDir('trainer-'), 'runA');
    const outB = path.join(tempDir('trainer-'), 'runB');
    const a = await collect(startTraining(options(tinyProject(), data, outA, cache, { epochs: 3 }), { mode: 'inline' }));
    const done = a.at(-1)!;
    expect(done.type, JSON.stringify(a.filter((e) => e.type === 'failed' || e.type === 'log'))).toBe('done');
    const epochs = a.filter((e): e is Extract<TrainEvent, { type: 'epoch' }> => e.type === 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(epochs[2]!.trainLoss).toBeLessThan(epochs[0]!.trainLoss);
    expect(epochs[2]!.valAccuracy!).toBeGreaterThan(0.75);
    expect(a.some((e) => e.type === 'log' && /class count set from the dataset/.test(e.message))).toBe(true);
    expect(a.filter((e) => e.type === 'progress').length).toBeGreaterThan(0);

    const b = await collect(startTraining(options(tinyProject(), data, outB, cache, { epochs: 3 }), { mode: 'inline' }));
    expect(b.at(-1)!.type).toBe('done');
    const ca = await readCheckpoint(path.join(outA, 'last.ckpt'));
    const cb = await readCheckpoint(path.join(outB, 'last.ckpt'));
    expect(ca.epoch).toBe(3);
    expect(ca.step).toBe(cb.step);
    for (const [k, v] of ca.weights) expect(Buffer.from(cb.weights.get(k)!.buffer).equals(Buffer.from(v.buffer)), k).toBe(true);
    for (const [k, v] of ca.optimizerState) expect(Buffer.from(cb.optimizerState.get(k)!.buffer).equals(Buffer.from(v.buffer)), k).toBe(true);

    // Round trip, byte for byte: read the file, write it again with the shapes and timestamp its
    // header records, and the bytes are the file's; reading those back gives the same values.
    const bytes = await fs.readFile(path.join(outA, 'last.ckpt'));
    const { shapes, createdAt } = headerFacts(bytes);
    const again = encodeAt(createdAt, ca, shapes);
    expect(again.length).toBe(bytes.length);
    expect(Buffer.from(again).equals(bytes)).toBe(true);
    expectSameValues(decodeCheckpoint(again), ca);

    const run = await readRunJson(outA);
    expect(run.status).toBe('done');
    expect(run.history).toHaveLength(3);
    expect(run.data.classes).toEqual(['bottom', 'top']);
    expect(run.preprocessing.inputSize).toEqual([1, 8, 8]);
    expect(run.evaluation!.confusion).toHaveLength(2);
    await fs.access(path.join(outA, 'model.onnx'));
    await fs.access(path.join(outA, 'best.ckpt'));
  });
});

describe('checkpoint encoding', () => {
  it('write, read, write again: identical bytes and bit-identical values, awkward floats included', () => {
    const awkward = new Float32Array([0, -0, 1.5, -3.25e-39 /* subnormal */, Infinity, -Infinity, 3.4028234663852886e38]);
    const nan = new Float32Array(2);
    new DataView(nan.buffer).setUint32(0, 0x7fc00001, true); // a NaN with a payload
    new DataView(nan.buffer).setUint32(4, 0xffc00000, true); // a negative NaN
    const c: Checkpoint = {
      epoch: 4,
      step: 40,
      seed: 7,
      rng: { kind: 'seeded-per-epoch', seed: 7, nextEpoch: 5 },
      bestEpoch: 3,
      bestValAccuracy: 0.1 + 0.2,
      epochsWithoutImprovement: 1,
      optimizer: 'adam',
      weights: new Map([
        ['fc.W', awkward],
        ['conv.W', new Float32Array([1, 2, 3, 4, 5, 6])],
      ]),
      running: new Map([['bn.running_var', nan]]),
      optimizerState: new Map([
        ['fc.W.m', new Float32Array(7).fill(1e-30)],
        ['empty', new Float32Array(0)],
      ]),
    };
    const shapes = new Map([
      ['conv.W', [1, 1, 2, 3]],
      ['fc.W', [7, 1]],
    ]);
    const first = encodeAt('2026-01-02T03:04:05.678Z', c, shapes);
    const read = decodeCheckpoint(first, 'first.ckpt');
    expectSameValues(read, c);
    const { shapes: recorded, createdAt } = headerFacts(first);
    expect(createdAt).toBe('2026-01-02T03:04:05.678Z');
    expect(recorded.get('conv.W')).toEqual([1, 1, 2, 3]);
    const second = encodeAt(createdAt, read, recorded);
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
  });
});
