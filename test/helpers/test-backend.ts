import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Backend } from '../../main/backend';
import { projectCodec } from '../../main/project-codec';
import type { ExecutionProviderInfo } from '../../core/api';
import type { Project } from '../../core/graph/project';
import { tempDir } from './temp-dir';

/** A small valid project: one Input block. */
export function sampleProject(name = 'sample'): Project {
  return {
    name,
    model: { nodes: [{ id: 'n1', type: 'input', name: 'input', params: {}, position: { x: 0, y: 0 } }], edges: [], groups: [] },
    extra: {},
  };
}

export const fakeProviders: ExecutionProviderInfo[] = [{ name: 'cpu', label: 'CPU', offered: true, available: true, reason: null, probeMs: 1 }];

export function testBackend(extra: Partial<ConstructorParameters<typeof Backend>[0]> = {}): Backend {
  return new Backend({ host: 'test', codec: projectCodec, probeProviders: async () => fakeProviders, ...extra });
}

export function staticSite(): string {
  const dir = tempDir('cnn-studio-static-');
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>t</title><div id="root"></div>');
  writeFileSync(path.join(dir, 'app.js'), 'console.log(1)');
  return dir;
}
