import { beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { runCli } from '../../../main/cli';
import { capture } from '../../helpers/cli-io';
import { mixedDataset, type MixedDataset } from '../../helpers/image-folders';
import { tempDir } from '../../helpers/temp-dir';

let tmp: string;
let ds: MixedDataset;
beforeAll(async () => {
  tmp = tempDir('cnn-data-');
  ds = await mixedDataset(path.join(tmp, 'mixed'));
});
describe('cnn-studio dataset', () => {
  it('prints classes, counts, warnings and each unreadable file', async () => {
    const io = capture();
    expect(await runCli(['dataset', ds.root, '--val-split', '0.2'], io)).toBe(0);
    expect(io.stdout).toMatch(/class folders, 20% stratified validation split \(seed 0\)/);
    expect(io.stdout).toMatch(/cat\s+5\s+1/);
    // dog: 9 files, round(1.8) = 2 held out; 4 of the 7 training files are unreadable.
    expect(io.stdout).toMatch(/dog\s+3\s+2/);
    for (const f of ds.corrupt) expect(io.stdout).toContain(f);
    expect(io.stdout).toMatch(/notes\.txt: not an image extension/);
  });

  it('--input --json fills the cache and reports mean/std', async () => {
    const io = capture();
    const cacheDir = path.join(tmp, 'cache');
    expect(await runCli(['dataset', ds.root, '--input', '3x8x8', '--resize', 'letterbox', '--cache-dir', cacheDir, '--json'], io)).toBe(0);
    const r = JSON.parse(io.stdout) as { classes: string[]; corrupt: Array<{ path: string }>; mean: number[]; cache: { decoded: number; dir: string } };
    expect(r.classes).toEqual(['cat', 'dog']);
    expect(r.corrupt.map((c) => c.path).sort()).toEqual([...ds.corrupt].sort());
    expect(r.mean.length).toBe(3);
    expect(r.cache.decoded).toBe(11);
    expect(r.cache.dir.startsWith(cacheDir)).toBe(true);
    const again = capture();
    expect(await runCli(['dataset', ds.root, '--input', '3x8x8', '--resize', 'letterbox', '--cache-dir', cacheDir], again)).toBe(0);
    expect(again.stdout).toMatch(/0 decoded, 16 from cache/);
  });

  it('user errors are one line naming the path or flag', async () => {
    const io = capture();
    expect(await runCli(['dataset', path.join(tmp, 'nope')], io)).toBe(1);
    expect(io.stderr.trim()).toBe(`error: dataset folder not found: ${path.join(tmp, 'nope')}`);
    const bad = capture();
    expect(await runCli(['dataset', ds.root, '--input', '2x8x8'], bad)).toBe(1);
    expect(bad.stderr).toMatch(/--input: 2 channels/);
    const pol = capture();
    expect(await runCli(['dataset', ds.root, '--resize', 'zoom'], pol)).toBe(1);
    expect(pol.stderr).toMatch(/--resize: "zoom"/);
  });
});
