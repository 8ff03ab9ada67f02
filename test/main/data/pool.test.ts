import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../../main/data/pool';

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
