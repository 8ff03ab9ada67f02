/** Output-by-output comparison of two formulations of the same graph, relative to each output's scale. */
import { expect } from 'vitest';

export function expectClose(fast: Float32Array[], plain: Float32Array[], rel = 1e-5): void {
  expect(fast.length).toBe(plain.length);
  plain.forEach((p, i) => {
    const f = fast[i]!;
    expect(f.length).toBe(p.length);
    const scale = p.reduce((a, v) => Math.max(a, Math.abs(v)), 1e-6);
    let worst = 0;
    for (let j = 0; j < p.length; j++) worst = Math.max(worst, Math.abs(f[j]! - p[j]!) / scale);
    expect(worst, `output ${i}`).toBeLessThan(rel);
  });
}
