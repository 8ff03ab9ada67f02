/**
 * Max pool routes measured per CPU (main/trainer/pool-routes.ts): which pools are measured, the
 * cache (measured once per machine key, kept across calls, bad files read as empty, an unwritable
 * file only warned about), the switch that turns measuring off, and a real measurement.
 */
import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTemplate } from '../../../core/templates/index';
import { ENV_NAMES } from '../../../main/config';
import { machineKey, measurePool, poolRoutes, poolsToMeasure, type PoolShape } from '../../../main/trainer/pool-routes';
import { testTempDir } from '../../helpers/temp-dir';

const googlenet = buildTemplate('googlenet', { input: [3, 64, 64], classes: 10 });

/** A stand-in measurement: the slice route wins on pools with more than 8x8 inputs, and calls are counted. */
function fakeMeasure() {
  const calls: string[] = [];
  const measure = async (pool: PoolShape) => {
    calls.push(pool.signature);
    const big = pool.x[2]! * pool.x[3]! > 64;
    return { route: big ? ('slices' as const) : ('indices' as const), ms: { slices: big ? 1 : 3, indices: 2 } };
  };
  return { calls, measure };
}

afterEach(() => {
  delete process.env[ENV_NAMES.measureRoutes];
});

describe('poolsToMeasure', () => {
  it("lists GoogLeNet's overlapping 3x3 pools once per shape, not its 2x2/2 pool", () => {
    const pools = poolsToMeasure(googlenet, 4);
    const signatures = pools.map((p) => p.signature);
    expect(signatures).toContain('4x64x32x32 k3x3 s2x2 p0,0,0,0 ceil');
    expect(signatures).toContain('4x832x2x2 k3x3 s1x1 p1,1,1,1');
    expect(new Set(signatures).size).toBe(signatures.length);
    expect(signatures.some((s) => s.includes('k2x2'))).toBe(false);
    expect(pools.length).toBe(9);
  });
  it('lists nothing for LeNet-5 (2x2/2 pools take the slice route without measuring)', () => {
    expect(poolsToMeasure(buildTemplate('lenet5', { input: [1, 28, 28], classes: 10 }), 8)).toEqual([]);
  });
});

describe('poolRoutes', () => {
  it('measures each pool once per machine key and reads the cache after that', async () => {
    const file = path.join(testTempDir('pool-routes-'), 'formulations.json');
    const lines: string[] = [];
    const first = fakeMeasure();
    const routes = await poolRoutes(googlenet, 4, { threads: 2, log: (m) => lines.push(m), file, measure: first.measure });
    expect(first.calls).toHaveLength(9);
    expect(routes['4x64x32x32 k3x3 s2x2 p0,0,0,0 ceil']).toBe('slices');
    expect(routes['4x832x2x2 k3x3 s1x1 p1,1,1,1']).toBe('indices');
    expect(lines.some((l) => l.includes('4x64x32x32') && l.includes('slices 1.0 ms'))).toBe(true);
    const cached = JSON.parse(readFileSync(file, 'utf8')) as { machines: Record<string, unknown> };
    expect(Object.keys(cached.machines)).toEqual([machineKey(2)]);

    const again = fakeMeasure();
    expect(await poolRoutes(googlenet, 4, { threads: 2, log: () => undefined, file, measure: again.measure })).toEqual(routes);
    expect(again.calls).toEqual([]);
    // Another thread count is another machine key: measured again.
    const other = fakeMeasure();
    await poolRoutes(googlenet, 4, { threads: 1, log: () => undefined, file, measure: other.measure });
    expect(other.calls).toHaveLength(9);
  });

  it('reads a damaged cache file as empty and measures again', async () => {
    const file = path.join(testTempDir('pool-routes-'), 'formulations.json');
    writeFileSync(file, '{ not json');
    const m = fakeMeasure();
    await poolRoutes(googlenet, 4, { threads: 2, log: () => undefined, file, measure: m.measure });
    expect(m.calls).toHaveLength(9);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { format: string }).format).toBe('cnn-studio-formulations');
  });

  it('still returns the routes when the cache cannot be written, with a warning naming the file', async () => {
    const dir = testTempDir('pool-routes-');
    const blocker = path.join(dir, 'a-file');
    writeFileSync(blocker, '');
    const file = path.join(blocker, 'formulations.json');
    const warnings: string[] = [];
    const m = fakeMeasure();
    const routes = await poolRoutes(googlenet, 4, { threads: 2, log: (msg, level) => level === 'warn' && warnings.push(msg), file, measure: m.measure });
    expect(Object.keys(routes)).toHaveLength(9);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(file);
  });

  it('measures nothing when turned off', async () => {
    process.env[ENV_NAMES.measureRoutes] = '0';
    const m = fakeMeasure();
    const file = path.join(testTempDir('pool-routes-'), 'formulations.json');
    expect(await poolRoutes(googlenet, 4, { threads: 2, log: () => undefined, file, measure: m.measure })).toEqual({});
    expect(m.calls).toEqual([]);
  });
});

describe('measurePool', () => {
  it('times both routes of a real pool and picks the faster', async () => {
    const [pool] = poolsToMeasure(googlenet, 2).filter((p) => p.x[2] === 8);
    const m = await measurePool(pool!, 1, 2);
    expect(Number.isFinite(m.ms.indices) && m.ms.indices > 0).toBe(true);
    expect(Number.isFinite(m.ms.slices) && m.ms.slices > 0).toBe(true);
    expect(m.route).toBe(m.ms.slices < m.ms.indices ? 'slices' : 'indices');
  });
});
