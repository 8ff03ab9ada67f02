/**
 * Typed attribute declarations of an op record, as ONNX's op schemas declare them (name, type,
 * default). A record lists the attributes its rules read; `readAttrs` returns them typed, with the
 * defaults filled in and a clear error naming the node when a value has the wrong type.
 */
import type { Node } from '../onnx/ir';
import { attrFloat, attrInt, attrInts, attrString } from '../train/attrs';

export type AttrSpec =
  | { readonly kind: 'int'; readonly default: number }
  | { readonly kind: 'float'; readonly default: number }
  | { readonly kind: 'ints' }
  | { readonly kind: 'string'; readonly default: string };

export type AttrSpecs = Readonly<Record<string, AttrSpec>>;

/** The value type of an attribute spec: numbers for int/float, an optional list, a string. */
type AttrValue<S extends AttrSpec> = S extends { kind: 'int' | 'float' } ? number : S extends { kind: 'ints' } ? number[] | undefined : string;

export type AttrValues<S extends AttrSpecs> = { readonly [K in keyof S]: AttrValue<S[K]> };

export const int = (def: number) => ({ kind: 'int', default: def }) as const;
export const float = (def: number) => ({ kind: 'float', default: def }) as const;
export const ints = () => ({ kind: 'ints' }) as const;
export const str = (def: string) => ({ kind: 'string', default: def }) as const;

/** Reads the declared attributes of `node` (defaults where absent). */
export function readAttrs<S extends AttrSpecs>(node: Node, specs: S): AttrValues<S> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.kind === 'int') out[name] = attrInt(node, name, spec.default);
    else if (spec.kind === 'float') out[name] = attrFloat(node, name, spec.default);
    else if (spec.kind === 'ints') out[name] = attrInts(node, name);
    else out[name] = attrString(node, name, spec.default);
  }
  return out as AttrValues<S>;
}
