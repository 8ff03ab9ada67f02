import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../../../core/onnx/export';
import { encodeModel } from '../../../core/onnx/proto';
import { convertToFloat16 } from '../../../core/quant/fp16';
import { buildTemplate } from '../../../core/templates/index';
import { cli } from '../../helpers/cli-io';

const dir = mkdtempSync(path.join(tmpdir(), 'cnn-bench-infer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const lenet = exportOnnx(buildTemplate('lenet5', { input: [1, 28, 28], classes: 10 }), { seed: 1 }).model;

interface Line {
  batch: number;
  p50Ms: number;
  p95Ms: number;
  imagesPerSecond: number;
  runs: number;
  cpuMsPerImage: number;
  device: string;
}

describe('cnn-studio bench infer', () => {
  it('times an .onnx file and a run folder: p50 <= p95, images/s = batch / p50', async () => {
    writeFileSync(path.join(dir, 'lenet.onnx'), encodeModel(lenet));
    const r = await cli('bench', 'infer', path.join(dir, 'lenet.onnx'), '--batch', '4', '--threads', '1', '--runs', '5', '--seconds', '0', '--json');
    expect(r.code, r.err).toBe(0);
    const line = JSON.parse(r.out) as Line;
    expect(line).toMatchObject({ batch: 4, device: 'cpu' });
    expect(line.runs).toBeGreaterThanOrEqual(5);
    expect(line.p95Ms).toBeGreaterThanOrEqual(line.p50Ms);
    expect(line.imagesPerSecond).toBeCloseTo(4000 / line.p50Ms, 6);
    // The process's CPU time over the timed runs, per image: the runs did compute.
    expect(line.cpuMsPerImage).toBeGreaterThan(0);
    expect(Number.isFinite(line.cpuMsPerImage)).toBe(true);
    mkdirSync(path.join(dir, 'run'));
    writeFileSync(path.join(dir, 'run', 'model.onnx'), encodeModel(convertToFloat16(lenet, { io: 'float16' })));
    const text = await cli('bench', 'infer', path.join(dir, 'run'), '--runs', '2', '--seconds', '0', '--warmup', '0');
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/^model\.onnx: batch 1, p50 [\d.]+ ms, p95 [\d.]+ ms, [\d.]+ images\/s \(\d+ runs after 0 warm-up, cpu, 2 threads, /);
  }, 60_000);

  it('says what is wrong with the target or a flag', async () => {
    mkdirSync(path.join(dir, 'empty'));
    writeFileSync(path.join(dir, 'junk.onnx'), 'not a model');
    const cases: [string[], RegExp][] = [
      [[path.join(dir, 'missing.onnx')], /missing\.onnx: no such file or folder/],
      [[path.join(dir, 'empty')], /empty: a folder to benchmark must be a training run folder with a model\.onnx; none found/],
      [[path.join(dir, 'junk.onnx')], /junk\.onnx: /],
      [[path.join(dir, 'lenet.onnx'), '--batch', 'x'], /--batch: "x" is not a whole number >= 1/],
      [[path.join(dir, 'lenet.onnx'), '--seconds', '-1'], /--seconds: "-1" is not a number >= 0/],
    ];
    for (const [args, message] of cases) {
      const r = await cli('bench', 'infer', ...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err).toMatch(message);
    }
  });
});
