import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Backend, type ProjectCodec } from '../../main/backend';
import type { ExecutionProviderInfo } from '../../core/api';

/** A codec that accepts `{"format":"test", ...}` objects: enough to exercise the backend's I/O paths. */
export const testCodec: ProjectCodec = {
  parse(text) {
    const v = JSON.parse(text) as { format?: unknown };
    if (typeof v !== 'object' || v === null || v.format !== 'test') throw new Error('format: expected "test"');
    return { project: v, warnings: [] };
  },
  serialize(project) {
    return `${JSON.stringify(project, null, 2)}\n`;
  },
};

export const fakeProviders: ExecutionProviderInfo[] = [
  { name: 'cpu', label: 'CPU', offered: true, available: true, reason: null, probeMs: 1 },
];

export function tempDir(prefix = 'cnn-studio-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function testBackend(extra: Partial<ConstructorParameters<typeof Backend>[0]> = {}): Backend {
  return new Backend({ host: 'test', codec: testCodec, probeProviders: async () => fakeProviders, ...extra });
}

export function staticSite(): string {
  const dir = tempDir('cnn-studio-static-');
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>t</title><div id="root"></div>');
  writeFileSync(path.join(dir, 'app.js'), 'console.log(1)');
  return dir;
}
