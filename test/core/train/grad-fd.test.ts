/** Finite-difference checks of every gradient rule, including the conv/pool edge cases. */
import { describe, expect, it } from 'vitest';
import { fdCheck } from '../../helpers/finite-differences';
import { CASES } from '../../helpers/grad-cases';

describe('finite differences of gradient rules (float32, central, eps 1e-2)', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = await fdCheck(c);
    expect(r.failures, r.failures.join('\n')).toEqual([]);
    expect(r.checked).toBeGreaterThan(0);
  });
});
