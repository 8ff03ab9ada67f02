/** `cnn-studio pretrained list [--json]`: the catalog with its facts, the mirror URL and cache state. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli-io';

const env = { ...process.env };
const dirs: string[] = [];
afterEach(() => {
  process.env = { ...env };
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Row {
  id: string;
  url: string;
  sha256Prefix: string;
  top1: number;
  params: number;
  templateStatus: string;
  cpuLatencyMs: number | null;
  cached: string | null;
  preprocessing: { resize: number; crop: number; mean: number[]; std: number[] };
  terms: string;
}

describe('pretrained list', () => {
  it('--json lists the ten backbones with URL (under CNN_STUDIO_WEIGHTS_URL), hash prefix, facts and terms', async () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'cnn-pretrained-list-'));
    dirs.push(cache);
    process.env.CNN_STUDIO_WEIGHTS_URL = 'http://127.0.0.1:9/mirror';
    process.env.CNN_STUDIO_CACHE_DIR = cache;
    const r = await cli('pretrained', 'list', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { baseUrl: string; latencyNote: string; models: Row[] };
    expect(j.models.map((m) => m.id)).toEqual([
      'resnet18',
      'resnet34',
      'resnet50',
      'googlenet',
      'vgg16',
      'alexnet',
      'mobilenet_v2',
      'mobilenet_v3_small',
      'mobilenet_v3_large',
      'efficientnet_b0',
    ]);
    const r18 = j.models[0]!;
    expect(r18).toMatchObject({
      url: 'http://127.0.0.1:9/mirror/resnet18-f37072fd.pth',
      sha256Prefix: 'f37072fd',
      top1: 69.758,
      params: 11_689_512,
      cached: null,
    });
    expect(r18.preprocessing).toMatchObject({ resize: 256, crop: 224, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
    expect(r18.terms).toMatch(/BSD-3-Clause.*ImageNet-1k.*non-commercial/);
    for (const m of j.models) expect(m.url.endsWith(`-${m.sha256Prefix}.pth`)).toBe(true);
    expect(j.latencyNote).toMatch(/batch 1/);
  });

  it('prints a table and refuses an unknown name for download', async () => {
    process.env.CNN_STUDIO_CACHE_DIR = mkdtempSync(path.join(os.tmpdir(), 'cnn-pretrained-list-'));
    dirs.push(process.env.CNN_STUDIO_CACHE_DIR);
    const r = await cli('pretrained', 'list');
    expect(r.out.split('\n')[0]).toMatch(/^id\s+size MiB\s+top-1 %\s+params M\s+GMACs\s+CPU ms\s+template\s+cached$/);
    expect(r.out).toMatch(/^resnet18\s+44\.7\s+69\.8\s+11\.7\s+1\.81\s+\d+\s+ready\s+no$/m);
    const bad = await cli('pretrained', 'download', 'resnet19');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/no pretrained weights named "resnet19"; choose one of resnet18, /);
  });
});
