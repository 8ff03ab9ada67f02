import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { weightsCheckpoint } from '../../../main/onnx/project-weights';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli';
import { decodeModel } from '../../../core/onnx/proto';
import { readMetadata } from '../../../core/onnx/metadata';
import { parseProject, serializeProject } from '../../../core/graph/project';
import { FIXTURE_MODELS as FIXTURE_DOCS } from '../../helpers/fixture-models';
import { loadFixture, maxAbsDiff } from '../../helpers/fixture-onnx';
import { runOnnx } from '../../helpers/run-onnx';
import { capture } from '../../helpers/cli-io';
import { tempDir } from '../../helpers/temp-dir';

const dir = tempDir('cnn-export-cli-');
const at = (f: string) => path.join(dir, f);

describe('cnn-studio import / export', () => {
  it('import -> project + checkpoint; export -> the same logits as the original (1e-5); predict runs on it', async () => {
    const fx = loadFixture('googlenet_mini');
    const imp = capture();
    expect(await runCli(['import', fx.onnxPath, '-o', at('g.json')], imp)).toBe(0);
    expect(imp.stdout).toMatch(/wrote .*g\.json: "model", 8 blocks .* 5,490 parameters/);
    expect(imp.stdout).toMatch(/2 module\(s\) recovered as groups: inc3a, inc4a/);
    expect(existsSync(at('g.ckpt'))).toBe(true);
    const project = parseProject(readFileSync(at('g.json'), 'utf8'));
    expect(project.extra.weights).toBe('g.ckpt');

    const exp = capture();
    expect(await runCli(['export', at('g.json'), '-o', at('g.onnx'), '--classes', 'a,b,c,d,e,f,g,h,i,j'], exp)).toBe(0);
    expect(exp.stdout).toMatch(/opset 17, input 3×32×32, 10 classes, 5,490 parameters/);
    expect(exp.stdout).toMatch(/weights: .*g\.ckpt/);
    const bytes = new Uint8Array(readFileSync(at('g.onnx')));
    const out = await runOnnx(bytes, fx.input);
    expect(maxAbsDiff(out.logits!, fx.evalLogits.data)).toBeLessThan(1e-5);
    expect(readMetadata(decodeModel(bytes)).classNames).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']);

    await sharp({ create: { width: 20, height: 30, channels: 3, background: '#8040c0' } })
      .png()
      .toFile(at('x.png'));
    const pred = capture();
    expect(await runCli(['predict', at('g.onnx'), at('x.png'), '--top', '2', '--json'], pred)).toBe(0);
    expect((JSON.parse(pred.stdout) as { top: { label: string }[] }[])[0]!.top).toHaveLength(2);
  });

  it('export options: --opset, --fold-bn, fresh weights from a template, refusing a bad opset', async () => {
    writeFileSync(at('r.json'), serializeProject({ name: 'resnet mini', model: FIXTURE_DOCS.resnet_mini!(), extra: {} }));
    const io = capture();
    expect(await runCli(['export', at('r.json'), '-o', at('r.onnx'), '--opset', '18', '--fold-bn'], io)).toBe(0);
    expect(io.stdout).toMatch(/opset 18, input 3×32×32, 10 classes, .* batch norm folded/);
    expect(io.stdout).toMatch(/freshly initialised/);
    const m = decodeModel(new Uint8Array(readFileSync(at('r.onnx'))));
    expect(m.graph.nodes.some((n) => n.opType === 'BatchNormalization')).toBe(false);
    const bad = capture();
    expect(await runCli(['export', at('r.json'), '-o', at('r2.onnx'), '--opset', '40'], bad)).toBe(1);
    expect(bad.stderr).toMatch(/opset 40 is not supported/);
    expect(existsSync(at('r2.onnx'))).toBe(false);
  });

  it('exports a training run folder with its best checkpoint, classes and preprocessing', async () => {
    const run = at('run1');
    mkdirSync(run);
    const doc = FIXTURE_DOCS.lenet5!();
    writeFileSync(path.join(run, 'project.json'), serializeProject({ name: 'digits', model: doc, extra: {} }));
    const fx = loadFixture('lenet5');
    const weights = new Map([...fx.params].map(([k, t]) => [k, t.data]));
    writeFileSync(path.join(run, 'best.ckpt'), weightsCheckpoint(weights));
    const classes = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
    writeFileSync(
      path.join(run, 'run.json'),
      JSON.stringify({
        data: { classes },
        preprocessing: { inputSize: [1, 28, 28], colorMode: 'grayscale', resize: 'center-crop', mean: [0.1307], std: [0.3081] },
      }),
    );
    const io = capture();
    expect(await runCli(['export', run, '-o', at('digits.onnx')], io)).toBe(0);
    expect(io.stdout).toMatch(/weights: .*best\.ckpt/);
    const bytes = new Uint8Array(readFileSync(at('digits.onnx')));
    const md = readMetadata(decodeModel(bytes));
    expect(md).toMatchObject({ modelName: 'digits', classNames: classes, colorMode: 'grayscale', resize: 'center-crop', mean: [0.1307], std: [0.3081] });
    const out = await runOnnx(bytes, fx.input);
    expect(maxAbsDiff(out.logits!, fx.evalLogits.data)).toBeLessThan(1e-5);
  });

  it('import refuses garbage and existing outputs without --force', async () => {
    writeFileSync(at('junk.onnx'), Buffer.from('{"not": "onnx"}'));
    const io = capture();
    expect(await runCli(['import', at('junk.onnx'), '-o', at('j.json')], io)).toBe(1);
    expect(io.stderr).toMatch(/junk\.onnx is a JSON file \(a CNN Studio project\?\), not an ONNX model: it is already a project: open it in the studio/);
    const again = capture();
    expect(await runCli(['import', loadFixture('lenet5').onnxPath, '-o', at('g.json')], again)).toBe(1);
    expect(again.stderr).toMatch(/g\.json exists; pass --force to overwrite it/);
    expect(await runCli(['import', loadFixture('lenet5').onnxPath, '-o', at('g.json'), '--force'], capture())).toBe(0);
  });
});
