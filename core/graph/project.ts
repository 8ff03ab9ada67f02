/**
 * The project file: versioned JSON, validated with zod, migrated forward. Reading never throws
 * anything but ProjectFileError, whose `path` names the field (model.nodes[3].params.kernel) and
 * `problem` says what is wrong. Sections this module does not own (dataset, training, ui, ...)
 * are kept as they are in `extra` and written back unchanged.
 */
import { z } from 'zod';
import { getBlock } from '../blocks/index';
import { checkParam, resolveParams } from '../blocks/params';
import type { BlockEnv } from '../blocks/define';
import { stripBom } from '../json-text';
import { ProjectFileError } from './errors';
import type { GroupDef, ModelDocument, ModelEdge, ModelNode } from './types';

export const PROJECT_FORMAT = 'cnn-studio';
export const PROJECT_VERSION = 1;

export interface Project {
  name: string;
  model: ModelDocument;
  /** Other top-level sections, preserved as read. */
  extra: Record<string, unknown>;
}

type RawProject = Record<string, unknown>;

/**
 * Migrations: MIGRATIONS[v] turns a version-v file into a version v+1 file. Add one per format
 * change and bump PROJECT_VERSION; old files then open through the chain.
 */
export const MIGRATIONS: Record<number, (raw: RawProject) => RawProject> = {};

/** Runs the migration chain from version `from` up to `to` (each step v -> v+1). */
export function migrate(raw: RawProject, from: number, to: number, steps: Record<number, (raw: RawProject) => RawProject> = MIGRATIONS): RawProject {
  let r = raw;
  for (let v = from; v < to; v++) {
    const step = steps[v];
    if (!step) throw new ProjectFileError('version', `cannot upgrade a version ${v} file: no migration from version ${v}`);
    r = { ...step(r), version: v + 1 };
  }
  return r;
}

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const paramValue = z.union([finite, z.string(), z.boolean(), z.array(finite)]);
const portRef = z.object({ node: z.string().min(1), port: z.number().int().min(0) });
const nodeSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  name: z.string(),
  params: z.record(z.string(), paramValue),
  // Optional: a project written without positions opens laid out (the editor lays out documents
  // whose blocks overlap, and here they would all sit at the origin).
  position: z.object({ x: finite, y: finite }).default({ x: 0, y: 0 }),
  frozen: z.boolean().optional(),
  expanded: z.boolean().optional(),
});
const edgeSchema = z.object({ id: z.string().min(1), from: portRef, to: portRef });
const groupSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema),
  inputs: z.array(z.array(portRef)),
  outputs: z.array(portRef),
});
const projectSchema = z.object({
  format: z.literal(PROJECT_FORMAT),
  version: z.literal(PROJECT_VERSION),
  name: z.string(),
  model: z.object({ nodes: z.array(nodeSchema), edges: z.array(edgeSchema), groups: z.array(groupSchema).default([]) }),
});
const KNOWN = new Set(['format', 'version', 'name', 'model']);

/** 'model.nodes[3].params.kernel' from a zod path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const k of path) s += typeof k === 'number' ? `[${k}]` : s ? `.${String(k)}` : String(k);
  return s;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : typeof v === 'string' ? `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"` : `${typeof v} ${String(v)}`;
}

/** The JSON type of a value, never the value itself. */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return typeof v === 'string' ? 'other text' : `a ${typeof v}`;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/**
 * Why JSON.parse failed, with where it stopped ("line L, column C") when the engine says, but
 * never quoting the text: the file may be anything (a password file opened by mistake) and its
 * content must not reach a message.
 */
function jsonProblem(text: string, e: unknown): string {
  const message = e instanceof Error ? e.message : '';
  if (!text.trim()) return 'not valid JSON (the file is empty)';
  const m = /position (\d+)/.exec(message);
  const pos = m ? Number(m[1]) : null;
  if (/end of JSON input/.test(message) || (pos !== null && pos >= text.trimEnd().length))
    return 'not valid JSON (is the file truncated?): it ends in the middle of a value';
  if (pos === null) return 'not valid JSON: this is not a JSON file';
  const before = text.slice(0, pos);
  return `not valid JSON: unexpected character at line ${before.split('\n').length}, column ${pos - before.lastIndexOf('\n')}`;
}

export function parseProject(text: string): Project {
  const body = stripBom(text);
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (e) {
    throw new ProjectFileError('', jsonProblem(body, e));
  }
  try {
    return validateProject(raw);
  } catch (e) {
    if (e instanceof ProjectFileError) throw e;
    throw new ProjectFileError('', `cannot read the project: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function validateProject(input: unknown): Project {
  // Until "format" says this is a project, messages name only types: the document may be any
  // JSON file, and its values are not echoed back.
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ProjectFileError('', `a project file must be a JSON object, got ${typeName(input)}`);
  }
  let raw = input as RawProject;
  if (raw.format !== PROJECT_FORMAT) {
    throw new ProjectFileError(
      'format',
      raw.format === undefined
        ? `missing; a CNN Studio project has "format": "${PROJECT_FORMAT}"`
        : `must be "${PROJECT_FORMAT}", got ${typeName(raw.format)}: this is not a CNN Studio project`,
    );
  }
  const version = raw.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new ProjectFileError('version', `must be a whole number >= 1, got ${version === undefined ? 'nothing' : describe(version)}`);
  }
  if (version > PROJECT_VERSION) {
    throw new ProjectFileError(
      'version',
      `this file is version ${version}, newer than this CNN Studio reads (${PROJECT_VERSION}); update CNN Studio to open it`,
    );
  }
  raw = migrate(raw, version, PROJECT_VERSION);
  const parsed = projectSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = valueAt(raw, issue.path);
    const problem =
      issue.code === 'invalid_type' && at === undefined
        ? 'is missing'
        : `${issue.message}${at !== undefined && issue.code === 'invalid_type' ? ` (got ${describe(at)})` : ''}`;
    throw new ProjectFileError(formatPath(issue.path), problem);
  }
  const model = parsed.data.model as ModelDocument;
  const env: BlockEnv = { groups: new Map(model.groups.map((g) => [g.id, g])) };
  checkGraph(model.nodes, model.edges, 'model', env);
  model.groups.forEach((g, i) => checkGroup(g, `model.groups[${i}]`, env));
  const extra: Record<string, unknown> = {};
  for (const k of Object.keys(raw)) if (!KNOWN.has(k) && k !== '__proto__') extra[k] = raw[k];
  return { name: parsed.data.name, model, extra };
}

/** Referential checks zod cannot express: unique ids, known block types, parameters, edge ends. */
function checkGraph(nodes: ModelNode[], edges: ModelEdge[], at: string, env: BlockEnv): void {
  const ports = new Map<string, { ins: number; outs: number; name: string }>();
  nodes.forEach((n, i) => {
    const p = `${at}.nodes[${i}]`;
    if (ports.has(n.id)) throw new ProjectFileError(`${p}.id`, `"${n.id}" is used by two blocks; ids must be unique`);
    const block = getBlock(n.type);
    if (!block) throw new ProjectFileError(`${p}.type`, `unknown block type "${n.type}"`);
    for (const [k, v] of Object.entries(n.params)) {
      const spec = block.params[k];
      if (!spec) throw new ProjectFileError(`${p}.params.${k}`, `is not a parameter of ${block.label}`);
      const problem = checkParam(spec, v);
      if (problem) throw new ProjectFileError(`${p}.params.${k}`, `${problem} (${block.label} block "${n.name}")`);
    }
    const P = resolveParams(block.params, n.params).params;
    ports.set(n.id, { ins: block.inputPorts(P, env).length, outs: block.outputPorts(P, env).length, name: n.name });
  });
  const edgeIds = new Set<string>();
  edges.forEach((e, i) => {
    const p = `${at}.edges[${i}]`;
    if (edgeIds.has(e.id)) throw new ProjectFileError(`${p}.id`, `"${e.id}" is used by two connections; ids must be unique`);
    edgeIds.add(e.id);
    const from = ports.get(e.from.node);
    const to = ports.get(e.to.node);
    if (!from) throw new ProjectFileError(`${p}.from.node`, `no block with id "${e.from.node}"`);
    if (!to) throw new ProjectFileError(`${p}.to.node`, `no block with id "${e.to.node}"`);
    if (e.from.port >= from.outs) throw new ProjectFileError(`${p}.from.port`, `"${from.name}" has no output ${e.from.port}`);
    if (e.to.port >= to.ins) throw new ProjectFileError(`${p}.to.port`, `"${to.name}" has no input ${e.to.port}`);
  });
}

function checkGroup(g: GroupDef, at: string, env: BlockEnv): void {
  checkGraph(g.nodes, g.edges, at, env);
  const ids = new Set(g.nodes.map((n) => n.id));
  g.inputs.forEach((targets, i) =>
    targets.forEach((t, j) => {
      if (!ids.has(t.node)) throw new ProjectFileError(`${at}.inputs[${i}][${j}].node`, `no block with id "${t.node}" in this group`);
    }),
  );
  g.outputs.forEach((t, i) => {
    if (!ids.has(t.node)) throw new ProjectFileError(`${at}.outputs[${i}].node`, `no block with id "${t.node}" in this group`);
  });
}

export function serializeProject(p: Project): string {
  return `${JSON.stringify({ format: PROJECT_FORMAT, version: PROJECT_VERSION, name: p.name, model: p.model, ...p.extra }, null, 2)}\n`;
}

/** A result instead of an exception, for callers that prefer it. */
export function tryParseProject(text: string): { ok: true; project: Project } | { ok: false; error: ProjectFileError } {
  try {
    return { ok: true, project: parseProject(text) };
  } catch (e) {
    if (e instanceof ProjectFileError) return { ok: false, error: e };
    return { ok: false, error: new ProjectFileError('', e instanceof Error ? e.message : String(e)) };
  }
}
