/**
 * Issue 22, items 8 and 10: project files that are not projects, or hold absurd numbers. A file
 * that is not a project never has its content quoted in the error; numeric block parameters are
 * bounded by the schema with a message naming the block and parameter (not "Invalid typed array
 * length" later); one Input size limit holds for info, export and train; a UTF-8 BOM is accepted.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_IMAGE_SIDE } from '../../../core/blocks/params';
import { parseProject, serializeProject, type Project } from '../../../core/graph/project';
import { runCli } from '../../../main/cli';
import { capture } from '../../helpers/cli-io';
import { testBackend } from '../../helpers/test-backend';
import { tempDir } from '../../helpers/temp-dir';

function lenet(): Project {
  const project: Project = {
    name: 'p',
    model: {
      nodes: [
        { id: 'in', type: 'input', name: 'image', params: { channels: 1, height: 28, width: 28 }, position: { x: 0, y: 0 } },
        { id: 'c', type: 'conv2d', name: 'conv1', params: { filters: 4, kernel: 3 }, position: { x: 0, y: 100 } },
        { id: 'f', type: 'flatten', name: 'flat', params: {}, position: { x: 0, y: 200 } },
        { id: 'o', type: 'output', name: 'out', params: { classes: 2 }, position: { x: 0, y: 300 } },
      ],
      edges: [
        { id: 'e1', from: { node: 'in', port: 0 }, to: { node: 'c', port: 0 } },
        { id: 'e2', from: { node: 'c', port: 0 }, to: { node: 'f', port: 0 } },
        { id: 'e3', from: { node: 'f', port: 0 }, to: { node: 'o', port: 0 } },
      ],
      groups: [],
    },
    extra: {},
  };
  return project;
}

function withParams(id: string, params: Record<string, unknown>): string {
  const p = lenet();
  const n = p.model.nodes.find((x) => x.id === id)!;
  Object.assign(n.params, params);
  return serializeProject(p);
}

describe('a file that is not a project: its content is never quoted', () => {
  const secret = 'root:$6$SECRETHASH:19000:0:99999:7:::';
  it('plain text, a JSON string, and JSON with a foreign "format"', async () => {
    const dir = tempDir();
    const cases = {
      shadow: `${secret}\n`,
      'str.json': JSON.stringify(secret),
      'obj.json': JSON.stringify({ format: secret, x: secret }),
      'tail.json': `{"format": "cnn-studio"} ${secret}`,
    };
    const b = testBackend();
    for (const [name, text] of Object.entries(cases)) {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      const err = await b.openProject({ path: file }).then(
        () => null,
        (e: Error) => e.message,
      );
      expect(err, name).toMatch(new RegExp(`^${file}: `));
      expect(err, name).not.toMatch(/SECRET|root/);
    }
    expect(() => parseProject(secret)).toThrow(/^not valid JSON: this is not a JSON file$/);
    expect(() => parseProject('{\n  "format": "cnn-studio",\n  "x": 1 }}')).toThrow(/^not valid JSON: unexpected character at line 3, column 11$/);
  });
});

describe('numeric block parameters are bounded', () => {
  it('conv padding 1e9, kernel 1e6, a pair with a huge side: refused naming block and parameter', () => {
    expect(() => parseProject(withParams('c', { padding: 1e9 }))).toThrow(
      `model.nodes[1].params.padding: must be "same", "valid", a whole number from 0 to ${MAX_IMAGE_SIDE} or a pair [h, w] of them, got 1000000000 (Conv 2D block "conv1")`,
    );
    expect(() => parseProject(withParams('c', { kernel: 1e6 }))).toThrow(
      /model\.nodes\[1\]\.params\.kernel: must be a whole number from 1 to 16384 .*\(Conv 2D block "conv1"\)/,
    );
    expect(() => parseProject(withParams('c', { stride: [1, 99999] }))).toThrow(/params\.stride: .*got \[1, 99999\]/);
    expect(parseProject(withParams('c', { padding: [2, 3], kernel: [5, 7] })).model.nodes[1]!.params.padding).toEqual([2, 3]);
  });

  it('one Input size limit: info, export and train refuse 20000x20000 with the same message', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'big.json');
    writeFileSync(file, withParams('in', { height: 20000, width: 20000 }));
    const want = `model.nodes[0].params.height: must be at most ${MAX_IMAGE_SIDE}, got 20000 (Input (image) block "image")`;
    for (const argv of [
      ['info', file],
      ['export', file, '-o', path.join(dir, 'm.onnx')],
      ['train', file, '--data', dir, '--out', path.join(dir, 'run')],
    ]) {
      const io = capture();
      expect(await runCli(argv, io), argv[0]).toBe(1);
      expect(io.stderr, argv[0]).toContain(want);
    }
    writeFileSync(file, withParams('in', { height: MAX_IMAGE_SIDE, width: 8 }));
    const io = capture();
    expect(await runCli(['info', file, '--json'], io)).toBe(0);
  });
});

describe('a UTF-8 byte order mark is accepted wherever a project is read', () => {
  it('parseProject, the backend, info and export', async () => {
    const text = `\uFEFF${serializeProject(lenet())}`;
    expect(parseProject(text).name).toBe('p');
    const dir = tempDir();
    const file = path.join(dir, 'bom.json');
    writeFileSync(file, text);
    expect((await testBackend().openProject({ path: file })).project.name).toBe('p');
    expect(await runCli(['info', file], capture())).toBe(0);
    const noExt = path.join(dir, 'bom-project');
    writeFileSync(noExt, text);
    expect(await runCli(['info', noExt], capture())).toBe(0);
    expect(await runCli(['export', file, '-o', path.join(dir, 'm.onnx')], capture())).toBe(0);
  });
});
