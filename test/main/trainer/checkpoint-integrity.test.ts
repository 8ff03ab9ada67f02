/**
 * Issue 22, item 10: checkpoints carry a SHA-256 checksum checked on load (files without one still
 * load), a damaged header is named in a sentence, and NaN/infinite weights are refused on export.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli';
import { weightsCheckpoint } from '../../../main/onnx/project-weights';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../../../main/trainer/checkpoint';
import { capture } from '../../helpers/cli-io';
import { tempDir } from '../../helpers/temp-dir';

function sample(): Checkpoint {
  return {
    epoch: 3,
    step: 30,
    seed: 1,
    rng: { kind: 'seeded-per-epoch', seed: 1, nextEpoch: 4 },
    bestEpoch: 2,
    bestValAccuracy: 0.8125,
    epochsWithoutImprovement: 1,
    optimizer: 'adam',
    weights: new Map([['conv.W', Float32Array.from([1, 2, 3, 4])]]),
    running: new Map([['bn.running_mean', Float32Array.from([0.5])]]),
    optimizerState: new Map([['conv.W.m', Float32Array.from([0, 0, 0, 0])]]),
  };
}

/** The header as JSON and where the data starts. */
function header(bytes: Uint8Array): { json: Record<string, unknown>; data: number } {
  const hlen = Buffer.from(bytes).readUInt32LE(8);
  return { json: JSON.parse(Buffer.from(bytes.subarray(12, 12 + hlen)).toString('utf8')) as Record<string, unknown>, data: 12 + hlen };
}

/** A checkpoint file with `edit` applied to its header (re-padded, checksum kept as is). */
function withHeader(bytes: Uint8Array, edit: (h: Record<string, unknown>) => void): Uint8Array {
  const { json, data } = header(bytes);
  edit(json);
  let text = Buffer.from(JSON.stringify(json), 'utf8');
  text = Buffer.concat([text, Buffer.alloc((4 - ((12 + text.length) % 4)) % 4, 0x20)]);
  const head = Buffer.alloc(12);
  head.write('CNNSCKP1', 0, 'latin1');
  head.writeUInt32LE(text.length, 8);
  return Buffer.concat([head, text, Buffer.from(bytes.subarray(data))]);
}

describe('checkpoint checksum', () => {
  it('round-trips, and a flipped bit in the data or an edited header field is refused', () => {
    const bytes = encodeCheckpoint(sample(), new Map([['conv.W', [1, 1, 2, 2]]]));
    expect(header(bytes).json.sha256).toMatch(/^[0-9a-f]{64}$/);
    const back = decodeCheckpoint(bytes, 'a.ckpt');
    expect([...back.weights.get('conv.W')!]).toEqual([1, 2, 3, 4]);
    expect(back.bestValAccuracy).toBe(0.8125);

    const flipped = Uint8Array.from(bytes);
    flipped[flipped.length - 3]! ^= 0x10;
    expect(() => decodeCheckpoint(flipped, 'a.ckpt')).toThrow('a.ckpt: is damaged: its SHA-256 checksum does not match its contents');
    expect(() =>
      decodeCheckpoint(
        withHeader(bytes, (h) => void (h.epoch = 1)),
        'a.ckpt',
      ),
    ).toThrow(/SHA-256 checksum does not match/);
  });

  it('a file written before checksums (no sha256) still loads', () => {
    const old = withHeader(encodeCheckpoint(sample(), new Map()), (h) => void delete h.sha256);
    expect(decodeCheckpoint(old, 'old.ckpt').epoch).toBe(3);
  });

  it('names a damaged header in a sentence', () => {
    const bytes = withHeader(encodeCheckpoint(sample(), new Map()), (h) => void delete h.sha256);
    expect(() =>
      decodeCheckpoint(
        withHeader(bytes, (h) => void delete h.tensors),
        'b.ckpt',
      ),
    ).toThrow('b.ckpt: the header is damaged: it has no list of tensors');
    expect(() =>
      decodeCheckpoint(
        withHeader(bytes, (h) => void ((h.tensors as Record<string, unknown>[])[0]!.length = -4)),
        'b.ckpt',
      ),
    ).toThrow('b.ckpt: the header is damaged: tensor "conv.W" has an invalid length');
    expect(() =>
      decodeCheckpoint(
        withHeader(bytes, (h) => void (h.epoch = 'x')),
        'b.ckpt',
      ),
    ).toThrow('b.ckpt: the header is damaged: its epoch count is not a whole number');
    const notJson = Uint8Array.from(bytes);
    notJson[12] = 0x5b; // '{' -> '['
    expect(() => decodeCheckpoint(notJson, 'b.ckpt')).toThrow('b.ckpt: the header is damaged (it is not valid JSON); the file cannot be used');
    expect(() => decodeCheckpoint(Buffer.from('hello world, not a checkpoint'), 'c.ckpt')).toThrow('c.ckpt: is not a CNN Studio checkpoint');
  });
});

describe('export refuses NaN or infinite weights', () => {
  it('names the checkpoint and the tensor', async () => {
    const dir = tempDir('trainer-');
    const project = path.join(dir, 'lenet.json');
    expect(await runCli(['template', 'lenet5', '-o', project], capture())).toBe(0);
    const ckpt = path.join(dir, 'nan.ckpt');
    const w = new Float32Array(150);
    w[7] = Number.NaN;
    w[9] = Number.POSITIVE_INFINITY;
    writeFileSync(ckpt, weightsCheckpoint(new Map([['c1.W', w]])));
    const io = capture();
    expect(await runCli(['export', project, '-o', path.join(dir, 'm.onnx'), '--checkpoint', ckpt], io)).toBe(1);
    expect(io.stderr).toContain(`${ckpt}: tensor "c1.W" holds 2 value(s) that are NaN or infinite`);
  });
});
