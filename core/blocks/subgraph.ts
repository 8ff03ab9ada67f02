/** Small helpers for composite blocks to write their expansion as straight-line code. */
import type { Params } from '../graph/types';
import type { SubGraph, SubNode, SubRef } from './define';

export class SubBuilder {
  readonly nodes: SubNode[] = [];

  add(name: string, type: string, params: Params, inputs: SubRef[]): SubRef {
    this.nodes.push({ name, type, params, inputs });
    return { node: name, port: 0 };
  }

  build(outputs: SubRef[]): SubGraph {
    return { nodes: this.nodes, outputs };
  }
}

export interface ConvUnit {
  filters: number;
  kernel: number;
  stride?: number;
  padding?: number;
  batchNorm: boolean;
  eps?: number;
  relu?: boolean;
}

/**
 * conv -> [batch norm] -> [ReLU] named like torchvision's BasicConv2d (`<p>.conv`, `<p>.bn`);
 * the conv has no bias when batch norm follows (the norm's shift replaces it).
 */
export function convUnit(b: SubBuilder, prefix: string, from: SubRef, u: ConvUnit): SubRef {
  const pre = prefix ? `${prefix}.` : '';
  let r = b.add(
    `${pre}conv`,
    'conv2d',
    {
      filters: u.filters,
      kernel: u.kernel,
      stride: u.stride ?? 1,
      padding: u.padding ?? 0,
      bias: !u.batchNorm,
    },
    [from],
  );
  if (u.batchNorm) r = b.add(`${pre}bn`, 'batchnorm2d', { eps: u.eps ?? 1e-5 }, [r]);
  if (u.relu !== false) r = b.add(`${pre}relu`, 'relu', {}, [r]);
  return r;
}
