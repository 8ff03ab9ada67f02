/**
 * The open project around the model: its name and the sections other parts of the studio own
 * (dataset, training), kept as read and written back unchanged.
 */
import { create } from 'zustand';
import { validateProject, type Project } from '../../core/graph/project';
import { ProjectFileError } from '../../core/graph/errors';
import type { ModelDocument } from '../../core/graph/types';

interface ProjectMeta {
  name: string;
  extra: Record<string, unknown>;
  set(name: string, extra: Record<string, unknown>): void;
}

export const useProjectMeta = create<ProjectMeta>((set) => ({
  name: 'Untitled',
  extra: {},
  set(name, extra) {
    set({ name, extra });
  },
}));

export function toProject(model: ModelDocument): Project {
  const m = useProjectMeta.getState();
  return { name: m.name, model, extra: m.extra };
}

/**
 * What the backend handed back as a project: core's Project ({name, model, extra}), or a raw
 * project file where a carrier passed the JSON through. Either way it is validated here.
 */
export function fromWire(v: unknown): Project {
  if (v && typeof v === 'object' && 'format' in v) return validateProject(v);
  const p = v as Partial<Project> | null;
  if (p && typeof p === 'object' && typeof p.name === 'string' && p.model && typeof p.model === 'object') {
    return validateProject({ format: 'cnn-studio', version: 1, name: p.name, model: p.model, ...(p.extra ?? {}) });
  }
  throw new ProjectFileError('', 'not a CNN Studio project');
}

export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
