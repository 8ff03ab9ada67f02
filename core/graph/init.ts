/** Initial weight values by a weight's InitRule (PyTorch defaults; see InitRule). */
import { mulberry32 } from '../data/rng';
import type { ExpandedWeight } from './expanded';

/** A small seeded generator (mulberry32) returning uniform [0, 1), for reproducible inits. */
export const seededRandom: (seed: number) => () => number = mulberry32;

export function initWeight(w: Pick<ExpandedWeight, 'shape' | 'init'>, random: () => number = Math.random): Float32Array {
  let n = 1;
  for (const d of w.shape) n *= d;
  const out = new Float32Array(n);
  const rule = w.init;
  if (rule.kind === 'const') return out.fill(rule.value);
  // kaiming_uniform(a = sqrt(5)): bound = sqrt(6 / ((1 + a^2) fan_in)) = 1 / sqrt(fan_in).
  const bound = rule.kind === 'uniform' ? rule.bound : 1 / Math.sqrt(rule.fanIn);
  for (let i = 0; i < n; i++) out[i] = (random() * 2 - 1) * bound;
  return out;
}
