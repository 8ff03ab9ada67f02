/**
 * Parameter declarations: one spec per parameter drives defaults, validation (project files and
 * the analysis) and the inspector form (label, bounds, options).
 */
import type { Params } from '../graph/types';

interface Common {
  label: string;
  help?: string;
}
export type ParamSpec =
  | (Common & { kind: 'int'; default: number; min: number; max?: number })
  | (Common & { kind: 'float'; default: number; min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean })
  | (Common & { kind: 'bool'; default: boolean })
  | (Common & { kind: 'enum'; default: string; options: readonly string[] })
  /** A positive integer or an [h, w] pair (kernel, stride, dilation). */
  | (Common & { kind: 'pair'; default: number | readonly [number, number]; min: number; max: number })
  /** A non-negative integer, an [h, w] pair, or 'same' / 'valid'. */
  | (Common & { kind: 'padding'; default: number | string | readonly [number, number] })
  | (Common & { kind: 'string'; default: string });

export type ParamSpecs = Record<string, ParamSpec>;

/**
 * The largest image side anywhere: the Input block's height and width (info, export and train
 * read them from the same declaration), the decoder's 2^28-pixel bomb limit (16384 x 16384), and
 * the bound of every kernel, stride, dilation and padding: none needs to exceed the image, and an
 * unbounded one (padding 1e9) would only fail later with a typed-array error.
 */
export const MAX_IMAGE_SIDE = 16384;

export const p = {
  int: (label: string, def: number, min: number, max?: number, help?: string): ParamSpec => ({
    kind: 'int',
    label,
    default: def,
    min,
    ...(max !== undefined ? { max } : {}),
    ...(help ? { help } : {}),
  }),
  float: (label: string, def: number, o: { min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean; help?: string } = {}): ParamSpec => ({
    kind: 'float',
    label,
    default: def,
    ...o,
  }),
  bool: (label: string, def: boolean, help?: string): ParamSpec => ({ kind: 'bool', label, default: def, ...(help ? { help } : {}) }),
  enumOf: (label: string, def: string, options: readonly string[], help?: string): ParamSpec => ({
    kind: 'enum',
    label,
    default: def,
    options,
    ...(help ? { help } : {}),
  }),
  pair: (label: string, def: number | readonly [number, number], min = 1, max = MAX_IMAGE_SIDE): ParamSpec => ({ kind: 'pair', label, default: def, min, max }),
  padding: (label: string, def: number | string | readonly [number, number]): ParamSpec => ({ kind: 'padding', label, default: def }),
  string: (label: string, def: string): ParamSpec => ({ kind: 'string', label, default: def }),
};

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function describe(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => JSON.stringify(x)).join(', ')}]`;
  return JSON.stringify(v) ?? String(v);
}

/** Why `value` is not acceptable for `spec`, or null when it is. */
export function checkParam(spec: ParamSpec, value: unknown): string | null {
  switch (spec.kind) {
    case 'int':
      if (!isInt(value)) return `must be a whole number, got ${describe(value)}`;
      if (value < spec.min) return `must be at least ${spec.min}, got ${value}`;
      if (spec.max !== undefined && value > spec.max) return `must be at most ${spec.max}, got ${value}`;
      return null;
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a number, got ${describe(value)}`;
      if (spec.min !== undefined && (spec.exclusiveMin ? value <= spec.min : value < spec.min))
        return `must be ${spec.exclusiveMin ? 'greater than' : 'at least'} ${spec.min}, got ${value}`;
      if (spec.max !== undefined && (spec.exclusiveMax ? value >= spec.max : value > spec.max))
        return `must be ${spec.exclusiveMax ? 'less than' : 'at most'} ${spec.max}, got ${value}`;
      return null;
    case 'bool':
      return typeof value === 'boolean' ? null : `must be true or false, got ${describe(value)}`;
    case 'enum':
      return typeof value === 'string' && spec.options.includes(value)
        ? null
        : `must be one of ${spec.options.map((o) => `"${o}"`).join(', ')}, got ${describe(value)}`;
    case 'string':
      return typeof value === 'string' ? null : `must be text, got ${describe(value)}`;
    case 'pair': {
      const ok = (x: unknown) => isInt(x) && x >= spec.min && x <= spec.max;
      if (ok(value)) return null;
      if (Array.isArray(value) && value.length === 2 && ok(value[0]) && ok(value[1])) return null;
      return `must be a whole number from ${spec.min} to ${spec.max} or a pair [h, w] of them, got ${describe(value)}`;
    }
    case 'padding': {
      const ok = (x: unknown) => isInt(x) && x >= 0 && x <= MAX_IMAGE_SIDE;
      if (value === 'same' || value === 'valid' || ok(value)) return null;
      if (Array.isArray(value) && value.length === 2 && ok(value[0]) && ok(value[1])) return null;
      return `must be "same", "valid", a whole number from 0 to ${MAX_IMAGE_SIDE} or a pair [h, w] of them, got ${describe(value)}`;
    }
  }
}

export interface ParamProblem {
  param: string;
  problem: string;
}

/** Fills defaults and collects problems; unknown parameter names are problems too. */
export function resolveParams(specs: ParamSpecs, raw: Params): { params: Params; problems: ParamProblem[] } {
  const params: Params = {};
  const problems: ParamProblem[] = [];
  for (const key in specs) {
    const spec = specs[key]!;
    const v = raw[key];
    if (v === undefined) {
      params[key] = spec.default;
      continue;
    }
    const problem = checkParam(spec, v);
    if (problem) {
      problems.push({ param: key, problem });
      params[key] = spec.default;
    } else params[key] = v;
  }
  for (const key in raw) if (!(key in specs)) problems.push({ param: key, problem: 'is not a parameter of this block' });
  return { params, problems };
}

export function defaultParams(specs: ParamSpecs): Params {
  const out: Params = {};
  for (const key in specs) out[key] = specs[key]!.default;
  return out;
}

// Typed readers used by block rules (parameters are already resolved and checked).
export const num = (P: Params, k: string): number => P[k] as number;
export const bool = (P: Params, k: string): boolean => P[k] as boolean;
export const str = (P: Params, k: string): string => P[k] as string;
export function pair(P: Params, k: string): [number, number] {
  const v = P[k];
  return typeof v === 'number' ? [v, v] : [(v as readonly number[])[0]!, (v as readonly number[])[1]!];
}
export type Padding = 'same' | 'valid' | [number, number];
export function padding(P: Params, k: string): Padding {
  const v = P[k];
  if (v === 'same' || v === 'valid') return v;
  return typeof v === 'number' ? [v, v] : [(v as readonly number[])[0]!, (v as readonly number[])[1]!];
}
