import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../core/api';
import { sampleProject, testBackend } from '../helpers/test-backend';
import { tempDir } from '../helpers/temp-dir';

describe('backend', () => {
  it('reports its version and host', async () => {
    const v = await testBackend().version();
    expect(v.studio).toMatch(/^\d+\.\d+\.\d+/);
    expect(v.onnxruntime).toMatch(/^1\.\d+/);
    expect(v.host).toBe('test');
  });

  it('saves atomically and opens again', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'model.json');
    const b = testBackend();
    const saved = await b.saveProject({ path: file, project: sampleProject('first') });
    expect(saved.bytes).toBeGreaterThan(0);
    const opened = await b.openProject({ path: file });
    expect(opened.project).toEqual(sampleProject('first'));
    expect(readdirSync(dir)).toEqual(['model.json']); // no temp file left behind
  });

  it('refuses to save a document it could not open again, and keeps the old file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'model.json');
    const before = `${JSON.stringify({ format: 'cnn-studio', version: 1, name: 'keep', model: { nodes: [], edges: [], groups: [] } })}\n`;
    writeFileSync(file, before);
    const b = testBackend();
    const bad = sampleProject();
    bad.model.nodes[0]!.params = { channels: -3 };
    await expect(b.saveProject({ path: file, project: bad })).rejects.toThrow(/model\.nodes\[0\]\.params\.channels/);
    await expect(b.saveProject({ path: file, project: { nodes: [] } })).rejects.toThrow(/expected an object with "name", "model"/);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('names the file and the problem for bad files', async () => {
    const dir = tempDir();
    const b = testBackend();
    const missing = path.join(dir, 'nope.json');
    await expect(b.openProject({ path: missing })).rejects.toThrow(`${missing}: no such file`);
    const truncated = path.join(dir, 'truncated.json');
    writeFileSync(truncated, '{"format":"cnn-studio","vers');
    await expect(b.openProject({ path: truncated })).rejects.toSatisfy(
      (e: unknown) => e instanceof StudioError && e.code === 'invalid-project' && e.message.startsWith(truncated) && /truncated/.test(e.message),
    );
    const newer = path.join(dir, 'newer.json');
    writeFileSync(newer, JSON.stringify({ format: 'cnn-studio', version: 99, name: 'x', model: { nodes: [], edges: [], groups: [] } }));
    await expect(b.openProject({ path: newer })).rejects.toThrow(/version: this file is version 99, newer/);
    const binary = path.join(dir, 'binary.json');
    writeFileSync(binary, Buffer.from([0, 1, 2, 3]));
    await expect(b.openProject({ path: binary })).rejects.toThrow(/binary data/);
    await expect(b.openProject({ path: dir })).rejects.toThrow(`${dir}: is a folder, not a project file`);
  });

  it('reports a missing folder instead of creating it', async () => {
    const b = testBackend();
    const file = path.join(tempDir(), 'no-such-folder', 'm.json');
    await expect(b.saveProject({ path: file, project: sampleProject() })).rejects.toThrow(/folder .* does not exist/);
    expect(existsSync(path.dirname(file))).toBe(false);
  });

  it('validates payloads at the entry point, naming the field', async () => {
    const b = testBackend();
    await expect(b.call('openProject', { path: 3 })).rejects.toThrow(/openProject: path: /);
    await expect(b.call('openProject', {})).rejects.toThrow(/path/);
    await expect(b.call('version', { extra: 1 })).rejects.toThrow(/version: /);
  });

  it('opens the startup project, or says why not', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'p.json');
    writeFileSync(file, JSON.stringify({ format: 'cnn-studio', version: 1, name: 'p', model: { nodes: [], edges: [], groups: [] } }));
    expect((await testBackend({ startupProject: file }).startup()).project?.path).toBe(file);
    const bad = await testBackend({ startupProject: path.join(dir, 'missing.json') }).startup();
    expect(bad.project).toBeNull();
    expect(bad.error).toMatch(/missing\.json: no such file/);
    expect(await testBackend().startup()).toEqual({ project: null, error: null });
  });

  it('has no native dialogs in serve mode', async () => {
    expect(await testBackend().chooseFile({ mode: 'open' })).toEqual({ native: false, path: null });
    const b = testBackend({ dialogs: async () => '/tmp/x.json' });
    expect(await b.chooseFile({ mode: 'save' })).toEqual({ native: true, path: '/tmp/x.json' });
  });
});
