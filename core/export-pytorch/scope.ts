/**
 * One scope (the model, or a user group's body) -> the `__init__` and `forward` of an nn.Module.
 *
 * Module names come from block names: a dotted name makes nested containers (`features.0`,
 * `features.1` -> `self.features`). A container whose blocks run one after another (each feeds
 * only the next) becomes an nn.Sequential, called once in `forward`; any other container becomes
 * an nn.ModuleDict whose entries `forward` calls by key. So the state dict keys are exactly the
 * studio's weight names.
 */
import { getBlock } from '../blocks/index';
import type { Primitive } from '../graph/expanded';
import { PytorchExportError } from './errors';
import type { BuiltinClass } from './composites';
import type { CompositeCodegen, LeafModule } from './hooks';
import type { Helper } from './modules';
import { assign, call, className, isIdentifier, list, pyStr, statement, varName, type Py } from './python';
import { refKey, type CompositeItem, type Item, type ValueRef } from './structure';

/** Shared by every scope of one model.py: helpers used, classes generated. */
export class CodegenContext {
  readonly helpers = new Set<Helper>();
  readonly builtins = new Set<BuiltinClass>();
  /** Generated group classes in definition order (each after the classes it uses). */
  readonly classes: { name: string; code: string }[] = [];
  private readonly bySignature = new Map<string, string>();
  private readonly taken = new Set<string>([
    'Model',
    'BasicBlock',
    'Bottleneck',
    'BasicConv2d',
    'Inception',
    'PaddedConv2d',
    'PaddedMaxPool2d',
    'PaddedAvgPool2d',
    'MirroredLRN',
    'OrderedDict',
  ]);
  usesOrderedDict = false;

  reserveName(base: string): string {
    let name = base;
    for (let i = 2; this.taken.has(name); i++) name = `${base}${i}`;
    this.taken.add(name);
    return name;
  }

  /** A class for a scope body; identical bodies of one group share one class. */
  defineClass(base: string, doc: string, code: ScopeCode): string {
    const signature = `${base}\n${classSource('__CLASS__', doc, code)}`;
    const known = this.bySignature.get(signature);
    if (known) return known;
    const name = this.reserveName(className(base, 'Block'));
    this.bySignature.set(signature, name);
    this.classes.push({ name, code: classSource(name, doc, code) });
    return name;
  }
}

/** Attributes nn.Module has already: a block named like one cannot be a submodule. */
const MODULE_ATTRS = new Set([
  'training',
  'forward',
  'train',
  'eval',
  'to',
  'cuda',
  'cpu',
  'float',
  'double',
  'half',
  'type',
  'apply',
  'parameters',
  'named_parameters',
  'buffers',
  'named_buffers',
  'children',
  'named_children',
  'modules',
  'named_modules',
  'state_dict',
  'load_state_dict',
  'zero_grad',
  'register_buffer',
  'register_parameter',
  'add_module',
  'get_submodule',
  'requires_grad_',
  'share_memory',
  'extra_repr',
  'dump_patches',
]);

interface TrieNode {
  key: string;
  parent: TrieNode | null;
  item: Item | null;
  children: Map<string, TrieNode>;
  /** Items at or under this node, in scope order. */
  items: Item[];
  /** Set once classified: a chain becomes an nn.Sequential. */
  chain?: boolean;
}

export interface ScopeSpec {
  items: Item[];
  inputs: ValueRef[];
  inputNames: string[];
  outputs: ValueRef[];
}

export interface ScopeCode {
  /** Lines of `__init__` after super().__init__(), at 8 spaces. */
  init: string[];
  /** Lines of `forward`'s body, at 8 spaces. */
  forward: string[];
  params: string[];
}

const IND = 8;

export function scopeCode(spec: ScopeSpec, ctx: CodegenContext): ScopeCode {
  return new ScopeGen(spec, ctx).run();
}

class ScopeGen {
  private readonly root: TrieNode = { key: '', parent: null, item: null, children: new Map(), items: [] };
  private readonly ctors = new Map<Item, Py | null>();
  /** Forward expressions of leaves computed without a module (Add, Concat). */
  private readonly functional = new Map<Item, (inputs: string[]) => string>();
  /** Consumers of each value inside the scope, plus one per scope output. */
  private readonly uses = new Map<string, number>();

  constructor(
    private readonly spec: ScopeSpec,
    private readonly ctx: CodegenContext,
  ) {}

  run(): ScopeCode {
    for (const it of this.spec.items) {
      for (const r of it.inputs) this.uses.set(refKey(r), (this.uses.get(refKey(r)) ?? 0) + 1);
      this.ctors.set(it, this.ctorOf(it));
    }
    for (const r of this.spec.outputs) this.uses.set(refKey(r), (this.uses.get(refKey(r)) ?? 0) + 1);
    for (const it of this.spec.items) this.insert(it);
    this.classify(this.root);
    const init: string[] = [];
    for (const child of this.root.children.values()) {
      const py = this.modulePy(child);
      if (py === null) continue;
      const key = child.key;
      if (MODULE_ATTRS.has(key))
        throw new PytorchExportError(`"${this.nameOf(child)}": "${key}" is a reserved name in PyTorch modules; rename the block`, this.nameOf(child));
      if (isIdentifier(key)) init.push(assign(IND, `self.${key}`, py));
      else init.push(statement(IND, '', call('self.add_module', [pyStr(key), py])));
    }
    return { init, forward: this.forward(), params: this.spec.inputNames };
  }

  private nameOf(n: TrieNode): string {
    const keys: string[] = [];
    for (let t: TrieNode | null = n; t && t.parent; t = t.parent) keys.unshift(t.key);
    return keys.join('.');
  }

  private insert(it: Item): void {
    let node = this.root;
    node.items.push(it);
    for (const key of it.name.split('.')) {
      let next = node.children.get(key);
      if (!next) {
        next = { key, parent: node, item: null, children: new Map(), items: [] };
        node.children.set(key, next);
      }
      if (node.item)
        throw new PytorchExportError(
          `"${it.name}": its name continues the name of block "${this.nameOf(node)}"; PyTorch modules cannot nest inside a layer`,
          it.name,
        );
      node = next;
      node.items.push(it);
    }
    if (node.item || node.children.size) throw new PytorchExportError(`"${it.name}": the name is used by more than one block`, it.name);
    node.item = it;
  }

  private ctorOf(it: Item): Py | null {
    if (it.kind === 'leaf') {
      const m = leafModule(it.prim);
      if (m.helper) this.ctx.helpers.add(m.helper);
      if (m.forward) this.functional.set(it, m.forward);
      return m.ctor;
    }
    return compositeCtor(it, this.ctx);
  }

  private hasModule(it: Item): boolean {
    return this.ctors.get(it) != null;
  }

  /** Decides, bottom-up, which containers are chains. */
  private classify(n: TrieNode): void {
    for (const c of n.children.values()) this.classify(c);
    if (n === this.root || n.item) return;
    const its = n.items;
    let chain = its.every((it) => this.hasModule(it) && it.inputs.length === 1 && it.outputs.length === 1);
    for (let k = 1; chain && k < its.length; k++) {
      const prev = its[k - 1]!.outputs[0]!;
      chain = refKey(its[k]!.inputs[0]!) === refKey(prev) && this.uses.get(refKey(prev)) === 1;
    }
    // Every sub-container must be a chain and run as one contiguous stretch of this one.
    for (const c of n.children.values()) {
      if (!chain || c.item) continue;
      const idx = c.items.map((it) => its.indexOf(it));
      chain = c.chain === true && idx.every((v, i) => v === idx[0]! + i);
    }
    n.chain = chain;
  }

  private modulePy(n: TrieNode): Py | null {
    if (n.item) return this.ctors.get(n.item) ?? null;
    const kids = [...n.children.values()];
    if (n.chain) {
      // Children in the order data flows through them.
      kids.sort((a, b) => n.items.indexOf(a.items[0]!) - n.items.indexOf(b.items[0]!));
      const mods = kids.map((k) => this.modulePy(k)!);
      if (kids.every((k, i) => k.key === String(i))) return call('nn.Sequential', mods);
      this.ctx.usesOrderedDict = true;
      return call('nn.Sequential', [
        call('OrderedDict', [
          list(
            '[',
            ']',
            kids.map((k, i) => list('(', ')', [pyStr(k.key), mods[i]!])),
          ),
        ]),
      ]);
    }
    const entries = kids.map((k) => [k.key, this.modulePy(k)] as const).filter((e): e is readonly [string, Py] => e[1] !== null);
    if (!entries.length) return null;
    return call('nn.ModuleDict', [
      list(
        '{',
        '}',
        entries.map(([k, m]) => dictEntry(k, m)),
      ),
    ]);
  }

  /** The expression that names a module node inside forward. */
  private access(n: TrieNode): string {
    if (n.parent === this.root) return isIdentifier(n.key) ? `self.${n.key}` : `getattr(self, ${pyStr(n.key)})`;
    return `${this.access(n.parent!)}[${pyStr(n.key)}]`;
  }

  /** The outermost chain container holding an item, or the item's own node. */
  private unitOf(it: Item): TrieNode {
    let node = this.root;
    for (const key of it.name.split('.')) {
      node = node.children.get(key)!;
      if (node.chain) return node;
    }
    return node;
  }

  private forward(): string[] {
    const lines: string[] = [];
    const vars = new Map<string, string>();
    const varUses = new Map<string, number>();
    const live = new Set<string>();
    const bind = (r: ValueRef, v: string): void => {
      vars.set(refKey(r), v);
      varUses.set(v, (varUses.get(v) ?? 0) + (this.uses.get(refKey(r)) ?? 0));
      live.add(v);
    };
    this.spec.inputs.forEach((r, i) => bind(r, this.spec.inputNames[i]!));
    const fresh = (base: string): string => {
      const b = RESERVED_VARS.has(varName(base)) ? `${varName(base)}_out` : varName(base);
      let v = b;
      for (let i = 2; live.has(v); i++) v = `${b}_${i}`;
      return v;
    };
    const done = new Set<TrieNode>();
    for (const it of this.spec.items) {
      const unit = this.unitOf(it);
      if (done.has(unit)) continue;
      done.add(unit);
      const ins = unit.item ? unit.item.inputs : [unit.items[0]!.inputs[0]!];
      const outs = unit.item ? unit.item.outputs : [unit.items[unit.items.length - 1]!.outputs[0]!];
      const inVars = ins.map((r) => {
        const v = vars.get(refKey(r));
        if (!v) throw new PytorchExportError(`"${it.name}": an input is not computed before it`, it.name);
        return v;
      });
      let expr: string | null;
      if (unit.item && !this.hasModule(unit.item)) {
        expr = this.functional.get(unit.item)?.(inVars) ?? null;
        if (expr === null) {
          // Input and identity head: the value passes through under the same name.
          if (unit.item.kind === 'leaf' && unit.item.prim.type === 'input') continue;
          for (const v of inVars) varUses.set(v, varUses.get(v)! - 1);
          bind(outs[0]!, inVars[0]!);
          continue;
        }
      } else expr = `${this.access(unit)}(${inVars.join(', ')})`;
      for (const v of inVars) varUses.set(v, varUses.get(v)! - 1);
      for (const v of inVars) if (varUses.get(v) === 0) live.delete(v);
      // The main line of data reuses the input's name whenever it is free (x = layer(x)); values
      // that must live beside it (skip connections, branches) are named after their block.
      const base = unit.key;
      const main = this.spec.inputNames[0]!;
      const names = outs.map((_, i) => (i === 0 && !live.has(main) ? main : fresh(outs.length > 1 ? `${base}_${i}` : base)));
      names.forEach((v, i) => bind(outs[i]!, v));
      lines.push(assign(IND, names.join(', '), expr));
    }
    const ret = this.spec.outputs.map((r) => vars.get(refKey(r))!);
    lines.push(statement(IND, 'return ', ret.join(', ')));
    return lines;
  }
}

/** `"key": expr` inside a dict literal. */
function dictEntry(key: string, m: Py): Py {
  const pre = `${pyStr(key)}: `;
  if (typeof m === 'string') return `${pre}${m}`;
  return 'fn' in m ? { ...m, fn: `${pre}${m.fn}` } : { ...m, open: `${pre}${m.open}` };
}

const RESERVED_VARS = new Set(['self', 'torch', 'nn', 'F']);

/** The module of a primitive, from its block's `pytorch` hook; a block without one is refused by name. */
export function leafModule(p: Primitive): LeafModule {
  const block = getBlock(p.type);
  if (block?.kind !== 'primitive' || !block.pytorch)
    throw new PytorchExportError(`"${p.name}": blocks of type "${p.type}" cannot be exported as PyTorch yet`, p.name);
  return block.pytorch(p);
}

/**
 * The constructor of a composite instance: its block's `pytorch` hook (a built-in class, a group
 * class), or else the generic form: a generated class whose body is the instance's children.
 */
export function compositeCtor(it: CompositeItem, ctx: CodegenContext): Py {
  const gen: CompositeCodegen = {
    useBuiltin: (c) => void ctx.builtins.add(c),
    scopeClass: (base, doc, spec) => ctx.defineClass(base, doc, scopeCode(spec, ctx)),
  };
  const block = getBlock(it.type);
  if (block?.kind === 'composite' && block.pytorch) return block.pytorch(it, gen);
  const names = it.inputs.length === 1 ? ['x'] : it.inputs.map((_, i) => `x${i}`);
  const doc = `The studio's ${block?.label ?? it.type} block.`;
  return `${gen.scopeClass(it.type, doc, { items: it.children, inputs: it.inputs, inputNames: names, outputs: it.outputs })}()`;
}

/** A complete nn.Module class from a scope's code. */
export function classSource(name: string, doc: string, code: ScopeCode): string {
  const sig = `    def forward(self, ${code.params.join(', ')}):`;
  return [
    `class ${name}(nn.Module):`,
    `    """${doc}"""`,
    '',
    '    def __init__(self):',
    '        super().__init__()',
    ...code.init,
    '',
    sig,
    ...code.forward,
    '',
  ].join('\n');
}
