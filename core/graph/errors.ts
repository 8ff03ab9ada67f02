/** Typed errors thrown by core/graph. Nothing else is thrown to callers. */
import type { Diagnostic } from './types';

/** The graph has errors (emitForward refuses it) or a caller passed something inconsistent. */
export class GraphError extends Error {
  override readonly name = 'GraphError';
  constructor(
    message: string,
    readonly diagnostics: Diagnostic[] = [],
  ) {
    super(message);
  }
}

/**
 * A project file that cannot be read: `path` names the field ('model.nodes[3].params.kernel',
 * or '' for the whole file) and `problem` says what is wrong with it.
 */
export class ProjectFileError extends Error {
  override readonly name = 'ProjectFileError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(path ? `${path}: ${problem}` : problem);
  }
}
