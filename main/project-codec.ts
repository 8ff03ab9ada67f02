import { parseProject, serializeProject, type Project } from '../core/graph/project';
import type { ProjectCodec } from './backend';

function isProjectLike(v: unknown): v is Project {
  if (v === null || typeof v !== 'object') return false;
  const p = v as Partial<Project>;
  return (
    typeof p.name === 'string' &&
    typeof p.model === 'object' &&
    p.model !== null &&
    (p.extra === undefined || (typeof p.extra === 'object' && p.extra !== null && !Array.isArray(p.extra)))
  );
}

/** core/graph's versioned project file, as the backend reads and writes it. */
export const projectCodec: ProjectCodec = {
  parse(text) {
    return { project: parseProject(text), warnings: [] };
  },
  serialize(project) {
    if (!isProjectLike(project)) throw new Error('project: expected an object with "name", "model" and optionally "extra"');
    // The backend parses this text again before writing, so every field is validated there.
    return serializeProject({ ...project, extra: project.extra ?? {} });
  },
};
