import { definePrimitive, fmt, size, type FixHint, type Issue } from './define';
import type { Shape } from '../graph/types';
import { mergePorts, rankIssue } from './merge-common';
import { p } from './params';

const AXIS_NAMES = ['channels', 'height', 'width'];

/**
 * Where input `x` cannot broadcast against `acc` (numpy rules, per-sample dims of equal rank):
 * the first axis whose sizes differ with neither 1, or -1 when they broadcast.
 */
function clashingAxis(acc: Shape, x: Shape): number {
  return acc.findIndex((d, k) => d !== x[k] && d !== 1 && x[k] !== 1);
}

function clashIssue(i: number, x: Shape, ref: Shape, axis: number): Issue {
  const what = x.length === 3 ? AXIS_NAMES[axis]! : `dimension ${axis + 1}`;
  const hints: FixHint[] = [];
  if (x.length === 3 && axis === 0) {
    hints.push({
      kind: 'insertBefore',
      port: i,
      type: 'conv2d',
      name: 'projection',
      label: `Insert a 1×1 conv to ${ref[0]} channels`,
      params: { filters: ref[0]!, kernel: 1, stride: 1, padding: 0, bias: false },
    });
  }
  return {
    code: x.length === 3 && axis > 0 ? 'spatial-mismatch' : 'channel-mismatch',
    port: i,
    message: `input ${i} is ${fmt(x)} but ${i === 1 ? 'input 0 is' : `inputs 0–${i - 1} broadcast to`} ${fmt(ref)}: ${what} ${x[axis]} and ${ref[axis]} differ; Multiply needs each dimension equal or 1 (an N×C×1×1 gate scales every position)`,
    hints,
  };
}

/**
 * Element-wise product of two or more tensors, broadcasting size-1 dimensions (numpy rules, equal
 * rank): a gate N×C×1×1 times a map N×C×H×W scales each channel, as squeeze-and-excitation does.
 */
export const multiply = definePrimitive({
  type: 'multiply',
  label: 'Multiply',
  category: 'Merge',
  description: 'Multiplies its inputs element by element; size-1 dimensions broadcast (a channel gate times a feature map).',
  aliases: ['mul', 'product', 'elementwise multiply', 'hadamard', 'gate', 'scale'],
  params: { inputs: p.int('Inputs', 2, 2, 64) },
  inputPorts: (P) => mergePorts(P),
  infer(xs) {
    const rank = rankIssue(xs);
    if (rank) return { ok: false, issues: [rank] };
    const issues: Issue[] = [];
    let out: Shape = [...xs[0]!];
    xs.forEach((x, i) => {
      if (i === 0) return;
      const axis = clashingAxis(out, x);
      if (axis >= 0) issues.push(clashIssue(i, x, out, axis));
      else out = out.map((d, k) => Math.max(d, x[k]!));
    });
    return issues.length ? { ok: false, issues } : { ok: true, shapes: [out] };
  },
  cost: (xs, [y]) => ({ macs: 0, otherOps: size(y!) * (xs.length - 1) }),
  emit(g, a) {
    let acc = a.inputs[0]!;
    for (let i = 1; i < a.inputs.length; i++) acc = g.op1('Mul', [acc, a.inputs[i]!], {}, { name: 'Mul' });
    return { outputs: [acc] };
  },
  nameStem: 'mul',
  mergesInputs: true,
  pytorch: () => ({ ctor: null, forward: (ins) => ins.join(' * ') }),
});
