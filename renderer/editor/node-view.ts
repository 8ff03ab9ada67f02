/**
 * What a block node shows, computed from the document node, its analysis report and its
 * diagnostics. Plain data compared field by field, so a node re-renders only when what it shows
 * changes (an edit elsewhere in a 600-node graph must not repaint every node).
 */
import { getBlock, resolveParams, type BlockEnv, type Category } from '../../core/blocks/index';
import type { NodeReport } from '../../core/graph/analyze';
import type { Diagnostic, ModelNode, ParamValue, Params } from '../../core/graph/types';
import { paramText, shapeText } from '../format';
import { plural, pluralWord } from '../../core/text/plural';

export interface NodeView {
  id: string;
  name: string;
  type: string;
  typeLabel: string;
  category: Category | 'Unknown';
  composite: boolean;
  expanded: boolean;
  frozen: boolean;
  /** "3×3 · s2 · same"-style summary lines of the key parameters. */
  keyParams: string[];
  outShapes: string[];
  params: number;
  macs: number;
  status: NodeReport['status'] | 'unknown';
  errors: number;
  warnings: number;
  firstProblem: string | null;
  inPorts: string[];
  outPorts: string[];
}

/** "1 class", "10 classes"; a value that is not a number (an unset or odd parameter) as written. */
const countText = (v: ParamValue | undefined, one: string): string => (typeof v === 'number' ? plural(v, one) : `${paramText(v)} ${pluralWord(2, one)}`);

const win = (v: ParamValue | undefined): string => (typeof v === 'number' ? `${v}×${v}` : paramText(v));

/** Parameters worth a line on the node, per block type (the inspector shows all of them). */
const KEY_PARAMS: Record<string, (P: Params) => string[]> = {
  input: (P) => [`${paramText(P['channels'])}×${paramText(P['height'])}×${paramText(P['width'])} image`],
  conv2d: (P) => [`${countText(P['filters'], 'filter')} · ${win(P['kernel'])}`, `stride ${paramText(P['stride'])} · pad ${paramText(P['padding'])}`],
  maxpool2d: (P) => [`${win(P['kernel'])} · stride ${paramText(P['stride'])}`],
  avgpool2d: (P) => [`${win(P['kernel'])} · stride ${paramText(P['stride'])}`],
  dense: (P) => [countText(P['units'], 'unit')],
  output: (P) => [countText(P['classes'], 'class')],
  dropout: (P) => [`p = ${paramText(P['p'])}`],
  leakyrelu: (P) => [`slope ${paramText(P['slope'])}`],
  add: (P) => [countText(P['inputs'], 'input')],
  concat: (P) => [`${paramText(P['inputs'])} inputs`],
  residual: (P) => [
    `${paramText(P['variant'])} · ${paramText(P['planes'])} planes`,
    `stride ${paramText(P['stride'])}${Number(P['repeat']) > 1 ? ` · ×${paramText(P['repeat'])}` : ''}`,
  ],
  inception: (P) => [
    `1×1 ${paramText(P['n1x1'])} · 3×3 ${paramText(P['n3x3red'])}→${paramText(P['n3x3'])}`,
    `${paramText(P['branchKernel'])}×${paramText(P['branchKernel'])} ${paramText(P['n5x5red'])}→${paramText(P['n5x5'])} · pool ${paramText(P['poolProj'])}`,
  ],
  group: (P) => [Number(P['repeat']) > 1 ? `repeat ×${paramText(P['repeat'])}` : 'once'],
};

function keyParams(type: string, P: Params, specs: Record<string, { label: string }>): string[] {
  const f = KEY_PARAMS[type];
  if (f) return f(P);
  // Unknown to this table: the first two parameters, labelled.
  return Object.keys(specs)
    .slice(0, 2)
    .map((k) => `${specs[k]!.label} ${paramText(P[k])}`);
}

export function buildNodeView(n: ModelNode, r: NodeReport | undefined, diags: readonly Diagnostic[], env: BlockEnv): NodeView {
  const block = getBlock(n.type);
  const errors = diags.filter((d) => d.severity === 'error');
  const warnings = diags.filter((d) => d.severity === 'warning');
  const first = errors[0] ?? warnings[0];
  if (!block) {
    return {
      id: n.id,
      name: n.name,
      type: n.type,
      typeLabel: n.type,
      category: 'Unknown',
      composite: false,
      expanded: false,
      frozen: false,
      keyParams: [],
      outShapes: [],
      params: 0,
      macs: 0,
      status: 'unknown',
      errors: errors.length,
      warnings: warnings.length,
      firstProblem: first?.message ?? null,
      inPorts: ['x'],
      outPorts: ['y'],
    };
  }
  const { params } = resolveParams(block.params, n.params);
  let label: string = block.label;
  if (n.type === 'group') label = env.groups.get(String(params['group']))?.name ?? 'Group';
  return {
    id: n.id,
    name: n.name,
    type: n.type,
    typeLabel: label,
    category: block.category,
    composite: block.kind === 'composite',
    expanded: n.expanded === true,
    frozen: n.frozen === true,
    keyParams: keyParams(n.type, params, block.params),
    outShapes: (r?.outShapes ?? []).map((s) => shapeText(s)),
    params: r?.params ?? 0,
    macs: r?.macs ?? 0,
    status: r?.status ?? 'unknown',
    errors: errors.length,
    warnings: warnings.length,
    firstProblem: first?.message ?? null,
    inPorts: block.inputPorts(params, env),
    outPorts: block.outputPorts(params, env),
  };
}

export function sameView(a: NodeView, b: NodeView): boolean {
  for (const k of Object.keys(a) as (keyof NodeView)[]) {
    const x = a[k];
    const y = b[k];
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length || x.some((v, i) => v !== y[i])) return false;
    } else if (x !== y) return false;
  }
  return true;
}
