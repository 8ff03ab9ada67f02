import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { scanImageFolder } from '../../../main/data/scan';
import { openDecodeCache, type DecodeCache } from '../../../main/data/cache';
import { decodeImage, type DecodeSpec } from '../../../main/data/decode';
import { assertTrainable, prepareDataset } from '../../../main/data/dataset';
import { mixedDataset, pattern, simpleDataset, writeRaw, type MixedDataset } from '../../helpers/image-folders';
import { tempDir } from '../../helpers/temp-dir';

let tmp: string;
let cacheDir: string;
let ds: MixedDataset;
const spec: DecodeSpec = { channels: 3, height: 6, width: 5, resize: 'center-crop' };
const open: DecodeCache[] = [];
async function openCache(root: string, extra: Partial<Parameters<typeof openDecodeCache>[1]> = {}): Promise<DecodeCache> {
  const c = await openDecodeCache(await scanImageFolder(root, { valSplit: 0.2, seed: 1 }), { input: spec, cacheDir, concurrency: 2, ...extra });
  open.push(c);
  return c;
}

beforeAll(async () => {
  tmp = tempDir('cnn-data-');
  cacheDir = path.join(tmp, 'cache');
  ds = await mixedDataset(path.join(tmp, 'mixed'));
});
afterAll(async () => {
  for (const c of open) await c.close();
});

describe('decode cache', () => {
  it('reports each corrupt file, keeps going, and decodes nothing on the second run', async () => {
    const first = await openCache(ds.root);
    expect(first.opened).toMatchObject({ total: 16, hits: 0, decoded: 11, failed: 5, rewritten: true });
    expect(first.report.map((r) => r.path).sort()).toEqual([...ds.corrupt].sort());
    for (const r of first.report) expect(r.reason.length).toBeGreaterThan(0);
    const n = (first.split('train')?.count ?? 0) + (first.split('val')?.count ?? 0);
    expect(n).toBe(11);
    const second = await openCache(ds.root);
    expect(second.opened).toMatchObject({ total: 16, hits: 16, decoded: 0, failed: 0, rewritten: false });
    expect(second.report.length).toBe(5);
    expect(second.dir).toBe(first.dir);
    // Cached bytes are the decoder's bytes.
    const v = second.split('train')!;
    const out = new Uint8Array(second.sampleBytes);
    await second.read([v.slots[0]!], out);
    expect(out).toEqual(await decodeImage(v.paths[0]!, spec));
  });

  it('re-decodes only a changed, added file; drops a removed one', async () => {
    const root = path.join(tmp, 'inval');
    await simpleDataset(root, { a: 5, b: 5 });
    const c1 = await openCache(root);
    expect(c1.opened.decoded).toBe(10);
    const file = path.join(root, 'a', '002.png');
    const later = new Date(Date.now() + 5000);
    await fs.utimes(file, later, later);
    const c2 = await openCache(root);
    expect(c2.opened).toMatchObject({ decoded: 1, copied: 9, hits: 9 });
    await writeRaw(path.join(root, 'b', 'new.png'), pattern(6, 6, 1, 99), 6, 6, 1);
    const c3 = await openCache(root);
    expect(c3.opened).toMatchObject({ decoded: 1, copied: 10, total: 11 });
    await fs.rm(path.join(root, 'b', '000.png'));
    const c4 = await openCache(root);
    expect(c4.opened).toMatchObject({ decoded: 0, total: 10, rewritten: false });
    const all = [...c4.split('train')!.paths, ...c4.split('val')!.paths];
    expect(all).not.toContain(path.join(root, 'b', '000.png'));
    // Only the current data file is left in the cache folder.
    const files = (await fs.readdir(c4.dir)).filter((f) => f.endsWith('.u8'));
    expect(files.length).toBe(1);
    // Every sample still matches a fresh decode.
    const v = c4.split('train')!;
    const buf = new Uint8Array(v.count * c4.sampleBytes);
    await c4.read(v.slots, buf);
    for (let i = 0; i < v.count; i++) expect(buf.subarray(i * c4.sampleBytes, (i + 1) * c4.sampleBytes)).toEqual(await decodeImage(v.paths[i]!, spec));
  });

  it('keeps what it just wrote in memory: the same bytes as the file, with no second read (fresh, and after copying unchanged samples)', async () => {
    const root = path.join(tmp, 'kept');
    await simpleDataset(root, { a: 4, b: 3 });
    const all = async (c: DecodeCache): Promise<Uint8Array> => {
      const slots = [...c.split('train')!.slots, ...c.split('val')!.slots];
      const out = new Uint8Array(slots.length * c.sampleBytes);
      await c.read(slots, out);
      return out;
    };
    const fresh = await openCache(root);
    expect(fresh.opened.decoded).toBe(7);
    expect(fresh.inMemory).toBe(true);
    expect(fresh.io.bytesRead).toBe(0);
    expect(await all(fresh)).toEqual(await all(await openCache(root, { memoryBudgetBytes: 0 })));
    await writeRaw(path.join(root, 'b', 'new.png'), pattern(6, 6, 3, 7), 6, 6, 3);
    const partial = await openCache(root);
    expect(partial.opened).toMatchObject({ decoded: 1, copied: 7 });
    expect(partial.io.bytesRead).toBe(0);
    const fromFile = await openCache(root, { memoryBudgetBytes: 0 });
    expect(fromFile.opened.rewritten).toBe(false);
    expect(await all(partial)).toEqual(await all(fromFile));
    // Over the budget nothing is kept: the reader streams the file it wrote.
    await writeRaw(path.join(root, 'a', 'new.png'), pattern(6, 6, 3, 8), 6, 6, 3);
    const streamed = await openCache(root, { memoryBudgetBytes: 1 });
    expect(streamed.opened.decoded).toBe(1);
    expect(streamed.inMemory).toBe(false);
    expect(await all(streamed)).toEqual(await all(await openCache(root)));
  });

  it('streams from disk when over the memory budget, reading only what a batch needs', async () => {
    const mem = await openCache(ds.root);
    const disk = await openCache(ds.root, { memoryBudgetBytes: 0 });
    expect(mem.inMemory).toBe(true);
    expect(disk.inMemory).toBe(false);
    expect(disk.io.bytesRead).toBe(0);
    const v = disk.split('train')!;
    const slots = [v.slots[3]!, v.slots[0]!, v.slots[1]!];
    const a = new Uint8Array(3 * disk.sampleBytes);
    const b = new Uint8Array(3 * disk.sampleBytes);
    await disk.read(slots, a);
    await mem.read(slots, b);
    expect(a).toEqual(b);
    expect(disk.io.bytesRead).toBe(3 * disk.sampleBytes);
    await expect(disk.read([999], a)).rejects.toThrow(/outside the cache/);
  });

  it('a file that cannot be read is reported but not remembered (retried next run)', async () => {
    const root = path.join(tmp, 'vanish');
    await simpleDataset(root, { a: 3, b: 3 });
    const scan = await scanImageFolder(root, { valSplit: 0 });
    const gone = path.join(root, 'a', '001.png');
    await fs.rm(gone);
    const c = await openDecodeCache(scan, { input: spec, cacheDir });
    open.push(c);
    expect(c.report).toEqual([{ path: gone, reason: 'file disappeared' }]);
    expect(c.split('train')!.count).toBe(5);
    const manifest = JSON.parse(await fs.readFile(path.join(c.dir, 'manifest.json'), 'utf8')) as { entries: Record<string, unknown> };
    expect(Object.keys(manifest.entries).sort()).toEqual(['a/000.png', 'a/002.png', 'b/000.png', 'b/001.png', 'b/002.png']);
  });

  it('a cache folder that cannot be created is a clear error', async () => {
    const file = path.join(tmp, 'plain-file');
    await fs.writeFile(file, 'x');
    await expect(openCache(ds.root, { cacheDir: path.join(file, 'cache') })).rejects.toThrow(/cannot create the decode cache folder .*plain-file/);
  });

  it('mean/std of the training split match a direct computation', async () => {
    const c = await openCache(ds.root);
    const v = c.split('train')!;
    const s = c.channelStats('train');
    const sum = [0, 0, 0];
    const sq = [0, 0, 0];
    const plane = spec.height * spec.width;
    for (const p of v.paths) {
      // float64 straight from the decoder (decodeImageFloat's float32 would round at 1e-8).
      const u8 = await decodeImage(p, spec);
      for (let ch = 0; ch < 3; ch++)
        for (let i = 0; i < plane; i++) {
          const x = u8[ch * plane + i]! / 255;
          sum[ch]! += x;
          sq[ch]! += x * x;
        }
    }
    const n = v.count * plane;
    for (let ch = 0; ch < 3; ch++) {
      const mean = sum[ch]! / n;
      expect(s.mean[ch]).toBeCloseTo(mean, 12);
      expect(s.std[ch]).toBeCloseTo(Math.sqrt(sq[ch]! / n - mean * mean), 9);
    }
  });

  it('prepareDataset: usable counts, warnings, normalisation given or computed', async () => {
    const p = await prepareDataset(ds.root, { input: spec, cacheDir, valSplit: 0.2, seed: 1 });
    open.push(p.cache);
    expect(p.classes).toEqual(['cat', 'dog']);
    const total = p.counts.train!.map((n, i) => n + p.counts.val![i]!);
    expect(total).toEqual([6, 5]);
    expect(p.corrupt.length).toBe(5);
    expect(p.warnings.join('\n')).toMatch(/5 files could not be read/);
    expect(p.normalisation).toBe('computed on train');
    expect(p.mean).toEqual(p.cache.channelStats('train').mean);
    const g = await prepareDataset(ds.root, { input: spec, cacheDir, mean: [0.5], std: [0.25] });
    open.push(g.cache);
    expect(g.mean).toEqual([0.5, 0.5, 0.5]);
    expect(g.normalisation).toBe('given');
    expect(() => assertTrainable(p)).not.toThrow();
    const one = path.join(tmp, 'one');
    await simpleDataset(one, { only: 3 });
    const o = await prepareDataset(one, { input: spec, cacheDir });
    open.push(o.cache);
    expect(o.warnings.join('\n')).toMatch(/only one class \(only\)/);
    expect(() => assertTrainable(o)).toThrow(/one class \(only\): a classifier needs at least two/);
    const dead = path.join(tmp, 'dead');
    await simpleDataset(dead, { a: 2 });
    await fs.mkdir(path.join(dead, 'b'));
    await fs.writeFile(path.join(dead, 'b', 'x.png'), 'garbage');
    const dd = await prepareDataset(dead, { input: spec, cacheDir });
    open.push(dd.cache);
    expect(dd.warnings.join('\n')).toMatch(/no readable training images for b/);
    expect(() => assertTrainable(dd)).toThrow(/no readable training images for b in .*dead/);
    await expect(prepareDataset(ds.root, { input: { ...spec, channels: 2 as 1 }, cacheDir })).rejects.toThrow(/channels must be 1 \(grey\) or 3/);
  });
});
