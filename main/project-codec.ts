import type { ProjectCodec } from './backend';

// Replaced by core/graph's project file parser as soon as it lands (see git log).
export const projectCodec: ProjectCodec = {
  parse(text) {
    return { project: JSON.parse(text) as unknown, warnings: [] };
  },
  serialize(project) {
    return `${JSON.stringify(project, null, 2)}\n`;
  },
};
