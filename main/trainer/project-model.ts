/**
 * The project's model as the trainer needs it: validated, its Input block's image size, and its
 * Output block's class count set from the dataset (the classifier follows the data).
 */
import { expandGraph, validateProject, type ExpandedGraph, type ModelDocument, type Project } from '../../core/graph/index';
import { TrainError } from './run-folder';
import type { ProjectJson } from './types';

export interface InputSpec {
  channels: 1 | 3;
  height: number;
  width: number;
}

export function loadProject(json: ProjectJson): Project {
  try {
    const { extra, ...rest } = json as ProjectJson & Record<string, unknown>;
    return validateProject({ format: 'cnn-studio', version: 1, ...(extra ?? {}), ...rest });
  } catch (e) {
    throw new TrainError('bad-project', `the project cannot be trained: ${(e as Error).message}`);
  }
}

/** Checks the graph, and reads the image size the data must be decoded to. */
export function inputSpec(doc: ModelDocument): { spec: InputSpec; expanded: ExpandedGraph } {
  const expanded = expandGraph(doc);
  if (!expanded.ok) {
    const errs = expanded.diagnostics.filter((d) => d.severity === 'error');
    throw new TrainError(
      'bad-model',
      `the model has ${errs.length} error(s); fix them before training: ${errs
        .slice(0, 3)
        .map((d) => d.message)
        .join('; ')}`,
    );
  }
  const inputs = expanded.nodes.filter((p) => p.live && p.type === 'input');
  if (inputs.length !== 1) throw new TrainError('bad-model', `training needs exactly one Input block feeding the Output; the model has ${inputs.length}`);
  const [c, h, w] = inputs[0]!.outShapes[0] as [number, number, number];
  if (c !== 1 && c !== 3) throw new TrainError('bad-model', `the Input block has ${c} channels; images train as 1 (grey) or 3 (RGB) channels`);
  return { spec: { channels: c, height: h, width: w }, expanded };
}

/**
 * A copy of the document whose Output block(s) predict `classes` classes; `changed` lists
 * "name: old -> new" for the log.
 */
export function withClassCount(doc: ModelDocument, classes: number): { doc: ModelDocument; changed: string[] } {
  const changed: string[] = [];
  const nodes = doc.nodes.map((n) => {
    if (n.type !== 'output') return n;
    const old = n.params.classes;
    if (old === classes) return n;
    changed.push(`${n.name}: ${old === undefined ? 'default' : String(old)} -> ${classes}`);
    return { ...n, params: { ...n.params, classes } };
  });
  if (!doc.nodes.some((n) => n.type === 'output'))
    throw new TrainError('bad-model', 'the model has no Output block at the top level: add one to train a classifier');
  return { doc: { ...doc, nodes }, changed };
}
