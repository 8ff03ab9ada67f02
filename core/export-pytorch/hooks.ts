/**
 * What a block definition may say about its PyTorch form (the optional `pytorch` field of a
 * block in core/blocks). Types only, so block files can declare their module without pulling the
 * code generator in. A primitive returns the module that computes it; a composite returns the
 * constructor of its module, or leaves the field out and is exported as a class generated from
 * its children (the generic fallback, as for user groups).
 */
import type { Primitive } from '../graph/expanded';
import type { BuiltinClass } from './composites';
import type { Helper } from './modules';
import type { Py } from './python';
import type { ScopeSpec } from './scope';
import type { CompositeItem } from './structure';

export interface LeafModule {
  /** Constructor expression; null for blocks computed in `forward` (see `forward`) or passed through. */
  ctor: Py | null;
  /** A helper class model.py must define for the constructor. */
  helper?: Helper;
  /** Without a module: the forward expression from the input variables (Add: `a + b`). */
  forward?: (inputs: string[]) => string;
}

/** The primitive's PyTorch module. */
export type PrimitivePytorch = (p: Primitive) => LeafModule;

/** What a composite's hook may ask of the code generator. */
export interface CompositeCodegen {
  /** Marks a hand-written class of composites.ts as used, so model.py defines it. */
  useBuiltin(c: BuiltinClass): void;
  /** A generated nn.Module class for a scope (items, its inputs and outputs); returns its name. */
  scopeClass(base: string, doc: string, spec: ScopeSpec): string;
}

/** The composite instance's module constructor. */
export type CompositePytorch = (item: CompositeItem, gen: CompositeCodegen) => Py;
