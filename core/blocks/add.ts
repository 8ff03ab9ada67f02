import { definePrimitive, size, type FixHint, type Issue } from './define';
import { mergePorts, rankIssue } from './merge-common';
import { p } from './params';

/**
 * Element-wise sum of two or more tensors of the same shape (a skip connection). Mismatches are
 * reported against input 0 with concrete fixes: a 1×1 projection conv (strided when H×W differ
 * by a whole factor), as ResNet's downsample does.
 */
export const add = definePrimitive({
  type: 'add',
  label: 'Add (skip)',
  category: 'Merge',
  description: 'Adds its inputs element by element: the residual (skip) connection.',
  aliases: ['skip', 'shortcut', 'residual connection', 'sum', 'elementwise add'],
  params: { inputs: p.int('Inputs', 2, 2, 64) },
  inputPorts: (P) => mergePorts(P),
  infer(xs) {
    const rank = rankIssue(xs);
    if (rank) return { ok: false, issues: [rank] };
    const ref = xs[0]!;
    const issues: Issue[] = [];
    xs.forEach((x, i) => {
      if (i === 0 || x.every((d, k) => d === ref[k])) return;
      const hints: FixHint[] = [];
      if (x.length === 3) {
        const sh = x[1]! / ref[1]!;
        const sw = x[2]! / ref[2]!;
        const spatialOk = Number.isInteger(sh) && Number.isInteger(sw) && sh >= 1 && sw >= 1;
        if (spatialOk) {
          const stride = sh === sw ? sh : [sh, sw];
          hints.push({
            kind: 'insertBefore',
            port: i,
            type: 'conv2d',
            name: 'projection',
            label: `Insert a 1×1 conv projection to ${ref[0]} channels${sh > 1 || sw > 1 ? `, stride ${sh}` : ''}`,
            params: { filters: ref[0]!, kernel: 1, stride, padding: 0, bias: false },
          });
        }
      }
      const differs = x.length === 3 && (x[1] !== ref[1] || x[2] !== ref[2]);
      issues.push({
        code: differs ? 'spatial-mismatch' : 'channel-mismatch',
        port: i,
        message: differs
          ? `input ${i} is ${x[1]}×${x[2]} (H×W) but input 0 is ${ref[1]}×${ref[2]}`
          : `input ${i} has ${x.join('×')} but input 0 has ${ref.join('×')}; Add needs equal shapes`,
        hints,
      });
    });
    return issues.length ? { ok: false, issues } : { ok: true, shapes: [ref] };
  },
  cost: (xs) => ({ macs: 0, otherOps: size(xs[0]!) * (xs.length - 1) }),
  emit(g, a) {
    let acc = a.inputs[0]!;
    for (let i = 1; i < a.inputs.length; i++) acc = g.op1('Add', [acc, a.inputs[i]!], {}, { name: 'Add' });
    return { outputs: [acc] };
  },
  nameStem: 'add',
  mergesInputs: true,
  pytorch: () => ({ ctor: null, forward: (ins) => ins.join(' + ') }),
});
