/**
 * `template NAME --weights FILE`: torchvision's own models (weights=None, seeded, saved by
 * torch.save) load into the studio's templates, and the studio's logits equal PyTorch's for the
 * same weights and input; `--pretrained` fetches from a local weights server; mismatches and
 * hostile files give one clear error.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProject } from '../../../core/graph/project';
import { readWeights } from '../../../main/onnx/project-weights';
import { cli } from '../../helpers/cli-io';
import { maxAbsDiff, runPython, studioLogits, torchMissing } from '../../helpers/python-torch';
import { startWeightsServer, type WeightsServer } from '../pretrained/weights-server';

const missing = torchMissing();
const SIZE = 64;
const dir = mkdtempSync(path.join(os.tmpdir(), 'cnn-template-weights-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  if (!missing) runPython([path.join(__dirname, 'torchvision-weights.py'), dir, String(SIZE)], dir, 300_000);
}, 320_000);

async function logitsOf(projectFile: string, ref: { input: number[]; shape: number[] }): Promise<Float32Array> {
  const project = parseProject(readFileSync(projectFile, 'utf8'));
  const weights = await readWeights(projectFile.replace(/\.json$/, '.ckpt'));
  return studioLogits(project.model, weights, Float32Array.from(ref.input), ref.shape);
}

describe.skipIf(missing !== null)('template --weights: the studio reproduces torchvision', () => {
  it.each(['resnet18', 'googlenet', 'mobilenet_v3_small', 'efficientnet_b0'])(
    '%s: logits equal PyTorch for the same weights',
    async (name) => {
      const out = path.join(dir, `${name}-project.json`);
      const r = await cli('template', name, '--weights', path.join(dir, `${name}.pth`), '--input', `3x${SIZE}x${SIZE}`, '-o', out);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`wrote ${out}`);
      const ref = JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8')) as { input: number[]; shape: number[]; logits: number[] };
      const got = await logitsOf(out, ref);
      expect(got.length).toBe(ref.logits.length);
      expect(maxAbsDiff(got, Float32Array.from(ref.logits))).toBeLessThan(1e-3);
      const project = parseProject(readFileSync(out, 'utf8'));
      expect(project.extra.weights).toBe(`${name}-project.ckpt`);
      expect(project.extra.deploy).toMatchObject({
        resize: 'center-crop',
        colorMode: 'rgb',
        mean: name === 'googlenet' ? [0.5, 0.5, 0.5] : [0.485, 0.456, 0.406],
      });
      if (name === 'googlenet') expect(r.out).toMatch(/tensors of the file not used by the model/);
    },
    120_000,
  );

  it('a file for another model: one error listing unmatched tensors both ways', async () => {
    const r = await cli('template', 'resnet34', '--weights', path.join(dir, 'resnet18.pth'), '--input', `3x${SIZE}x${SIZE}`, '-o', path.join(dir, 'r34.json'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /resnet18\.pth: the weights file does not match the model; \d+ model weight\(s\) have no tensor in the file: layer1\.2\.conv1\.weight/,
    );
    const r2 = await cli('template', 'resnet18', '--weights', path.join(dir, 'resnet18.pth'), '--classes', '7', '-o', path.join(dir, 'r18c7.json'));
    expect(r2.err).toMatch(/shape mismatch\(es\): fc\.weight is \[1000, 512\] in the file, \[7, 512\] in the model/);
  });

  it('--pretrained downloads from CNN_STUDIO_WEIGHTS_URL; a hash the catalog does not know is refused', async () => {
    // The local server serves a file under resnet18's published name; its bytes are not torchvision's.
    const bytes = readFileSync(path.join(dir, 'resnet18.pth'));
    let server: WeightsServer | null = null;
    const env = { ...process.env };
    try {
      server = await startWeightsServer(new Map([['resnet18-f37072fd.pth', bytes]]));
      process.env.CNN_STUDIO_WEIGHTS_URL = server.baseUrl;
      process.env.CNN_STUDIO_CACHE_DIR = path.join(dir, 'cache');
      const r = await cli('template', 'resnet18', '--pretrained', '-o', path.join(dir, 'pre.json'));
      expect(r.code).toBe(1);
      const sha = createHash('sha256').update(bytes).digest('hex');
      expect(r.err).toContain(
        `cannot download ${server.baseUrl}resnet18-f37072fd.pth: the file received is not the published one (${bytes.length} bytes, SHA-256 ${sha.slice(0, 16)}`,
      );
      expect(r.err).toContain('--weights resnet18-f37072fd.pth');
      const none = await cli('template', 'lenet5', '--pretrained', '-o', path.join(dir, 'l.json'));
      expect(none.err).toMatch(/no published ImageNet weights for "lenet5"/);
    } finally {
      process.env = env;
      await server?.close();
    }
  });

  it('refuses a hostile .pth by name', async () => {
    const evil = path.join(dir, 'evil.pth');
    runPython(
      [
        '-c',
        `import os,pickle,zipfile\nclass E:\n  def __reduce__(self): return (os.system, ('true',))\nz=zipfile.ZipFile(${JSON.stringify(evil)},'w')\nz.writestr('a/data.pkl', pickle.dumps({'conv1.weight': E()}, protocol=2))\nz.close()`,
      ],
      dir,
    );
    const r = await cli('template', 'resnet18', '--weights', evil, '-o', path.join(dir, 'evil.json'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/evil\.pth: refused to load the global (posix|os)\.system/);
    writeFileSync(path.join(dir, 'empty.pth'), '');
    expect((await cli('template', 'resnet18', '--weights', path.join(dir, 'empty.pth'), '-o', path.join(dir, 'e.json'))).err).toMatch(/empty\.pth: /);
  });
});
