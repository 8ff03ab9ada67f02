import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OnnxFormatError, type OnnxErrorCode } from '../../../core/onnx/errors';
import { GraphBuilder } from '../../../core/onnx/builder';
import type { Model } from '../../../core/onnx/ir';
import { decodeModel, encodeModel } from '../../../core/onnx/proto';
import { onnxProto } from '../../../core/onnx/proto-module';
import { toLongBits } from '../../../core/onnx/int64';
import { loadFixture } from '../../helpers/fixture-onnx';

function expectOnnxError(fn: () => unknown, code: OnnxErrorCode, pattern: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected an OnnxFormatError').toBeInstanceOf(OnnxFormatError);
  const err = thrown as OnnxFormatError;
  expect(err.code).toBe(code);
  expect(err.message).toMatch(pattern);
}

function tinyModel(edit?: (g: GraphBuilder) => void, opset = 17): Model {
  const g = new GraphBuilder('tiny');
  g.input('input', 'float32', ['N', 3]);
  if (edit) edit(g);
  else g.op1('Relu', ['input'], {}, { outputNames: ['y'] });
  g.output('y', 'float32', ['N', 3]);
  return { irVersion: 8, opsetImports: [{ domain: '', version: opset }], producerName: 't', producerVersion: '0', graph: g.build(), metadata: {} };
}

function protoBytes(tensor: Record<string, unknown>): Uint8Array {
  return onnxProto.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      node: [{ opType: 'Add', input: ['input', 'w'], output: ['y'], name: 'add' }],
      input: [{ name: 'input', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 3 }] } } } }],
      output: [{ name: 'y', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 3 }] } } } }],
      initializer: [{ name: 'w', dataType: 1, ...tensor }],
    },
  }).finish();
}

describe('decodeModel refuses bad input with a clear, typed error', () => {
  const real = new Uint8Array(readFileSync(loadFixture('lenet5').onnxPath));

  it('accepts a valid hand-built model', () => {
    expect(decodeModel(encodeModel(tinyModel())).graph.nodes).toHaveLength(1);
  });

  it('empty file', () => expectOnnxError(() => decodeModel(new Uint8Array(0)), 'empty', /empty/));

  it('truncated file', () => {
    for (const frac of [0.1, 0.5, 0.9, 0.999]) {
      expect(() => decodeModel(real.subarray(0, Math.floor(real.length * frac)))).toThrow(OnnxFormatError);
    }
  });

  it('random bytes', () => {
    let seed = 12345;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let i = 0; i < 50; i++) {
      const bytes = Uint8Array.from({ length: 64 + i * 97 }, rnd);
      expect(() => decodeModel(bytes)).toThrow(OnnxFormatError);
    }
  });

  it('text file renamed .onnx', () => {
    expectOnnxError(() => decodeModel(new TextEncoder().encode('hello, this is not a model\nsecond line\n')), 'not-onnx', /text file/);
    expectOnnxError(() => decodeModel(new TextEncoder().encode('{"version": 1, "nodes": []}')), 'not-onnx', /JSON/);
  });

  it('a PyTorch checkpoint (zip)', () => {
    expectOnnxError(() => decodeModel(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])), 'not-onnx', /PyTorch/);
  });

  it('huge declared dimensions are refused before allocating', () => {
    const huge = protoBytes({ dims: [toLongBits(1e12), toLongBits(1e12)], rawData: new Uint8Array(12) });
    expectOnnxError(() => decodeModel(huge), 'bad-tensor', /"w".*more than/);
    const mismatch = protoBytes({ dims: [toLongBits(1000)], rawData: new Uint8Array(12) });
    expectOnnxError(() => decodeModel(mismatch), 'bad-tensor', /"w" has 12 bytes.*needs 4000/);
    const negative = protoBytes({ dims: [toLongBits(-3)], rawData: new Uint8Array(12) });
    expectOnnxError(() => decodeModel(negative), 'bad-tensor', /invalid dimension -3/);
  });

  it('external data without a resolver names the file', () => {
    const ext = protoBytes({
      dims: [toLongBits(3)],
      dataLocation: 1,
      externalData: [
        { key: 'location', value: 'weights.bin' },
        { key: 'offset', value: '0' },
        { key: 'length', value: '12' },
      ],
    });
    expectOnnxError(() => decodeModel(ext), 'external-data', /weights\.bin/);
    const resolved = decodeModel(ext, { externalData: () => new Uint8Array(new Float32Array([1, 2, 3]).buffer) });
    expect(Array.from(resolved.graph.initializers[0]!.data as Float32Array)).toEqual([1, 2, 3]);
    expectOnnxError(() => decodeModel(ext, { externalData: () => new Uint8Array(4) }), 'external-data', /supplied 4 bytes/);
  });

  it('cyclic graph', () => {
    const m = tinyModel((g) => {
      g.op('Add', ['input', 'b'], {}, { outputNames: ['a'], name: 'first' });
      g.op('Relu', ['a'], {}, { outputNames: ['b'], name: 'second' });
      g.op('Relu', ['b'], {}, { outputNames: ['y'] });
    });
    expectOnnxError(() => decodeModel(encodeModel(m)), 'cycle', /cycle.*"first"/);
  });

  it('missing initializer', () => {
    const m = tinyModel((g) => {
      g.op('Add', ['input', 'conv1.bias'], {}, { outputNames: ['y'], name: 'add' });
    });
    expectOnnxError(() => decodeModel(encodeModel(m)), 'missing-value', /"add".*"conv1\.bias".*missing initializer/);
  });

  it('unsupported opsets', () => {
    expectOnnxError(() => decodeModel(encodeModel(tinyModel(undefined, 99))), 'opset', /opset 99 is not supported/);
    expectOnnxError(() => decodeModel(encodeModel(tinyModel(undefined, 3))), 'opset', /opset 3/);
    const noOpset = { ...tinyModel(), opsetImports: [] };
    expectOnnxError(() => decodeModel(encodeModel(noOpset)), 'opset', /no opset/);
  });

  it('nodes out of order are sorted, not refused', () => {
    const m = tinyModel((g) => {
      g.op('Relu', ['input'], {}, { outputNames: ['a'], name: 'first' });
      g.op('Relu', ['a'], {}, { outputNames: ['y'], name: 'second' });
    });
    m.graph.nodes.reverse();
    expect(decodeModel(encodeModel(m)).graph.nodes.map((n) => n.name)).toEqual(['first', 'second']);
  });
});
