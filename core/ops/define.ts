/** Constructors for the common record shapes (element-wise ops, ops without a gradient). */
import { attrInt } from '../train/attrs';
import type { AttrSpecs } from './attributes';
import { unaryGrad, type UnaryValues } from './elementwise-grad';
import type { GradValue } from './grad-value';
import type { ShapeRule } from './shape-context';
import type { OpRecord, PerSampleCheck } from './types';

/** Output 0 has input 0's shape and dtype. */
export const sameShape: ShapeRule = (c) => c.sameAsInput();

type UnaryOptions<S extends AttrSpecs> = Omit<OpRecord, 'type' | 'attrs' | 'grad' | 'differentiable'> & {
  attrs?: S;
  /** dx from x, y and dy (all of x's shape); undefined: no gradient flows. */
  grad?: (v: UnaryValues<S>) => GradValue | undefined;
};

/** An op whose only differentiable input is input 0 (shape rule: same as the input, unless given). */
export function unary<S extends AttrSpecs>(type: string, o: UnaryOptions<S> = {}): OpRecord {
  const attrs = o.attrs ?? ({} as S);
  const { grad, ...rest } = o;
  return { shape: sameShape, ...rest, type, attrs, differentiable: [0], ...(grad ? { grad: unaryGrad(attrs, grad) } : {}) };
}

/** An op whose outputs carry no gradient (indices, booleans, shapes, random draws). */
export function noGradient(type: string, o: Omit<OpRecord, 'type' | 'differentiable'> = {}): OpRecord {
  return { ...o, type, differentiable: [] };
}

/** Softmax-like ops mix what lies along their axis: the batch axis must not be it. */
export const alongAxis =
  (def: number): PerSampleCheck =>
  (n, view) => {
    const axis = attrInt(n, 'axis', def);
    return axis === 0 || axis === -view.rank ? `${n.opType} along the batch axis` : null;
  };
