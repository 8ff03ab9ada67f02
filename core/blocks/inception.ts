import { defineComposite, type SubRef } from './define';
import { bool, num, p } from './params';
import { convUnit, SubBuilder } from './subgraph';
import { innerNode, scalarParam } from './module-match';
import { inceptionCtor } from '../export-pytorch/composites';
import type { Params } from '../graph/types';

/**
 * GoogLeNet's Inception module (Szegedy et al. 2014, table 1 columns): four parallel branches
 * concatenated along channels:
 *   branch1: 1×1 conv (#1x1)
 *   branch2: 1×1 (#3x3 reduce) -> 3×3 (#3x3)
 *   branch3: 1×1 (#5x5 reduce) -> k×k (#5x5), k = 5 in the paper, 3 in torchvision's weights
 *   branch4: 3×3 max pool (stride 1, padding 1, ceil mode as torchvision) -> 1×1 (pool proj)
 * Every conv is followed by ReLU; with batch norm each is conv (no bias) -> BN(eps) -> ReLU,
 * torchvision's BasicConv2d. Names follow torchvision: branch2.0.conv.weight, branch4.1.bn.bias.
 */
export const inception = defineComposite({
  type: 'inception',
  label: 'Inception module',
  category: 'Composite',
  description: 'Four parallel branches (1×1, 3×3, 5×5, pool) concatenated: GoogLeNet.',
  aliases: ['GoogLeNet', 'inception block'],
  nameStem: 'inception',
  params: {
    n1x1: p.int('#1×1', 64, 1, 65536),
    n3x3red: p.int('#3×3 reduce', 96, 1, 65536),
    n3x3: p.int('#3×3', 128, 1, 65536),
    n5x5red: p.int('#5×5 reduce', 16, 1, 65536),
    n5x5: p.int('#5×5', 32, 1, 65536),
    poolProj: p.int('Pool proj', 32, 1, 65536),
    branchKernel: p.int('"5×5" branch kernel', 5, 1, 31, "The paper uses 5; torchvision's pretrained weights use 3"),
    batchNorm: p.bool('Batch norm', true),
    eps: p.float('Batch norm epsilon', 1e-3, { min: 0, exclusiveMin: true }),
  },
  expand(_in, P) {
    const b = new SubBuilder();
    const x: SubRef = { input: 0 };
    const bn = bool(P, 'batchNorm');
    const eps = num(P, 'eps');
    const unit = (filters: number, kernel: number) => ({ filters, kernel, padding: Math.floor(kernel / 2), batchNorm: bn, eps });
    const b1 = convUnit(b, 'branch1', x, unit(num(P, 'n1x1'), 1));
    const b2 = convUnit(b, 'branch2.1', convUnit(b, 'branch2.0', x, unit(num(P, 'n3x3red'), 1)), unit(num(P, 'n3x3'), 3));
    const k = num(P, 'branchKernel');
    const b3 = convUnit(b, 'branch3.1', convUnit(b, 'branch3.0', x, unit(num(P, 'n5x5red'), 1)), unit(num(P, 'n5x5'), k));
    const pool = b.add('branch4.0', 'maxpool2d', { kernel: 3, stride: 1, padding: 1, ceilMode: true }, [x]);
    const b4 = convUnit(b, 'branch4.1', pool, unit(num(P, 'poolProj'), 1));
    const y = b.add('concat', 'concat', { inputs: 4 }, [b1, b2, b3, b4]);
    return b.build([y]);
  },
  // torchvision's Inception and BasicConv2d classes (composites.ts).
  pytorch: (item, gen) => inceptionCtor(item, (c) => gen.useBuiltin(c)),
  // torchvision's module layout: branch1, branch2.0/.1, branch3.0/.1 convs and branch4.1 after the pool.
  importPattern: {
    params(def) {
      const f = (n: string) => scalarParam(innerNode(def, `${n}.conv`)?.params.filters);
      const [n1x1, n3x3red, n3x3, n5x5red, n5x5, poolProj] = ['branch1', 'branch2.0', 'branch2.1', 'branch3.0', 'branch3.1', 'branch4.1'].map(f);
      const k = scalarParam(innerNode(def, 'branch3.1.conv')?.params.kernel);
      if ([n1x1, n3x3red, n3x3, n5x5red, n5x5, poolProj, k].some((v) => v === undefined)) return null;
      const bn = innerNode(def, 'branch1.bn');
      const params: Params = {
        n1x1: n1x1!,
        n3x3red: n3x3red!,
        n3x3: n3x3!,
        n5x5red: n5x5red!,
        n5x5: n5x5!,
        poolProj: poolProj!,
        branchKernel: k!,
        batchNorm: bn !== undefined,
      };
      if (bn) params.eps = scalarParam(bn.params.eps) ?? 1e-3;
      return params;
    },
  },
});
