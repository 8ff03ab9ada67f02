/** `cnn-studio template` and `cnn-studio info` through the real CLI program, output captured. */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli } from '../../helpers/cli-io';
import { tempDir } from '../../helpers/temp-dir';

const dir = tempDir('cnn-studio-cli-');

describe('cnn-studio template', () => {
  it('writes a project file that info reads back', async () => {
    const f = path.join(dir, 'r18.json');
    const t = await cli('template', 'resnet18', '-o', f);
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/11,689,512 parameters/);
    expect(JSON.parse(readFileSync(f, 'utf8'))).toMatchObject({ format: 'cnn-studio', version: 1 });
    const i = await cli('info', f, '--json');
    expect(i.code).toBe(0);
    const report = JSON.parse(i.out) as {
      layers: { name: string; outputShape: unknown; receptiveField: unknown }[];
      totals: { params: number; macs: number };
      diagnostics: unknown[];
    };
    expect(report.totals.params).toBe(11_689_512);
    expect(report.diagnostics).toEqual([]);
    const conv = report.layers.find((l) => l.name === 'layer1.0.conv1')!;
    expect(conv.outputShape).toEqual(['N', 64, 56, 56]);
    expect(conv.receptiveField).toEqual({ size: 19, jump: 4, start: 0.5 });
  });

  it('takes --input, --classes and --variant', async () => {
    const f = path.join(dir, 'lenet.json');
    expect((await cli('template', 'lenet5', '--input', '1x28x28', '--classes', '10', '--variant', 'classic', '-o', f)).code).toBe(0);
    const i = await cli('info', f);
    expect(i.out).toMatch(/c1 +conv2d +N×6×28×28 +156/);
    expect(i.out).toMatch(/parameters: +61,706/);
    expect(i.out).toMatch(/training memory/);
  });

  it('rejects bad options with one line', async () => {
    expect((await cli('template', 'resnet19', '-o', path.join(dir, 'x.json'))).err).toMatch(/unknown template "resnet19"/);
    expect((await cli('template', 'vgg16', '--input', '224x224', '-o', path.join(dir, 'x.json'))).err).toMatch(/--input: "224x224" is not CxHxW/);
    expect((await cli('template', 'vgg16', '--classes', 'ten', '-o', path.join(dir, 'x.json'))).code).toBe(1);
    expect((await cli('template', 'alexnet', '--variant', 'lrn', '-o', path.join(dir, 'x.json'))).err).toMatch(/no variant "lrn"/);
  });
});

describe('cnn-studio info', () => {
  it('prints diagnostics and exits 1 for an invalid graph', async () => {
    const f = path.join(dir, 'bad.json');
    const model = {
      nodes: [
        { id: 'in', type: 'input', name: 'input', params: { channels: 1, height: 8, width: 8 }, position: { x: 0, y: 0 } },
        { id: 'fc', type: 'dense', name: 'fc', params: {}, position: { x: 1, y: 0 } },
      ],
      edges: [{ id: 'e', from: { node: 'in', port: 0 }, to: { node: 'fc', port: 0 } }],
      groups: [],
    };
    writeFileSync(f, JSON.stringify({ format: 'cnn-studio', version: 1, name: 'bad', model }));
    const r = await cli('info', f);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/needs-flat-input/);
    expect(r.out).toMatch(/Insert Flatten/);
    expect(r.out).toMatch(/no-output/);
    const j = await cli('info', f, '--json');
    expect(j.code).toBe(1);
    expect((JSON.parse(j.out) as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code)).toEqual(['needs-flat-input', 'no-output']);
  });

  it('names the file and field of a malformed project', async () => {
    const f = path.join(dir, 'broken.json');
    writeFileSync(f, '{"format": "cnn-studio", "version": 1, "name": "x", "model": {"nodes": [{"id": 3}]');
    const r = await cli('info', f);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/broken\.json: not valid JSON/);
    writeFileSync(f, JSON.stringify({ format: 'cnn-studio', version: 9, name: 'x', model: {} }));
    expect((await cli('info', f)).err).toMatch(/broken\.json: version: this file is version 9/);
  });

  it('reports a missing file', async () => {
    const r = await cli('info', path.join(dir, 'nope.json'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/nope\.json: no such file/);
  });

  it('--collapsed shows blocks as drawn', async () => {
    const f = path.join(dir, 'g.json');
    await cli('template', 'googlenet', '--variant', 'torchvision', '-o', f);
    const j = JSON.parse((await cli('info', f, '--json', '--collapsed')).out) as { layers: { name: string; params: number }[] };
    expect(j.layers.find((l) => l.name === 'inception3a')!.params).toBeGreaterThan(100_000);
    expect(j.layers.some((l) => l.name.startsWith('inception3a.'))).toBe(false);
  });
});
