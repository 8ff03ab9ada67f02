/**
 * Issue 22, item 12: the dataset scan names a file whose name is not UTF-8 as such (it said
 * "cannot stat"), follows no symbolic link out of the dataset folder (a class folder linked to /
 * walked the whole file system), and follows no link to a folder inside it (a link to the root
 * relabelled every other class's images).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scanImageFolder } from '../../../main/data/scan';
import { simpleDataset } from '../../helpers/image-folders';
import { tempDir } from '../../helpers/temp-dir';

let tmp: string;
beforeAll(async () => {
  tmp = tempDir('cnn-data-');
});
const reasonsOf = (skipped: { path: string; reason: string }[]): Record<string, string> =>
  Object.fromEntries(skipped.map((k) => [path.basename(k.path), k.reason]));

describe.runIf(process.platform === 'linux')('scanImageFolder: names and links', () => {
  it('reports a file name that is not UTF-8, and still reads the others', async () => {
    const root = path.join(tmp, 'names');
    await simpleDataset(root, { cat: 4, dog: 4 });
    const png = await fs.readFile(path.join(root, 'cat', (await fs.readdir(path.join(root, 'cat')))[0]!));
    // Latin-1 "café.png": the byte 0xE9 alone is not UTF-8.
    await fs.writeFile(Buffer.concat([Buffer.from(path.join(root, 'cat') + path.sep), Buffer.from([0x63, 0x61, 0x66, 0xe9]), Buffer.from('.png')]), png);
    const s = await scanImageFolder(root, { valSplit: 0 });
    expect(s.counts.train).toEqual([4, 4]);
    const bad = s.skipped.find((k) => k.path.includes('caf'));
    expect(bad).toEqual({ path: path.join(root, 'cat', 'caf\uFFFD.png'), reason: 'file name is not valid UTF-8 (rename it)' });
  });

  it('does not follow a class folder linked to / or to a folder outside the dataset', async () => {
    const root = path.join(tmp, 'outside');
    await simpleDataset(root, { cat: 3, dog: 3 });
    const elsewhere = path.join(tmp, 'elsewhere');
    await simpleDataset(elsewhere, { bird: 3 });
    await fs.symlink('/', path.join(root, 'everything'));
    await fs.symlink(path.join(elsewhere, 'bird'), path.join(root, 'bird'));
    await fs.symlink(path.join(elsewhere, 'bird'), path.join(root, 'cat', 'more-birds'));
    const birdFile = (await fs.readdir(path.join(elsewhere, 'bird')))[0]!;
    await fs.symlink(path.join(elsewhere, 'bird', birdFile), path.join(root, 'dog', 'linked.png'));
    const t0 = Date.now();
    const s = await scanImageFolder(root, { valSplit: 0 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(s.classes).toEqual(['cat', 'dog']);
    expect(s.counts.train).toEqual([3, 3]);
    const reasons = reasonsOf(s.skipped);
    expect(reasons['everything']).toBe('symbolic link to a folder outside the dataset folder (not followed)');
    expect(reasons['bird']).toBe('symbolic link to a folder outside the dataset folder (not followed)');
    expect(reasons['more-birds']).toBe('symbolic link to a folder outside the dataset folder (not followed)');
    expect(reasons['linked.png']).toBe('symbolic link to a file outside the dataset folder (not followed)');
  });

  it('does not follow a link to the dataset root or into another class (no relabelling)', async () => {
    const root = path.join(tmp, 'inside');
    await simpleDataset(root, { cat: 3, dog: 2 });
    await fs.symlink(root, path.join(root, 'all'));
    await fs.symlink(path.join(root, 'dog'), path.join(root, 'cat', 'dogs-too'));
    await fs.symlink('..', path.join(root, 'dog', 'up'));
    const s = await scanImageFolder(root, { valSplit: 0 });
    expect(s.classes).toEqual(['cat', 'dog']);
    expect(s.counts.train).toEqual([3, 2]);
    const reasons = reasonsOf(s.skipped);
    for (const link of ['all', 'dogs-too', 'up']) expect(reasons[link], link).toMatch(/^symbolic link to a folder inside the dataset folder \(not followed/);
    // A link to an image inside the dataset is an ordinary file.
    const catFile = (await fs.readdir(path.join(root, 'cat'))).find((f) => f.endsWith('.png'))!;
    await fs.symlink(path.join(root, 'cat', catFile), path.join(root, 'cat', 'zz-alias.png'));
    expect((await scanImageFolder(root, { valSplit: 0 })).counts.train).toEqual([4, 2]);
  });
});
