import { definePrimitive, size } from './define';
import { num, p } from './params';
import { needImage } from './window';

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
});
