/**
 * The weights readers against files PyTorch writes (make-weights.py, run here): torch.save's zip
 * and legacy formats, a wrapped checkpoint, safetensors; and the restricted unpickler refusing a
 * pickle whose reduce calls os.system, by name, without running it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapStateDict, WeightsMismatchError } from '../../../core/pretrained/map-weights';
import { PickleError, unpickle } from '../../../core/pretrained/pickle';
import { readSafetensors } from '../../../core/pretrained/safetensors-read';
import { readTorchStateDict, torchGlobal, type NamedArray } from '../../../core/pretrained/torch-pth';
import { runPython, torchMissing } from '../../helpers/python-torch';

const missing = torchMissing();
const dir = mkdtempSync(path.join(os.tmpdir(), 'cnn-pth-'));
let expected: Record<string, { shape: number[]; data: number[] }> = {};
const read = (name: string): Uint8Array => new Uint8Array(readFileSync(path.join(dir, name)));

beforeAll(() => {
  if (missing) return;
  runPython([path.join(__dirname, 'make-weights.py'), dir], dir);
  expected = JSON.parse(readFileSync(path.join(dir, 'small.json'), 'utf8')) as typeof expected;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectSame(got: Map<string, NamedArray>, names: string[]): void {
  expect([...got.keys()].sort()).toEqual([...names].sort());
  for (const n of names) {
    expect(got.get(n)!.shape, n).toEqual(expected[n]!.shape);
    const want = expected[n]!.data;
    const have = got.get(n)!.data;
    expect(have.length, n).toBe(want.length);
    for (let i = 0; i < want.length; i++) expect(have[i], `${n}[${i}]`).toBeCloseTo(want[i]!, 6);
  }
}

describe.skipIf(missing !== null)('reading PyTorch weights', () => {
  it('reads the zip format: float, half, int64, non-contiguous and offset views', () => {
    expectSame(readTorchStateDict(read('small.pth')), Object.keys(expected));
  });
  it('reads the legacy (non-zip) format the same', () => {
    expectSame(readTorchStateDict(read('small-legacy.pth')), Object.keys(expected));
  });
  it("unwraps {'state_dict': ...}", () => {
    expectSame(readTorchStateDict(read('wrapped.pth')), Object.keys(expected));
  });
  it('reads safetensors (F32 and F16)', () => {
    expectSame(
      readSafetensors(read('small.safetensors')),
      Object.keys(expected).filter((k) => !k.endsWith('num_batches_tracked')),
    );
  });
  it('refuses a pickle that calls os.system, by name, and runs nothing', () => {
    expect(() => readTorchStateDict(read('evil.pth'))).toThrow(/refused to load the global posix\.system|refused to load the global os\.system/);
    expect(() => unpickle(read('evil.pkl'), { resolveGlobal: torchGlobal })).toThrow(PickleError);
    expect(existsSync(path.join(dir, 'PWNED'))).toBe(false);
  });
  it('refuses builtins such as eval too', () => {
    // protocol 2: GLOBAL 'builtins eval', then a string and REDUCE
    const bytes = new Uint8Array([0x80, 2, ...new TextEncoder().encode('cbuiltins\neval\n'), 0x58, 1, 0, 0, 0, 0x31, 0x85, 0x52, 0x2e]);
    expect(() => unpickle(bytes, { resolveGlobal: torchGlobal })).toThrow('refused to load the global builtins.eval');
  });
  it('says a truncated file is truncated', () => {
    const b = read('small.pth');
    expect(() => readTorchStateDict(b.subarray(0, b.length - 100))).toThrow(/truncated/);
  });
});

describe('mapping a state_dict onto a model', () => {
  const t = (shape: number[]): NamedArray => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
  const model = [
    { name: 'conv1.weight', shape: [4, 3, 3, 3] },
    { name: 'fc.weight', shape: [10, 4] },
    { name: 'fc.bias', shape: [10] },
  ];
  it('maps by name and skips num_batches_tracked and aux classifiers', () => {
    const file = new Map([
      ['conv1.weight', t([4, 3, 3, 3])],
      ['fc.weight', t([10, 4])],
      ['fc.bias', t([10])],
      ['bn1.num_batches_tracked', t([])],
      ['aux1.fc2.weight', t([1000, 1024])],
    ]);
    const r = mapStateDict(model, file);
    expect([...r.weights.keys()]).toEqual(['conv1.weight', 'fc.weight', 'fc.bias']);
    expect(r.skipped).toBe(2);
  });
  it('lists unmatched tensors both ways and shape mismatches', () => {
    const file = new Map([
      ['conv1.weight', t([4, 3, 5, 5])],
      ['fc.weight', t([10, 4])],
      ['head.bias', t([10])],
    ]);
    let err: unknown;
    try {
      mapStateDict(model, file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WeightsMismatchError);
    const m = (err as Error).message;
    expect(m).toContain('1 model weight(s) have no tensor in the file: fc.bias');
    expect(m).toContain('1 tensor(s) in the file have no weight in the model: head.bias');
    expect(m).toContain('conv1.weight is [4, 3, 5, 5] in the file, [4, 3, 3, 3] in the model');
  });
});
