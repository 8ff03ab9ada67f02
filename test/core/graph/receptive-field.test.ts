/** Receptive fields through broadcast merges: a squeeze-excite gate sees the whole map but leaves the positions alone. */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../core/graph/analyze';
import { merged } from '../../../core/graph/receptive-field';
import { buildTemplate } from '../../../core/templates/index';

describe('receptive field of multi-input blocks', () => {
  it('takes the largest field on the grid of the largest input map', () => {
    const spatial = { size: 7, jump: 2, start: 1.5 };
    const gate = { size: 229, jump: 224, start: 112 };
    expect(merged([spatial, gate], [56, 1])).toEqual({ size: 229, jump: 2, start: 1.5 });
    expect(merged([gate, spatial], [1, 56])).toEqual({ size: 229, jump: 2, start: 1.5 });
  });

  it.each(['mobilenet_v3_large', 'efficientnet_b0'])('%s: jumps stay the strides (32 at the last conv), fields stay finite', (id) => {
    const a = analyze(buildTemplate(id));
    const last = a.graph.nodes.filter((p) => p.type === 'conv2d').at(-1)!;
    expect(last.rf!.jump).toBe(32);
    expect(last.rfW!.jump).toBe(32);
    expect(last.rf!.size).toBeLessThan(10_000);
  });
});
