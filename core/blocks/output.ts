import { definePrimitive } from './define';
import { denseEmit, denseInfer, denseWeights } from './dense-common';
import { num, p, str } from './params';
import { call } from '../export-pytorch/python';

/**
 * The classifier head: a Dense layer with one unit per class, producing logits (softmax is in the
 * loss). `classes` follows the dataset. With head 'identity' the incoming tensor must already be
 * N×classes (e.g. after a 1×1 conv and global pooling).
 */
export const output = definePrimitive({
  type: 'output',
  label: 'Output (classifier)',
  category: 'Input/Output',
  description: 'Class logits. Its class count follows the dataset.',
  aliases: ['classifier', 'head', 'logits', 'softmax', 'fc', 'linear'],
  params: {
    classes: p.int('Classes', 10, 1, 1 << 20),
    head: p.enumOf(
      'Head',
      'dense',
      ['dense', 'identity'],
      'dense: a fully connected layer to the classes; identity: the input already has one value per class',
    ),
  },
  outputPorts: () => ['logits'],
  infer([x], P) {
    const classes = num(P, 'classes');
    if (str(P, 'head') === 'dense') return denseInfer(x!, classes);
    if (x!.length === 1 && x![0] === classes) return { ok: true, shapes: [x!] };
    return {
      ok: false,
      issues: [
        {
          code: 'rank-mismatch',
          param: 'head',
          message: `head 'identity' needs N×${classes} but gets N×${x!.join('×')}`,
          hints: [{ kind: 'setParam', label: 'Use a dense head', param: 'head', value: 'dense' }],
        },
      ],
    };
  },
  weights: ([x], _o, P) => (str(P, 'head') === 'dense' ? denseWeights(x!, num(P, 'classes'), true) : []),
  cost: ([x], _o, P) => (str(P, 'head') === 'dense' ? { macs: x![0]! * num(P, 'classes'), otherOps: num(P, 'classes') } : { macs: 0, otherOps: 0 }),
  emit: (g, a) => ({
    outputs: [str(a.params, 'head') === 'dense' ? denseEmit(g, a, true) : g.op1('Identity', [a.inputs[0]!], {}, { name: 'Identity' })],
  }),
  nameStem: 'output',
  // The identity head passes its input through under the same name.
  pytorch: (p) => ({ ctor: str(p.params, 'head') === 'dense' ? call('nn.Linear', [String(p.inShapes[0]![0]), String(num(p.params, 'classes'))]) : null }),
});
