import { definePrimitive, type FixHint, type Issue } from './define';
import { mergePorts, rankIssue } from './merge-common';
import { p } from './params';

/** Concatenates along channels (or features for vectors); all other dims must match input 0. */
export const concat = definePrimitive({
  type: 'concat',
  label: 'Concat (channels)',
  category: 'Merge',
  description: 'Stacks its inputs along the channel axis (Inception branches).',
  aliases: ['cat', 'concatenate', 'Concatenate', 'merge'],
  params: { inputs: p.int('Inputs', 2, 2, 64) },
  inputPorts: (P) => mergePorts(P),
  infer(xs) {
    const rank = rankIssue(xs);
    if (rank) return { ok: false, issues: [rank] };
    const ref = xs[0]!;
    const issues: Issue[] = [];
    let c = 0;
    xs.forEach((x, i) => {
      c += x[0]!;
      if (i === 0 || x.length !== 3 || (x[1] === ref[1] && x[2] === ref[2])) return;
      const hints: FixHint[] = [];
      const sh = x[1]! / ref[1]!;
      const sw = x[2]! / ref[2]!;
      if (Number.isInteger(sh) && Number.isInteger(sw)) {
        hints.push({
          kind: 'insertBefore',
          port: i,
          type: 'conv2d',
          name: 'projection',
          label: `Insert a strided 1×1 conv (stride ${sh === sw ? sh : `${sh}×${sw}`})`,
          params: { filters: x[0]!, kernel: 1, stride: sh === sw ? sh : [sh, sw], padding: 0, bias: false },
        });
      }
      issues.push({ code: 'spatial-mismatch', port: i, message: `input ${i} is ${x[1]}×${x[2]} (H×W) but input 0 is ${ref[1]}×${ref[2]}`, hints });
    });
    return issues.length ? { ok: false, issues } : { ok: true, shapes: [[c, ...ref.slice(1)]] };
  },
  emit: (g, a) => ({ outputs: [g.op1('Concat', a.inputs, { axis: 1 }, { name: 'Concat' })] }),
  nameStem: 'concat',
  mergesInputs: true,
  pytorch: () => ({ ctor: null, forward: (ins) => `torch.cat([${ins.join(', ')}], dim=1)` }),
});
