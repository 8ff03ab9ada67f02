import { readFileSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { OnnxFormatError } from '../../../core/onnx/errors';
import { onnxProto } from '../../../core/onnx/proto-module';
import { loadOnnxModel } from '../../../main/onnx/load-model';
import { loadFixture, maxAbsDiff } from '../../helpers/fixture-onnx';
import { tempDir, testTempDir } from '../../helpers/temp-dir';

const dir = tempDir('cnn-onnx-load-');

/** lenet5's model.onnx with fc1.weight moved out to `location` (written at `writeTo`). */
function withExternal(location: string, writeTo: string | null, name = 'ext.onnx', lengthOverride?: number): string {
  const fx = loadFixture('lenet5');
  const proto = onnxProto.ModelProto.decode(readFileSync(fx.onnxPath));
  const t = proto.graph!.initializer!.find((x) => x.name === 'fc1.weight')!;
  const raw = t.rawData ?? new Uint8Array(0);
  if (writeTo) writeFileSync(writeTo, Buffer.concat([Buffer.alloc(16), raw]));
  t.rawData = new Uint8Array(0);
  t.dataLocation = 1;
  t.externalData = [
    { key: 'location', value: location },
    { key: 'offset', value: '16' },
    { key: 'length', value: String(lengthOverride ?? raw.length) },
  ];
  const file = path.join(dir, name);
  writeFileSync(file, onnxProto.ModelProto.encode(proto).finish());
  return file;
}

async function expectRefused(file: string, pattern: RegExp): Promise<void> {
  const err = await loadOnnxModel(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OnnxFormatError);
  expect((err as Error).message).toMatch(pattern);
  expect((err as Error).message.startsWith(file)).toBe(true);
}

describe('loadOnnxModel', () => {
  it('loads a fixture model', async () => {
    const loaded = await loadOnnxModel(loadFixture('resnet_mini').onnxPath);
    expect(loaded.model.graph.nodes.length).toBeGreaterThan(10);
    expect(loaded.externalFiles).toEqual([]);
  });

  it('reads external data from the model folder, and the result runs like the original', async () => {
    const file = withExternal('weights/fc1.bin', null);
    mkdirSync(path.join(dir, 'weights'), { recursive: true });
    withExternal('weights/fc1.bin', path.join(dir, 'weights', 'fc1.bin'));
    const loaded = await loadOnnxModel(file);
    expect(loaded.externalFiles).toHaveLength(1);
    const fc1 = loaded.model.graph.initializers.find((t) => t.name === 'fc1.weight')!;
    expect(fc1.data.length).toBe(120 * 400);
    // onnxruntime resolves the same reference itself: both must agree with PyTorch.
    const fx = loadFixture('lenet5');
    const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', fx.input.data, fx.input.shape) });
    await session.release();
    expect(maxAbsDiff(out[session.outputNames[0]!]!.data as Float32Array, fx.evalLogits.data)).toBeLessThan(1e-5);
    expect(Array.from(fx.params.get('fc1.weight')!.data.subarray(0, 5))).toEqual(Array.from((fc1.data as Float32Array).subarray(0, 5)));
  });

  it('refuses external data outside the folder, absolute, missing, symlinked out or too short', async () => {
    const outside = testTempDir('cnn-onnx-outside-');
    writeFileSync(path.join(outside, 'secret.bin'), Buffer.alloc(300_000));
    await expectRefused(withExternal('../secret.bin', null, 'a.onnx'), /outside the model's folder/);
    await expectRefused(withExternal(path.join(outside, 'secret.bin'), null, 'b.onnx'), /absolute/);
    await expectRefused(withExternal('nothere.bin', null, 'c.onnx'), /does not exist/);
    symlinkSync(path.join(outside, 'secret.bin'), path.join(dir, 'link.bin'));
    await expectRefused(withExternal('link.bin', null, 'd.onnx'), /links outside/);
    writeFileSync(path.join(dir, 'short.bin'), Buffer.alloc(100));
    await expectRefused(withExternal('short.bin', null, 'e.onnx'), /has 100 bytes/);
    await expectRefused(withExternal('short.bin', null, 'f.onnx', 7), /does not match shape/);
  });

  it('names the file for missing files, folders and garbage', async () => {
    await expectRefused(path.join(dir, 'missing.onnx'), /no such file/);
    await expectRefused(dir, /is a folder/);
    const txt = path.join(dir, 'notes.onnx');
    writeFileSync(txt, 'just some notes\n');
    await expectRefused(txt, /text file/);
  });
});
