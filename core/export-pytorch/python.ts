/**
 * Small Python source helpers: literals, identifiers, and a call/list pretty-printer that keeps
 * lines within PEP 8's 79 columns (one argument per line, black-style, when a call is too long).
 */

export const LINE_WIDTH = 79;

/** A Python expression: plain text, a call, or a bracketed list of items. */
export type Py = string | PyCall | PyList;

export interface PyCall {
  fn: string;
  args: Py[];
  kwargs?: [string, Py][];
}

export interface PyList {
  open: string;
  close: string;
  items: Py[];
}

export const call = (fn: string, args: Py[] = [], kwargs: [string, Py][] = []): PyCall => ({ fn, args, kwargs });
export const list = (open: string, close: string, items: Py[]): PyList => ({ open, close, items });

const KEYWORDS = new Set([
  'False',
  'None',
  'True',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
]);

export function isIdentifier(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) && !KEYWORDS.has(s);
}

/** A Python float literal that reads back to the same double (JS and Python share repr rules). */
export function pyFloat(n: number): string {
  const s = String(n);
  return /[.e]/.test(s) || !Number.isFinite(n) ? s : `${s}.0`;
}

export const pyStr = (s: string): string => JSON.stringify(s);

/** An int, or an (h, w) tuple when the two differ: how nn layers accept sizes. */
export function pyPair(p: readonly [number, number]): string {
  return p[0] === p[1] ? String(p[0]) : `(${p[0]}, ${p[1]})`;
}

function parts(e: PyCall | PyList): Py[] {
  if ('fn' in e) return [...e.args, ...(e.kwargs ?? []).map(([k, v]): Py => (typeof v === 'string' ? `${k}=${v}` : { ...withPrefix(v, `${k}=`) }))];
  return e.items;
}

/** Puts `prefix` in front of an expression (keyword arguments). */
function withPrefix(e: PyCall | PyList, prefix: string): PyCall | PyList {
  return 'fn' in e ? { ...e, fn: `${prefix}${e.fn}` } : { ...e, open: `${prefix}${e.open}` };
}

export function flat(e: Py): string {
  if (typeof e === 'string') return e;
  const inner = parts(e).map(flat).join(', ');
  if ('fn' in e) return `${e.fn}(${inner})`;
  // A one-element tuple needs its trailing comma.
  return `${e.open}${inner}${e.open === '(' && parts(e).length === 1 ? ',' : ''}${e.close}`;
}

/**
 * Renders `e` starting at column `lead` (characters already on the first line), with `trail`
 * characters to follow it on its last line; continuation lines are indented by `indent` + 4.
 */
export function render(e: Py, indent: number, lead: number, trail = 0): string {
  const f = flat(e);
  if (typeof e === 'string' || lead + f.length + trail <= LINE_WIDTH) return f;
  const items = parts(e);
  // A call around one bracketed argument hugs it: nn.Sequential(OrderedDict([ ... ])).
  if ('fn' in e && items.length === 1 && typeof items[0] !== 'string') {
    return `${e.fn}(${render(items[0]!, indent, lead + e.fn.length + 1, trail + 1)})`;
  }
  const open = 'fn' in e ? `${e.fn}(` : e.open;
  const close = 'fn' in e ? ')' : e.close;
  if (items.length === 0) return `${open}${close}`;
  const pad = ' '.repeat(indent + 4);
  const lines = items.map((it) => `${pad}${render(it, indent + 4, indent + 4, 1)},`);
  return `${open}\n${lines.join('\n')}\n${' '.repeat(indent)}${close}`;
}

/** `target = expr` as lines at `indent`. */
export function assign(indent: number, target: string, e: Py): string {
  const head = `${' '.repeat(indent)}${target} = `;
  return `${head}${render(e, indent, head.length)}`;
}

/** A statement that is a single expression, e.g. `return x`, wrapped like an assignment. */
export function statement(indent: number, head: string, e: Py): string {
  const h = `${' '.repeat(indent)}${head}`;
  return `${h}${render(e, indent, h.length)}`;
}

/** CamelCase class name from a block or project name ('conv-block.v2' -> 'ConvBlockV2'). */
export function className(name: string, fallback: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  let s = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  if (!s) return fallback;
  if (/^[0-9]/.test(s)) s = `${fallback}${s}`;
  return isIdentifier(s) ? s : fallback;
}

/** snake_case variable name from a block name ('conv-1' -> 'conv_1'; '0' -> 'x0'). */
export function varName(name: string): string {
  let s = name
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  if (!s) s = 'x';
  if (/^[0-9]/.test(s)) s = `x${s}`;
  return isIdentifier(s) ? s : `${s}_`;
}

/** Wraps prose into `#` comment lines or docstring lines at the given indent. */
export function wrapText(text: string, indent: number, prefix = ''): string[] {
  const width = LINE_WIDTH - indent - prefix.length;
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(`${' '.repeat(indent)}${prefix}${line}`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(`${' '.repeat(indent)}${prefix}${line}`);
  return out;
}
