import { definePrimitive, size } from './define';
import { num, p } from './params';
import { needImage } from './window';
import { kw, type Helper } from '../export-pytorch/modules';
import { call, pyFloat, type Py } from '../export-pytorch/python';

/**
 * Local response normalization across channels (AlexNet, 2012): b = a / (k + alpha/n * sum a^2)^beta
 * over n neighbouring channels. alpha follows PyTorch/ONNX (divided by n); the paper's
 * k = 2, n = 5, beta = 0.75 are the defaults.
 */
export const localResponseNorm = definePrimitive({
  type: 'lrn',
  label: 'Local Response Norm',
  category: 'Normalization',
  description: 'Divides each activation by the energy of its neighbouring channels (AlexNet).',
  params: {
    size: p.int('Size (channels)', 5, 1, 1024),
    alpha: p.float('Alpha', 1e-4, { min: 0 }),
    beta: p.float('Beta', 0.75, { min: 0 }),
    k: p.float('k', 2, { min: 0 }),
  },
  infer([x]) {
    const bad = needImage(x!);
    return bad ? { ok: false, issues: bad } : { ok: true, shapes: [x!] };
  },
  cost: ([x], _o, P) => ({ macs: 0, otherOps: size(x!) * (num(P, 'size') + 3) }),
  emit(g, a) {
    const P = a.params;
    const y = g.op1('LRN', [a.inputs[0]!], { size: num(P, 'size'), alpha: num(P, 'alpha'), beta: num(P, 'beta'), bias: num(P, 'k') }, { name: 'LRN' });
    return { outputs: [y] };
  },
  nameStem: 'lrn',
  pytorch(p) {
    const P = p.params;
    const size = num(P, 'size');
    const k: [string, Py][] = [];
    kw(k, 'alpha', pyFloat(num(P, 'alpha')), num(P, 'alpha') === 1e-4);
    kw(k, 'beta', pyFloat(num(P, 'beta')), num(P, 'beta') === 0.75);
    kw(k, 'k', pyFloat(num(P, 'k')), num(P, 'k') === 1);
    // For an even size ONNX's window has the extra channel after, PyTorch's before.
    const helper: Helper | undefined = size % 2 === 0 ? 'MirroredLRN' : undefined;
    return { ctor: call(helper ?? 'nn.LocalResponseNorm', [String(size)], k), ...(helper ? { helper } : {}) };
  },
});
