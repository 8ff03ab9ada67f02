import { describe, expect, it } from 'vitest';
import { mapLimit, readAhead } from '../../../main/data/pool';

describe('mapLimit', () => {
  it('keeps order and the limit', async () => {
    let active = 0;
    let peak = 0;
    const r = await mapLimit([5, 1, 3, 2, 4], 2, async (x) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((res) => setTimeout(res, x));
      active--;
      return x * 10;
    });
    expect(r).toEqual([50, 10, 30, 20, 40]);
    expect(peak).toBe(2);
  });

  it('starts nothing after a failure and rejects once in-flight work settled', async () => {
    const started: number[] = [];
    let settled = 0;
    const p = mapLimit([0, 1, 2, 3, 4, 5], 2, async (x) => {
      started.push(x);
      await new Promise((res) => setTimeout(res, x === 0 ? 1 : 10));
      settled++;
      if (x === 0) throw new Error('boom');
      return x;
    });
    await expect(p).rejects.toThrow('boom');
    expect(started).toEqual([0, 1]);
    expect(settled).toBe(2);
  });
});

describe('readAhead', () => {
  const tick = (): Promise<void> => new Promise((res) => setTimeout(res, 1));

  it('gives each item its own load, in any order of completion, and starts loads ahead up to the depth', async () => {
    const started: number[] = [];
    const get = readAhead([10, 11, 12, 13, 14, 15], { depth: 2, maxBytes: 1e9, bytesOf: () => 1 }, async (x) => {
      started.push(x);
      await tick();
      return x * 2;
    });
    expect(await get(0)).toBe(20);
    expect(started).toEqual([10, 11, 12]);
    expect(await get(1)).toBe(22);
    expect(started).toEqual([10, 11, 12, 13]);
    expect(await mapLimit([2, 3, 4, 5], 2, (i) => get(i))).toEqual([24, 26, 28, 30]);
    expect(started).toEqual([10, 11, 12, 13, 14, 15]);
  });

  it('keeps the bytes started ahead under maxBytes, but always loads the item asked for', async () => {
    const started: number[] = [];
    const get = readAhead([5, 5, 5, 50, 5], { depth: 10, maxBytes: 12, bytesOf: (x) => x }, async (x) => {
      started.push(x);
      return x;
    });
    await get(0);
    expect(started).toEqual([5, 5]);
    await get(1);
    expect(started).toEqual([5, 5, 5]);
    await get(2);
    expect(started).toEqual([5, 5, 5]);
    expect(await get(3)).toBe(50);
    expect(started).toEqual([5, 5, 5, 50]);
  });

  it('a failed load rejects only the item it belongs to, without an unhandled rejection', async () => {
    const get = readAhead([1, 2, 3], { depth: 2, maxBytes: 1e9, bytesOf: () => 1 }, async (x) => {
      if (x === 2) throw new Error(`cannot read ${x}`);
      return x;
    });
    expect(await get(0)).toBe(1);
    await tick();
    await expect(get(1)).rejects.toThrow('cannot read 2');
    expect(await get(2)).toBe(3);
  });
});
