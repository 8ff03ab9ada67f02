import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleProject, testBackend } from '../helpers/test-backend';
import { tempDir } from '../helpers/temp-dir';

describe('backend: folder browsing (serve mode file dialog)', () => {
  it('lists folders first, then files, with sizes and the parent', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'b-folder'));
    mkdirSync(path.join(dir, 'a-folder'));
    writeFileSync(path.join(dir, 'model.json'), '{"x":1}');
    writeFileSync(path.join(dir, '.hidden'), 'x');
    symlinkSync(path.join(dir, 'a-folder'), path.join(dir, 'link-to-folder'));
    symlinkSync(path.join(dir, 'missing'), path.join(dir, 'dangling'));
    const l = await testBackend().listDirectory({ path: dir });
    expect(l.path).toBe(dir);
    expect(l.parent).toBe(path.dirname(dir));
    expect(l.entries).toEqual([
      { name: 'a-folder', kind: 'dir', size: 0 },
      { name: 'b-folder', kind: 'dir', size: 0 },
      { name: 'link-to-folder', kind: 'dir', size: 0 },
      { name: 'model.json', kind: 'file', size: 7 },
    ]);
    expect(l.truncated).toBe(false);
    const all = await testBackend().listDirectory({ path: dir, showHidden: true });
    expect(all.entries.map((e) => e.name)).toContain('.hidden');
  });

  it('starts at the home folder and reports the root as parentless', async () => {
    expect((await testBackend().listDirectory({})).path).toBe(os.homedir());
    expect((await testBackend().listDirectory({ path: '/' })).parent).toBeNull();
  });

  it('names the folder for missing paths and files', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'f.txt');
    writeFileSync(file, 'x');
    await expect(testBackend().listDirectory({ path: path.join(dir, 'nope') })).rejects.toThrow(`${path.join(dir, 'nope')}: no such folder`);
    await expect(testBackend().listDirectory({ path: file })).rejects.toThrow(`${file}: not a folder`);
    await expect(testBackend().call('listDirectory', { path: 3 })).rejects.toThrow(/listDirectory: path/);
  });
});

describe('backend: recovery file', () => {
  const saved = process.env['CNN_STUDIO_HOME'];
  afterEach(() => {
    if (saved === undefined) delete process.env['CNN_STUDIO_HOME'];
    else process.env['CNN_STUDIO_HOME'] = saved;
  });

  it('saves, loads and clears one recovery copy under CNN_STUDIO_HOME', async () => {
    const home = tempDir();
    process.env['CNN_STUDIO_HOME'] = home;
    const b = testBackend();
    expect(await b.loadRecovery()).toBeNull();
    const r = await b.saveRecovery({ project: sampleProject('one'), path: '/tmp/m.json' });
    expect(r.bytes).toBeGreaterThan(0);
    const file = path.join(home, 'recovery', 'recovery.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).path).toBe('/tmp/m.json');
    const loaded = await b.loadRecovery();
    expect(loaded).toEqual({ project: sampleProject('one'), path: '/tmp/m.json', savedAt: r.savedAt });
    await b.saveRecovery({ project: sampleProject('two'), path: null });
    expect((await b.loadRecovery())?.project).toEqual(sampleProject('two'));
    expect(await b.clearRecovery()).toEqual({ cleared: true });
    expect(await b.loadRecovery()).toBeNull();
    expect(await b.clearRecovery()).toEqual({ cleared: false });
  });

  it('ignores a torn recovery file instead of failing', async () => {
    const home = tempDir();
    mkdirSync(path.join(home, 'recovery'));
    writeFileSync(path.join(home, 'recovery', 'recovery.json'), '{"project":');
    expect(await testBackend({ studioHome: home }).loadRecovery()).toBeNull();
  });

  it('refuses a recovery document that is not a project (issue 22 item 9), keeping the last good copy', async () => {
    const home = tempDir();
    const b = testBackend({ studioHome: home });
    await b.saveRecovery({ project: sampleProject('good'), path: null });
    await expect(b.saveRecovery({ project: { format: 'anything', nodes: [1, 2] }, path: null })).rejects.toThrow(/^recovery copy not saved: /);
    await expect(
      b.saveRecovery({
        project: {
          ...sampleProject(),
          model: { nodes: [{ id: 'x', type: 'conv2d', name: 'c', params: { padding: 1e9 }, position: { x: 0, y: 0 } }], edges: [], groups: [] },
        },
        path: null,
      }),
    ).rejects.toThrow(/padding/);
    expect((await b.loadRecovery())?.project).toEqual(sampleProject('good'));
    // A recovery file edited by hand into something else is not offered.
    writeFileSync(path.join(home, 'recovery', 'recovery.json'), JSON.stringify({ project: { v: 2 }, path: null, savedAt: 1 }));
    expect(await b.loadRecovery()).toBeNull();
  });

  it('validates the payload', async () => {
    await expect(testBackend({ studioHome: tempDir() }).call('saveRecovery', { project: {} })).rejects.toThrow(/saveRecovery: path/);
  });
});
