/**
 * Adapters that turn gradient math over GradValues into engine rules. The engine has already
 * checked that output 0 has a gradient and that an input needs one, so a rule is only its math:
 *   unary:  dx = f(x, y, dy)                        (one differentiable input)
 *   inputs: [() => dx_0, () => dx_1, ...]           (a thunk per input, run only where needed)
 */
import type { Node } from '../onnx/ir';
import type { GradContext, GradRule } from '../train/grad/types';
import { readAttrs, type AttrSpecs, type AttrValues } from './attributes';
import { GradValue } from './grad-value';

export interface GradValues<S extends AttrSpecs> {
  readonly node: Node;
  readonly ctx: GradContext;
  /** The node's declared attributes, typed, with defaults. */
  readonly a: AttrValues<S>;
  /** Gradient of output 0 (shape of output 0). */
  readonly dy: GradValue;
  /** Forward output 0. */
  readonly y: GradValue;
  /** Forward input i (undefined where the optional input is omitted). */
  input(i: number): GradValue | undefined;
  /** Forward output i (e.g. Dropout's mask). */
  output(i: number): GradValue | undefined;
  /** A float32 scalar constant, created now (for constant order where it matters). */
  k(v: number): GradValue;
}

export interface UnaryValues<S extends AttrSpecs> extends GradValues<S> {
  /** Forward input 0. */
  readonly x: GradValue;
}

function valuesOf<S extends AttrSpecs>(node: Node, dy: string, ctx: GradContext, attrs: S): UnaryValues<S> {
  const value = (name: string | undefined): GradValue | undefined => (name ? new GradValue(ctx, name, ctx.shape(name), ctx.dtype(name)) : undefined);
  const y = value(node.outputs[0])!;
  return {
    node,
    ctx,
    a: readAttrs(node, attrs),
    dy: new GradValue(ctx, dy, y.shape),
    y,
    x: value(node.inputs[0])!,
    input: (i) => value(node.inputs[i]),
    output: (i) => value(node.outputs[i]),
    k: (v) => GradValue.scalar(ctx, v),
  };
}

/** A rule for an op whose only differentiable input is input 0; `f` may return undefined (no gradient). */
export function unaryGrad<S extends AttrSpecs>(attrs: S, f: (v: UnaryValues<S>) => GradValue | undefined): GradRule {
  return (node, dy, ctx) => [f(valuesOf(node, dy, ctx, attrs))?.name];
}

export type InputGradThunks = readonly ((() => GradValue) | undefined)[];

/** A rule giving one thunk per input; each runs (in input order) only where that input needs a gradient. */
export function inputsGrad<S extends AttrSpecs>(attrs: S, f: (v: GradValues<S>) => InputGradThunks): GradRule {
  return (node, dy, ctx, need) => f(valuesOf(node, dy, ctx, attrs)).map((thunk, i) => (need[i] && thunk ? thunk().name : undefined));
}
