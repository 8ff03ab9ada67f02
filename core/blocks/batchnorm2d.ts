import { definePrimitive, size } from './define';
import { num, p } from './params';
import { needImage } from './window';
import { kw } from '../export-pytorch/modules';
import { call, pyFloat, type Py } from '../export-pytorch/python';

/**
 * Batch normalization over channels (nn.BatchNorm2d): y = (x - mean) / sqrt(var + eps) * weight + bias.
 * Inference: running statistics (one BatchNormalization op). Training: batch statistics computed
 * with plain ops so the autodiff engine can differentiate them, biased variance for normalizing;
 * running stats updated as PyTorch does: r = (1 - momentum) r + momentum * stat, with the
 * variance made unbiased by n / (n - 1), n = N*H*W.
 */
export const batchNorm2d = definePrimitive({
  type: 'batchnorm2d',
  label: 'Batch Norm 2D',
  category: 'Normalization',
  description: 'Normalizes each channel over the batch, then scales and shifts it (learned).',
  aliases: ['bn', 'BatchNormalization', 'batch normalization'],
  params: {
    eps: p.float('Epsilon', 1e-5, { min: 0, exclusiveMin: true }),
    momentum: p.float('Momentum', 0.1, { min: 0, max: 1 }),
  },
  infer([x]) {
    const bad = needImage(x!);
    return bad ? { ok: false, issues: bad } : { ok: true, shapes: [x!] };
  },
  weights([x]) {
    const c = x![0]!;
    return [
      { suffix: 'weight', shape: [c], init: { kind: 'const', value: 1 }, role: 'param' },
      { suffix: 'bias', shape: [c], init: { kind: 'const', value: 0 }, role: 'param' },
      { suffix: 'running_mean', shape: [c], init: { kind: 'const', value: 0 }, role: 'buffer' },
      { suffix: 'running_var', shape: [c], init: { kind: 'const', value: 1 }, role: 'buffer' },
    ];
  },
  cost: ([x]) => ({ macs: 0, otherOps: 2 * size(x!) }),
  emit(g, a) {
    const eps = num(a.params, 'eps');
    const [x] = a.inputs as [string];
    const w = a.weights;
    if (!a.ctx.training) {
      const y = g.op1('BatchNormalization', [x, w.weight!, w.bias!, w.running_mean!, w.running_var!], { epsilon: eps }, { name: 'BatchNormalization' });
      return { outputs: [y] };
    }
    const c = a.inShapes[0]![0]!;
    const m = num(a.params, 'momentum');
    const axes = [0, 2, 3];
    const mean = g.op1('ReduceMean', [x], { axes, keepdims: 1 }, { name: 'batch_mean' });
    const d = g.op1('Sub', [x, mean], {}, { name: 'centered' });
    const v = g.op1('ReduceMean', [g.op1('Mul', [d, d], {}, { name: 'sq' })], { axes, keepdims: 1 }, { name: 'batch_var' });
    const std = g.op1('Sqrt', [g.op1('Add', [v, g.constFloat('eps', [eps], [])], {}, { name: 'var_eps' })], {}, { name: 'std' });
    const xhat = g.op1('Div', [d, std], {}, { name: 'xhat' });
    const bshape = g.constInt64('bcast_shape', [1, c, 1, 1]);
    const gamma = g.op1('Reshape', [w.weight!, bshape], {}, { name: 'gamma' });
    const beta = g.op1('Reshape', [w.bias!, bshape], {}, { name: 'beta' });
    const y = g.op1('Add', [g.op1('Mul', [xhat, gamma], {}, { name: 'scaled' }), beta], {}, { name: 'bn_out' });
    // Running statistics: n = elements / C, computed at run time so one graph serves any batch.
    const n = g.op1(
      'Div',
      [g.op1('Cast', [g.op1('Size', [x], {}, { name: 'numel' })], { to: 1 }, { name: 'numel_f' }), g.constFloat('channels', [c], [])],
      {},
      { name: 'count' },
    );
    const unbias = g.op1('Div', [n, g.op1('Sub', [n, g.constFloat('one', [1], [])], {}, { name: 'count_m1' })], {}, { name: 'unbias' });
    const flat = g.constInt64('flat_shape', [c]);
    const keep = g.constFloat('keep', [1 - m], []);
    const mom = g.constFloat('momentum', [m], []);
    const mean1 = g.op1('Reshape', [mean, flat], {}, { name: 'mean_c' });
    const var1 = g.op1('Mul', [g.op1('Reshape', [v, flat], {}, { name: 'var_c' }), unbias], {}, { name: 'var_unbiased' });
    const rm = g.op1(
      'Add',
      [g.op1('Mul', [w.running_mean!, keep], {}, { name: 'rm_keep' }), g.op1('Mul', [mean1, mom], {}, { name: 'rm_new' })],
      {},
      { name: 'running_mean_next' },
    );
    const rv = g.op1(
      'Add',
      [g.op1('Mul', [w.running_var!, keep], {}, { name: 'rv_keep' }), g.op1('Mul', [var1, mom], {}, { name: 'rv_new' })],
      {},
      { name: 'running_var_next' },
    );
    return {
      outputs: [y],
      stateUpdates: [
        { suffix: 'running_mean', value: rm },
        { suffix: 'running_var', value: rv },
      ],
    };
  },
  nameStem: 'bn',
  pytorch(p) {
    const P = p.params;
    const k: [string, Py][] = [];
    kw(k, 'eps', pyFloat(num(P, 'eps')), num(P, 'eps') === 1e-5);
    kw(k, 'momentum', pyFloat(num(P, 'momentum')), num(P, 'momentum') === 0.1);
    return { ctor: call('nn.BatchNorm2d', [String(p.inShapes[0]![0])], k) };
  },
});
