import { beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { scanImageFolder } from '../../../main/data/scan';
import { openDecodeCache } from '../../../main/data/cache';
import { evictToCap, listCaches, removeCache, cacheCapNotes } from '../../../main/data/cache-admin';
import { simpleDataset } from '../../helpers/image-folders';
import { tempDir } from '../../helpers/temp-dir';
import { cli } from '../../helpers/cli-io';

let tmp: string;
const spec = { channels: 1, height: 6, width: 6, resize: 'stretch' } as const;

/** Decodes `root` into `cacheDir` and returns the cache folder (closed again). */
async function decode(root: string, cacheDir: string, maxBytes?: number): Promise<Awaited<ReturnType<typeof openDecodeCache>>> {
  const c = await openDecodeCache(await scanImageFolder(root, { valSplit: 0, seed: 0 }), {
    input: spec,
    cacheDir,
    concurrency: 1,
    ...(maxBytes ? { maxBytes } : {}),
  });
  await c.close();
  return c;
}

async function setTime(dir: string, secondsAgo: number): Promise<void> {
  const t = new Date(Date.now() - secondsAgo * 1000);
  await fs.utimes(path.join(dir, 'manifest.json'), t, t);
}

beforeAll(async () => {
  tmp = tempDir('cnn-cache-admin-');
  for (const name of ['a', 'b', 'c']) await simpleDataset(path.join(tmp, name), { x: 3, y: 3 });
});

describe('decode cache administration', () => {
  it('lists each dataset cache with its root, input, images and size, most recently used first', async () => {
    const cacheDir = path.join(tmp, 'list');
    const a = await decode(path.join(tmp, 'a'), cacheDir);
    const b = await decode(path.join(tmp, 'b'), cacheDir);
    await setTime(a.dir, 100);
    await setTime(b.dir, 10);
    const list = await listCaches(cacheDir);
    expect(list.map((f) => f.root)).toEqual([path.join(tmp, 'b'), path.join(tmp, 'a')]);
    expect(list[0]).toMatchObject({ input: '1x6x6 stretch', images: 6 });
    const dataFile = (await fs.readdir(b.dir)).find((n) => n.endsWith('.u8'))!;
    const expected = (await fs.stat(path.join(b.dir, dataFile))).size + (await fs.stat(path.join(b.dir, 'manifest.json'))).size;
    expect(list[0]!.bytes).toBe(expected);
  });

  it('opening a cache marks it used, and going over the cap removes the least recently used others', async () => {
    const cacheDir = path.join(tmp, 'lru');
    const a = await decode(path.join(tmp, 'a'), cacheDir);
    const b = await decode(path.join(tmp, 'b'), cacheDir);
    await setTime(a.dir, 300);
    await setTime(b.dir, 200);
    // Re-opening a makes it the most recent; b is now the oldest.
    await decode(path.join(tmp, 'a'), cacheDir);
    const oneCache = (await listCaches(cacheDir))[0]!.bytes;
    const c = await decode(path.join(tmp, 'c'), cacheDir, Math.floor(oneCache * 2.5));
    expect(c.opened.evicted.map((f) => f.root)).toEqual([path.join(tmp, 'b')]);
    expect((await listCaches(cacheDir)).map((f) => f.root).sort()).toEqual([path.join(tmp, 'a'), path.join(tmp, 'c')]);
    expect(cacheCapNotes(c.opened, 1000)[0]).toMatch(/removed 1 least recently used dataset cache.*CNN_STUDIO_CACHE_MAX/);
  });

  it('keeps the cache in use even when it alone is over the cap, and says so', async () => {
    const cacheDir = path.join(tmp, 'over');
    await decode(path.join(tmp, 'a'), cacheDir);
    const b = await decode(path.join(tmp, 'b'), cacheDir, 10);
    expect(b.opened.overCap).toBe(true);
    expect((await listCaches(cacheDir)).map((f) => f.root)).toEqual([path.join(tmp, 'b')]);
    expect(cacheCapNotes(b.opened, 10).join('\n')).toMatch(/alone are larger than CNN_STUDIO_CACHE_MAX/);
  });

  it('never lists or removes a folder that holds anything the studio did not write', async () => {
    const cacheDir = path.join(tmp, 'foreign');
    const a = await decode(path.join(tmp, 'a'), cacheDir);
    await fs.writeFile(path.join(a.dir, 'notes.txt'), 'mine');
    const lookalike = path.join(cacheDir, '0123456789abcdef0123');
    await fs.mkdir(lookalike);
    await fs.writeFile(path.join(lookalike, 'photo.jpg'), 'x');
    expect(await listCaches(cacheDir)).toEqual([]);
    expect(await removeCache(a.dir)).toBe(false);
    expect(await removeCache(lookalike)).toBe(false);
    expect((await evictToCap(cacheDir, 1)).removed).toEqual([]);
    await expect(fs.readFile(path.join(a.dir, 'notes.txt'), 'utf8')).resolves.toBe('mine');
    await expect(fs.readFile(path.join(lookalike, 'photo.jpg'), 'utf8')).resolves.toBe('x');
  });

  it('a missing cache folder holds no caches', async () => {
    expect(await listCaches(path.join(tmp, 'nowhere'))).toEqual([]);
  });
});

describe('cnn-studio cache', () => {
  it('list shows sizes and roots; clear DATASET removes only that dataset; clear --all the rest', async () => {
    const cacheDir = path.join(tmp, 'cli');
    await decode(path.join(tmp, 'a'), cacheDir);
    await decode(path.join(tmp, 'b'), cacheDir);
    const listed = await cli('cache', 'list', '--cache-dir', cacheDir);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/2 dataset caches, .* of 20\.00 GiB/);
    expect(listed.out).toContain(path.join(tmp, 'a'));
    const json = JSON.parse((await cli('cache', 'list', '--cache-dir', cacheDir, '--json')).out) as { caches: Array<{ root: string }> };
    expect(json.caches).toHaveLength(2);

    const cleared = await cli('cache', 'clear', path.join(tmp, 'a'), '--cache-dir', cacheDir);
    expect(cleared.out).toMatch(/removed 1 dataset cache .*the images themselves are untouched/);
    expect((await listCaches(cacheDir)).map((f) => f.root)).toEqual([path.join(tmp, 'b')]);
    expect((await fs.readdir(path.join(tmp, 'a', 'x'))).length).toBe(3);

    const none = await cli('cache', 'clear', path.join(tmp, 'a'), '--cache-dir', cacheDir);
    expect(none.code).not.toBe(0);
    expect(none.err).toMatch(/no cache of .*\/a in .*cache list shows what is there/);
    expect((await cli('cache', 'clear', '--cache-dir', cacheDir)).err).toMatch(/name a dataset folder, or --all/);
    await cli('cache', 'clear', '--all', '--cache-dir', cacheDir);
    expect(await listCaches(cacheDir)).toEqual([]);
  });
});
