/**
 * Types shared by the model document, the block library and the analysis (shape inference,
 * diagnostics, metrics). Pure data: everything here survives JSON.stringify.
 */

/** Per-sample tensor shape: batch is symbolic and omitted. [C, H, W] for images, [F] for vectors. */
export type Shape = readonly number[];

/** A parameter value as stored in a project file. Pairs are [h, w]. */
export type ParamValue = number | string | boolean | readonly number[];
export type Params = Record<string, ParamValue>;

export interface Position {
  x: number;
  y: number;
}

/** One block placed in the editor. `name` is user-visible and is the weights' name prefix. */
export interface ModelNode {
  id: string;
  type: string;
  name: string;
  params: Params;
  position: Position;
  /** Frozen blocks keep their weights during training (their parameters count as non-trainable). */
  frozen?: boolean;
  /** Editor hint: show a composite collapsed (default) or expanded. */
  expanded?: boolean;
}

/** Output port `port` of node `node` (ports are indices into the block's port list). */
export interface PortRef {
  node: string;
  port: number;
}

export interface ModelEdge {
  id: string;
  from: PortRef;
  to: PortRef;
}

/**
 * A user group: a reusable block made from a selection of nodes. Instances are nodes of type
 * `group` whose `group` parameter names this definition. `inputs[i]` lists the inner ports fed by
 * the instance's input i; `outputs[i]` is the inner output port behind the instance's output i.
 */
export interface GroupDef {
  id: string;
  name: string;
  nodes: ModelNode[];
  edges: ModelEdge[];
  inputs: PortRef[][];
  outputs: PortRef[];
}

export interface ModelDocument {
  nodes: ModelNode[];
  edges: ModelEdge[];
  groups: GroupDef[];
}

export type Severity = 'error' | 'warning';

/** One step of a fix. A fix is a list of these applied in order by `applyFix`. */
export type PatchOp =
  | { op: 'setParam'; node: string; param: string; value: ParamValue }
  | { op: 'removeParam'; node: string; param: string }
  | { op: 'addNode'; node: ModelNode }
  | { op: 'removeNode'; node: string }
  | { op: 'renameNode'; node: string; name: string }
  | { op: 'addEdge'; edge: ModelEdge }
  | { op: 'removeEdge'; edge: string };

export interface Fix {
  label: string;
  ops: PatchOp[];
}

/**
 * A problem found by the analysis. `node` is the id of the top-level document node it belongs to
 * (null for graph-wide problems such as "no Input"); `path` is the expanded primitive's dotted name
 * when the problem sits inside a composite.
 */
export interface Diagnostic {
  node: string | null;
  param: string | null;
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  fixes: Fix[];
  path?: string;
}

export type DiagnosticCode =
  | 'unknown-block'
  | 'invalid-param'
  | 'bad-edge'
  | 'duplicate-edge'
  | 'cycle'
  | 'unconnected-input'
  | 'no-input'
  | 'no-output'
  | 'duplicate-name'
  | 'invalid-name'
  | 'needs-flat-input'
  | 'needs-image-input'
  | 'channel-mismatch'
  | 'spatial-mismatch'
  | 'rank-mismatch'
  | 'kernel-too-large'
  | 'empty-output'
  | 'pool-padding-too-large'
  | 'groups-mismatch'
  | 'unknown-group'
  | 'group-recursion'
  | 'unused-node'
  /** A rule failed unexpectedly; the message says where. Reported instead of crashing the editor. */
  | 'internal-error';

/** Receptive field of one output position on the input image, along one axis. */
export interface ReceptiveField {
  /** Input pixels one output position sees. */
  size: number;
  /** Input pixels between neighbouring output positions (product of strides). */
  jump: number;
  /** Input coordinate of the centre of the first output position's field (pixel centres at k + 0.5). */
  start: number;
}
