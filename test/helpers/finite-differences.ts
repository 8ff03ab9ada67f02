/**
 * Finite-difference checks of gradient rules in float32 (ORT): a small graph y = f(inputs),
 * L = sum(y * R) for a fixed random R, so dL/dy = R is the seed. The engine's gradients are compared
 * with central differences (L(x + eps) - L(x - eps)) / 2 eps at sampled elements of every input.
 */
import { GraphBuilder } from '../../core/onnx/builder';
import { buildBackward } from '../../core/train/autodiff';
import type { GradOptions } from '../../core/train/grad/types';
import { makeModel } from '../../core/train/build-train-step';
import type { Model } from '../../core/onnx/ir';
import { inferShapes } from '../../core/train/shape-infer';
import { createSession, f32 } from '../../main/trainer/ort-session';
import { mulberry32 } from '../../core/data/rng';

export type Gen = 'normal' | 'distinct' | 'positive' | 'away';

export interface FdInput {
  shape: number[];
  gen?: Gen;
}

export interface FdCase {
  name: string;
  inputs: FdInput[];
  /** Builds y from the input names; returns y's name. */
  build: (g: GraphBuilder, xs: string[]) => string;
  eps?: number;
  grad?: GradOptions;
  /** Only these inputs are differentiated (default all). */
  wrt?: number[];
}

export const rng: (seed: number) => () => number = mulberry32;

function fill(n: number, gen: Gen, r: () => number): Float32Array {
  const a = new Float32Array(n);
  const normal = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  if (gen === 'distinct') {
    // A random permutation of well-separated values: no ties, no argmax flips under eps.
    const idx = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    for (let i = 0; i < n; i++) a[i] = (idx[i]! - n / 2) * 0.05 + 0.025;
    return a;
  }
  for (let i = 0; i < n; i++) {
    const v = normal();
    a[i] = gen === 'positive' ? 0.5 + Math.abs(v) : gen === 'away' ? Math.sign(v || 1) * (0.2 + Math.abs(v)) : v;
  }
  return a;
}

export interface FdResult {
  checked: number;
  worst: number;
  failures: string[];
}

/** A case's graph: y = f(inputs), L = sum(y * R), and the engine's gradients of L as outputs. */
export interface FdGraph {
  model: Model;
  names: string[];
  values: Float32Array[];
  L: string;
  wrt: string[];
  gradOut: string[];
  /** The random stream after the graph's draws (the checker picks elements from it). */
  r: () => number;
}

export function buildFdGraph(c: FdCase, seed = 1): FdGraph {
  const r = rng(seed);
  const g = new GraphBuilder(c.name);
  const names = c.inputs.map((inp, i) => g.input(`x${i}`, 'float32', inp.shape));
  const values = c.inputs.map((inp) =>
    fill(
      inp.shape.reduce((a, b) => a * b, 1),
      inp.gen ?? 'normal',
      r,
    ),
  );
  const y = c.build(g, names);
  const fwd = g.build();
  const info = inferShapes({ ...fwd, nodes: [...fwd.nodes] });
  const ys = info.shapes.get(y)!.shape;
  const rv = fill(
    ys.reduce((a, b) => a * b, 1),
    'normal',
    r,
  );
  const R = g.constFloat('R', rv, ys);
  const L = g.op1('ReduceSum', [g.op1('Mul', [y, R])], { keepdims: 0 });
  const forwardNodes = [...g.nodes];
  const wrt = (c.wrt ?? c.inputs.map((_, i) => i)).map((i) => names[i]!);
  const back = buildBackward({ graph: { ...fwd, nodes: forwardNodes }, info, seeds: { [y]: R }, wrt, builder: g, options: c.grad });
  g.output(L, 'float32', []);
  const gradOut: string[] = [];
  for (const w of wrt) {
    const o = g.fresh(`${w}_grad`);
    g.nodes.push({ name: g.fresh('id'), opType: 'Identity', inputs: [back.grads.get(w)!], outputs: [o], attributes: {} });
    g.output(o, 'float32', info.shapes.get(w)!.shape);
    gradOut.push(o);
  }
  return { model: makeModel(g.build(), 'fd'), names, values, L, wrt, gradOut, r };
}

export async function fdCheck(c: FdCase, seed = 1): Promise<FdResult> {
  const { model, names, values, L, wrt, gradOut, r } = buildFdGraph(c, seed);
  const session = await createSession(model);
  const run = async (vals: Float32Array[]) => {
    const feeds: Record<string, ReturnType<typeof f32>> = {};
    names.forEach((n, i) => {
      feeds[n] = f32(vals[i]!, c.inputs[i]!.shape);
    });
    return session.run(feeds);
  };
  const base = await run(values);
  const eps = c.eps ?? 1e-2;
  const res: FdResult = { checked: 0, worst: 0, failures: [] };
  for (let k = 0; k < wrt.length; k++) {
    const i = names.indexOf(wrt[k]!);
    const an = base[gradOut[k]!]!.data as Float32Array;
    const gmax = an.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
    const n = values[i]!.length;
    const picks = n <= 16 ? Array.from({ length: n }, (_, j) => j) : Array.from({ length: 16 }, () => Math.floor(r() * n));
    for (const j of picks) {
      const orig = values[i]![j]!;
      const plus = values.map((v) => v.slice());
      plus[i]![j] = orig + eps;
      const minus = values.map((v) => v.slice());
      minus[i]![j] = orig - eps;
      const lp = ((await run(plus))[L]!.data as Float32Array)[0]!;
      const lm = ((await run(minus))[L]!.data as Float32Array)[0]!;
      const fd = (lp - lm) / (2 * eps);
      const err = Math.abs(fd - an[j]!);
      const tol = 1e-2 * Math.abs(an[j]!) + 2e-3 * Math.max(gmax, 1e-2);
      res.checked++;
      res.worst = Math.max(res.worst, err / Math.max(tol, 1e-12));
      if (err > tol) res.failures.push(`input ${i}[${j}]: analytic ${an[j]} vs fd ${fd}`);
    }
  }
  await session.release();
  return res;
}
