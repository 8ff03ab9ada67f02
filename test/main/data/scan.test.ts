import { beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { scanImageFolder } from '../../../main/data/scan';
import { DatasetError } from '../../../main/data/errors';
import { stratifiedSplit, validationCount } from '../../../core/data/split';
import { compareCodePoints } from '../../../core/data/sort';
import { simpleDataset, writeRaw, pattern } from '../../helpers/image-folders';
import { tempDir } from '../../helpers/temp-dir';

let tmp: string;
beforeAll(async () => {
  tmp = tempDir('cnn-data-');
});
describe('scanImageFolder: class folders', () => {
  it('sorts classes like torchvision, splits each class by seed, counts per split', async () => {
    const root = path.join(tmp, 'flat');
    await simpleDataset(root, { zebra: 20, Apple: 10, banana: 3 });
    await fs.writeFile(path.join(root, 'banana', 'readme.txt'), 'x');
    await fs.writeFile(path.join(root, 'banana', '.DS_Store'), 'x');
    await fs.writeFile(path.join(root, 'banana', 'old.BMP'), 'x');
    await fs.writeFile(path.join(root, 'loose.png'), 'x');
    const s = await scanImageFolder(root, { seed: 7 });
    // Python's sorted(): upper case before lower case.
    expect(s.classes).toEqual(['Apple', 'banana', 'zebra']);
    expect(s.layout).toBe('class-folders');
    expect(s.valSource).toBe('stratified');
    // round(n * 0.1), at least 1 when a class has 2+ images.
    expect(s.counts.val).toEqual([1, 1, 2]);
    expect(s.counts.train).toEqual([9, 2, 18]);
    expect(s.splits.train.length + s.splits.val.length).toBe(33);
    const reasons = Object.fromEntries(s.skipped.map((k) => [path.basename(k.path), k.reason]));
    expect(reasons['readme.txt']).toMatch(/not an image extension \(\.txt\)/);
    expect(reasons['.DS_Store']).toBe('hidden file');
    expect(reasons['old.BMP']).toBe('image format not supported (.BMP): convert it to PNG or JPEG');
    expect(reasons['loose.png']).toBe('not inside a class folder');
    // zebra has 20/3 > 3x banana's images.
    expect(s.warnings.join('\n')).toMatch(/imbalance in train: zebra has 18 images, banana has 2/);

    const again = await scanImageFolder(root, { seed: 7 });
    expect(again.splits.val.map((e) => e.rel)).toEqual(s.splits.val.map((e) => e.rel));
    const other = await scanImageFolder(root, { seed: 8 });
    expect(other.counts.val).toEqual(s.counts.val);
    expect(other.splits.val.map((e) => e.rel)).not.toEqual(s.splits.val.map((e) => e.rel));
    const none = await scanImageFolder(root, { valSplit: 0 });
    expect(none.splits.val).toEqual([]);
    expect(none.valSource).toBe('none');
  });

  it('split does not depend on input order, and adding one file moves at most one other', () => {
    const items = Array.from({ length: 50 }, (_, i) => `c/${i}.png`);
    const a = stratifiedSplit(items, (x) => x, 0.2, 3);
    const b = stratifiedSplit([...items].reverse(), (x) => x, 0.2, 3);
    expect(b).toEqual(a);
    expect(a.val.length).toBe(10);
    const c = stratifiedSplit([...items, 'c/new.png'], (x) => x, 0.2, 3);
    const moved = a.val.filter((x) => !c.val.includes(x));
    expect(moved.length).toBeLessThanOrEqual(1);
    expect(validationCount(1, 0.5)).toBe(0);
    expect(validationCount(2, 0.01)).toBe(1);
    expect(validationCount(3, 0.99)).toBe(2);
  });

  it('compares by code point like Python', () => {
    expect(['b', 'B', 'a', '\u{1F600}', '\uFFFD'].sort(compareCodePoints)).toEqual(['B', 'a', 'b', '\uFFFD', '\u{1F600}']);
  });
});

describe('scanImageFolder: split folders', () => {
  it('uses train/ and val/ as the splits, test/ as an extra split', async () => {
    const root = path.join(tmp, 'splits');
    await simpleDataset(path.join(root, 'train'), { a: 4, b: 4 });
    await simpleDataset(path.join(root, 'val'), { a: 2, b: 1 });
    await simpleDataset(path.join(root, 'test'), { b: 3 });
    const s = await scanImageFolder(root);
    expect(s.layout).toBe('split-folders');
    expect(s.valSource).toBe('val-folder');
    expect(s.classes).toEqual(['a', 'b']);
    expect(s.counts).toEqual({ train: [4, 4], val: [2, 1], test: [0, 3] });
    expect(s.warnings.join('\n')).toMatch(/test\/ has no folder for class a/);
    expect(s.splits.val[0]!.rel).toBe('val/a/000.png');
  });

  it('uses test/ for validation when there is no val/', async () => {
    const root = path.join(tmp, 'traintest');
    await simpleDataset(path.join(root, 'train'), { a: 2, b: 2 });
    await simpleDataset(path.join(root, 'test'), { a: 1, b: 1 });
    const s = await scanImageFolder(root);
    expect(s.valSource).toBe('test-folder');
    expect(s.counts.val).toEqual([1, 1]);
    expect(s.splits.test!.length).toBe(2);
  });

  it('rejects a val class that train does not have', async () => {
    const root = path.join(tmp, 'extra');
    await simpleDataset(path.join(root, 'train'), { a: 2 });
    await simpleDataset(path.join(root, 'val'), { z: 1 });
    await expect(scanImageFolder(root)).rejects.toThrow(/class "z" has no folder in .*train/);
  });
});

describe('scanImageFolder: errors name the path', () => {
  it('missing root', async () => {
    const p = path.join(tmp, 'nope');
    await expect(scanImageFolder(p)).rejects.toThrow(`dataset folder not found: ${p}`);
  });
  it('root is a file', async () => {
    const p = path.join(tmp, 'file.png');
    await writeRaw(p, pattern(2, 2, 1, 0), 2, 2, 1);
    await expect(scanImageFolder(p)).rejects.toThrow(`${p} is a file, not a folder`);
  });
  it('no class folders', async () => {
    const p = path.join(tmp, 'noclasses');
    await writeRaw(path.join(p, 'x.png'), pattern(2, 2, 1, 0), 2, 2, 1);
    const err = await scanImageFolder(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as DatasetError).message).toMatch(/no class folders in .*noclasses/);
  });
  it('empty class', async () => {
    const p = path.join(tmp, 'emptyclass');
    await simpleDataset(p, { a: 2 });
    await fs.mkdir(path.join(p, 'b'));
    await fs.writeFile(path.join(p, 'b', 'x.txt'), 'x');
    await expect(scanImageFolder(p)).rejects.toThrow(`class folder ${path.join(p, 'b')} has no images`);
  });
  it('bad val split', async () => {
    await expect(scanImageFolder(tmp, { valSplit: 1 })).rejects.toThrow(/out of range/);
  });
});
