/**
 * The Multiply merge (core/blocks/multiply.ts): numpy broadcasting of size-1 dimensions (an SE
 * gate N×C×1×1 times its map N×C×H×W), precise diagnostics with a projection fix for channel
 * mismatches, metrics, ONNX numerics, PyTorch's `a * b`, and "Use n inputs" as for Add.
 */
import { describe, expect, it } from 'vitest';
import { getBlock } from '../../../core/blocks/index';
import { analyze } from '../../../core/graph/analyze';
import { DocBuilder } from '../../../core/graph/doc-builder';
import type { ModelDocument } from '../../../core/graph/types';
import { exportOnnx } from '../../../core/onnx/export';
import { encodeModel } from '../../../core/onnx/proto';
import { runOnnx } from '../../helpers/run-onnx';
import { inferBlock } from '../../helpers/block-infer';

describe('Multiply', () => {
  it.each([
    [
      'equal shapes',
      [
        [8, 4, 4],
        [8, 4, 4],
      ],
      [8, 4, 4],
    ],
    [
      'SE gate first',
      [
        [8, 1, 1],
        [8, 4, 5],
      ],
      [8, 4, 5],
    ],
    [
      'SE gate second',
      [
        [8, 4, 5],
        [8, 1, 1],
      ],
      [8, 4, 5],
    ],
    [
      'spatial gate',
      [
        [8, 4, 5],
        [1, 4, 5],
      ],
      [8, 4, 5],
    ],
    [
      'three inputs',
      [
        [8, 1, 1],
        [8, 4, 4],
        [1, 4, 4],
      ],
      [8, 4, 4],
    ],
    ['vectors', [[10], [10]], [10]],
  ])('%s broadcasts', (_name, ins, out) => {
    expect(inferBlock('multiply', { inputs: ins.length }, ins)).toEqual({ shapes: [out] });
  });

  it.each([
    [
      'channels',
      [
        [8, 4, 4],
        [6, 4, 4],
      ],
      'channel-mismatch',
    ],
    [
      'spatial',
      [
        [8, 4, 4],
        [8, 2, 2],
      ],
      'spatial-mismatch',
    ],
    ['rank', [[8, 4, 4], [8]], 'rank-mismatch'],
    ['vector length', [[10], [3]], 'channel-mismatch'],
  ])('%s mismatch is reported', (_name, ins, code) => {
    expect(inferBlock('multiply', {}, ins)).toEqual({ codes: [code] });
  });

  it('names the inputs, the axis and both sizes, and offers a 1×1 projection for channels', () => {
    const block = getBlock('multiply')!;
    const r =
      block.kind === 'primitive'
        ? block.infer(
            [
              [8, 4, 4],
              [6, 1, 1],
            ],
            { inputs: 2 },
          )
        : null;
    expect(r?.ok).toBe(false);
    const issue = r && !r.ok ? r.issues[0]! : null;
    expect(issue?.message).toBe(
      'input 1 is N×6×1×1 but input 0 is N×8×4×4: channels 6 and 8 differ; Multiply needs each dimension equal or 1 (an N×C×1×1 gate scales every position)',
    );
    expect(issue?.port).toBe(1);
    expect(issue?.hints?.[0]).toMatchObject({ kind: 'insertBefore', port: 1, type: 'conv2d', params: { filters: 8, kernel: 1 } });
    const third =
      block.kind === 'primitive'
        ? block.infer(
            [
              [8, 1, 1],
              [8, 4, 4],
              [8, 3, 4],
            ],
            { inputs: 3 },
          )
        : null;
    expect(third && !third.ok ? third.issues[0]!.message : '').toMatch(/^input 2 is N×8×3×4 but inputs 0–1 broadcast to N×8×4×4: height 3 and 4 differ/);
  });

  /** input 2×3×3 -> gap (N×2×1×1) and the input, multiplied: each channel scaled by its own mean. */
  function gated(): ModelDocument {
    const b = new DocBuilder();
    const x = b.then('input', 'input', { channels: 2, height: 3, width: 3 });
    const g = b.then('gap', 'globalavgpool', { flatten: false });
    b.add('mul', 'multiply', { inputs: 2 }, [g, x]);
    b.then('flatten', 'flatten');
    b.then('out', 'output', { classes: 18, head: 'identity' });
    return b.build();
  }

  it('computes mean_c(x) · x in onnxruntime, counted as one op per output element', async () => {
    const data = Float32Array.from({ length: 18 }, (_, i) => i - 4);
    const { model } = exportOnnx(gated(), { weights: new Map() });
    const y = (await runOnnx(encodeModel(model), { shape: [1, 2, 3, 3], data })).logits!;
    for (let c = 0; c < 2; c++) {
      const mean = data.slice(c * 9, c * 9 + 9).reduce((a, b) => a + b, 0) / 9;
      for (let i = 0; i < 9; i++) expect(y[c * 9 + i]).toBeCloseTo(mean * data[c * 9 + i]!, 5);
    }
    const a = analyze(gated());
    expect(a.diagnostics).toEqual([]);
    const mul = a.nodes.get('mul')!;
    expect([mul.macs, mul.otherOps]).toEqual([0, 18]);
  });

  it('offers "Use n inputs" for an unconnected port, as Add does, and exports to PyTorch as a * b', () => {
    const b = new DocBuilder();
    const x = b.then('input', 'input', { channels: 2, height: 3, width: 3 });
    b.add('mul', 'multiply', { inputs: 3 }, [x, x]);
    b.then('flatten', 'flatten');
    b.then('out', 'output', { classes: 4 });
    const d = analyze(b.build()).diagnostics.find((e) => e.code === 'unconnected-input');
    expect(d?.fixes.map((f) => f.label)).toContain('Use 2 inputs');
    const block = getBlock('multiply')!;
    const forward = block.kind === 'primitive' ? block.pytorch?.(analyze(gated()).graph.nodes.find((n) => n.name === 'mul')!).forward : undefined;
    expect(forward?.(['s', 'x'])).toBe('s * x');
  });
});
