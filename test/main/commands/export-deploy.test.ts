/**
 * `cnn-studio export --quantize int8 | --precision fp16` on a LeNet-5 trained here on the bundled
 * Fashion-MNIST sample (3 epochs): the int8 file passes onnx.checker's full check, onnxruntime
 * fuses its QDQ pairs into integer kernels, its weights match numpy's quantization, its held-out
 * accuracy is within a point of fp32's; fp16 agrees with fp32; the report sits beside the file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli';
import { decodeModel } from '../../../core/onnx/proto';
import type { DeployReport } from '../../../core/deploy/report';
import { bundleCli, capture, spawnCli } from '../../helpers/cli-io';

const PYTHON = '/usr/bin/python3';
const ROOT = path.resolve(__dirname, '..', '..', '..');
const dir = mkdtempSync(path.join(tmpdir(), 'cnn-deploy-'));
const at = (f: string): string => path.join(dir, f);
const run = at('run');
const onnxMissing = spawnSync(PYTHON, ['-c', 'import onnx, numpy'], { encoding: 'utf8' }).status !== 0;

async function exportCli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = capture();
  const code = await runCli(['export', run, ...args, '--threads', '1'], io);
  return { code, out: io.stdout, err: io.stderr };
}

/** The int8 export every int8 test reads (made once, after training). */
let int8Export: { code: number; out: string; err: string };

const readReport = (f: string): DeployReport => JSON.parse(readFileSync(`${f}.report.json`, 'utf8')) as DeployReport;

beforeAll(async () => {
  const { cli, remove } = await bundleCli('deploy');
  try {
    const args = [
      'train',
      path.join(ROOT, 'assets/sample-fashion-mnist.cnn.json'),
      '--data',
      path.join(ROOT, 'assets/sample-fashion-mnist'),
      '--out',
      run,
      '--epochs',
      '3',
      '--batch',
      '32',
      '--device',
      'cpu',
      '--threads',
      '1',
      '--cache-dir',
      at('cache'),
    ];
    const r = await spawnCli(cli, args, dir);
    expect(r.code, r.err).toBe(0);
  } finally {
    await remove();
  }
  int8Export = await exportCli('-o', at('m.int8.onnx'), '--quantize', 'int8');
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('export --quantize int8', () => {
  it('writes a QDQ model that is 30% of fp32 at most, within a point of its accuracy, and a report beside it', async () => {
    const r = int8Export;
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/int8 \(QDQ, calibrated on 256 images, minmax\)/);
    const report = readReport(at('m.int8.onnx'));
    expect(report).toMatchObject({
      file: 'm.int8.onnx',
      precision: 'int8',
      calibration: { images: 256, method: 'minmax' },
      heldOut: { split: 'test', images: 200 },
    });
    const [fp32, int8] = [report.rows.find((x) => x.precision === 'fp32')!, report.rows.find((x) => x.precision === 'int8')!];
    expect(int8.bytes).toBe(statSync(at('m.int8.onnx')).size);
    expect(int8.bytes / fp32.bytes).toBeLessThanOrEqual(0.3);
    expect(fp32.accuracy!).toBeGreaterThan(0.5);
    expect(Math.abs(int8.accuracy! - fp32.accuracy!)).toBeLessThanOrEqual(0.01);
    expect(int8.agreement!).toBeGreaterThanOrEqual(0.95);
    for (const row of [fp32, int8]) expect(row.latencyP95Ms).toBeGreaterThanOrEqual(row.latencyP50Ms);
  });

  it('a plain fp32 export gets the report too: its own row is the file as written, int8 beside it', async () => {
    const r = await exportCli('-o', at('m.plain.onnx'));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/report: .*m\.plain\.onnx\.report\.json/);
    const report = readReport(at('m.plain.onnx'));
    expect(report.precision).toBe('fp32');
    expect(report.rows.map((x) => x.precision)).toEqual(['fp32', 'int8']);
    expect(report.rows[0]!.bytes).toBe(statSync(at('m.plain.onnx')).size);
  }, 60_000);

  it('onnxruntime fuses every QDQ pair: the optimized graph has QLinearConv and QGemm, no dequantized float layer', async () => {
    const optimized = at('m.int8.optimized.onnx');
    const s = await ort.InferenceSession.create(readFileSync(at('m.int8.onnx')), {
      graphOptimizationLevel: 'all',
      optimizedModelFilePath: optimized,
      logSeverityLevel: 3,
    });
    await s.release();
    const ops = decodeModel(readFileSync(optimized)).graph.nodes.map((n) => n.opType);
    // conv2 and the three dense layers run on integer kernels; conv1 (1 x 5 x 5 dot products) stays float by design.
    expect(ops.filter((o) => o === 'QLinearConv')).toHaveLength(1);
    expect(ops.filter((o) => o === 'QGemm')).toHaveLength(3);
    expect(ops.filter((o) => ['Gemm', 'FusedGemm', 'MatMul', 'DequantizeLinear'].includes(o))).toEqual([]);
    expect(ops.filter((o) => o === 'Conv' || o === 'FusedConv')).toHaveLength(1);
  }, 60_000);

  it.skipIf(onnxMissing)(
    'passes onnx.checker (full check) and matches numpy per-channel weight and bias quantization',
    async () => {
      expect((await exportCli('-o', at('m.fold.onnx'), '--fold-bn', '--no-report')).code).toBe(0);
      const check = spawnSync(PYTHON, ['-c', 'import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)', at('m.int8.onnx')], {
        encoding: 'utf8',
      });
      expect(check.status, check.stderr).toBe(0);
      const ref = spawnSync(PYTHON, [path.join(ROOT, 'test/main/deploy/qdq_reference.py'), at('m.int8.onnx'), at('m.fold.onnx')], { encoding: 'utf8' });
      expect(ref.status, ref.stderr).toBe(0);
      expect(JSON.parse(ref.stdout)).toEqual({ weights: 4, biases: 4, activations: 7, float: 1 });
    },
    60_000,
  );

  it('percentile and entropy calibration, a calibration folder and image count', async () => {
    const r = await exportCli(
      '-o',
      at('p.onnx'),
      '--quantize',
      'int8',
      '--calibration-method',
      'entropy',
      '--calibration',
      path.join(ROOT, 'assets/sample-fashion-mnist/train'),
      '--calibration-images',
      '64',
      '--no-report',
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/calibrated on 64 images, entropy/);
    const p = await exportCli('-o', at('q.onnx'), '--quantize', 'int8', '--calibration-method', 'percentile', '--calibration-images', '32', '--no-report');
    expect(p.out).toMatch(/calibrated on 32 images, percentile/);
  }, 60_000);

  it('refuses bad flags with a sentence naming the flag', async () => {
    const cases: [string[], RegExp][] = [
      [['--quantize', 'int4'], /--quantize: "int4" is not supported \(use int8\)/],
      [['--precision', 'bf16'], /--precision: "bf16" is not one of fp32, fp16/],
      [['--io', 'fp16'], /--io fp16 needs --precision fp16/],
      [['--quantize', 'int8', '--precision', 'fp16'], /exclude each other/],
      [['--quantize', 'int8', '--calibration-method', 'mse'], /--calibration-method: "mse" is not one of minmax, percentile, entropy/],
      [['--quantize', 'int8', '--calibration-images', '0'], /--calibration-images: "0" is not a whole number >= 1/],
      [['--quantize', 'int8', '--calibration', at('nowhere')], /--calibration: .*nowhere is not a folder of images/],
      [['--precision', 'fp16', '--io', 'fp16', '--with-preprocessing'], /--with-preprocessing takes uint8 pixels in: it does not go with --io fp16/],
    ];
    for (const [args, message] of cases) {
      const r = await exportCli('-o', at('bad.onnx'), ...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err).toMatch(message);
    }
  });
});

describe('export --precision fp16', () => {
  it('half weights, float32 input and outputs; logits agree with fp32 on the CPU', async () => {
    expect((await exportCli('-o', at('m.fp16.onnx'), '--precision', 'fp16', '--no-report')).code).toBe(0);
    expect((await exportCli('-o', at('m.fp32.onnx'), '--no-report')).code).toBe(0);
    const half = decodeModel(readFileSync(at('m.fp16.onnx')));
    expect(half.graph.inputs[0]!.dtype).toBe('float32');
    expect(half.graph.initializers.filter((t) => t.dtype === 'float32')).toEqual([]);
    const x = new ort.Tensor(
      'float32',
      Float32Array.from({ length: 8 * 784 }, (_, i) => Math.sin(i)),
      [8, 1, 28, 28],
    );
    const logits = async (f: string): Promise<Float32Array> => {
      const s = await ort.InferenceSession.create(readFileSync(f), { logSeverityLevel: 3 });
      try {
        return (await s.run({ input: x })).logits!.data as Float32Array;
      } finally {
        await s.release();
      }
    };
    const [a, b] = [await logits(at('m.fp16.onnx')), await logits(at('m.fp32.onnx'))];
    const scale = Math.max(...b.map(Math.abs));
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-2 * scale);
    expect((await exportCli('-o', at('m.io16.onnx'), '--precision', 'fp16', '--io', 'fp16', '--no-report')).code).toBe(0);
    const io16 = decodeModel(readFileSync(at('m.io16.onnx')));
    expect([io16.graph.inputs[0]!.dtype, io16.graph.outputs[0]!.dtype]).toEqual(['float16', 'float16']);
  }, 60_000);

  it('--with-preprocessing: an int8 model that takes uint8 NHWC pixels', async () => {
    const r = await exportCli('-o', at('m.pre.onnx'), '--quantize', 'int8', '--with-preprocessing', '--no-report');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/input 28×28×1 uint8 NHWC, preprocessing inside/);
    const m = decodeModel(readFileSync(at('m.pre.onnx')));
    expect(m.graph.inputs[0]).toMatchObject({ dtype: 'uint8', shape: ['N', 28, 28, 1] });
    const s = await ort.InferenceSession.create(readFileSync(at('m.pre.onnx')), { logSeverityLevel: 3 });
    const out = await s.run({ input: new ort.Tensor('uint8', new Uint8Array(2 * 784).fill(128), [2, 28, 28, 1]) });
    await s.release();
    expect(out.probabilities!.dims).toEqual([2, 10]);
  }, 60_000);
});
