/** Port naming and input checks shared by Add and Concat (two or more inputs). */
import type { Shape } from '../graph/types';
import type { Issue } from './define';
import { num } from './params';
import type { Params } from '../graph/types';

export const mergePorts = (P: Params): string[] => Array.from({ length: num(P, 'inputs') }, (_, i) => `in${i}`);

/** All inputs must have the same rank; reports the first input that differs. */
export function rankIssue(xs: Shape[]): Issue | null {
  const r = xs[0]!.length;
  const i = xs.findIndex((x) => x.length !== r);
  if (i < 0) return null;
  return { code: 'rank-mismatch', message: `input ${i} is N×${xs[i]!.join('×')} but input 0 is N×${xs[0]!.join('×')}` };
}
