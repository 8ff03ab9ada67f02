/**
 * CPU latency of the pretrained backbones the studio has templates for: the template at
 * 3x224x224 / 1000 classes, exported to ONNX and run in onnxruntime-node at batch 1; the figure is
 * the median wall time of session.run over `--runs` runs after 3 warm-up runs.
 *   node bench/run-ts.mjs bench/pretrained-latency.ts [--threads 2] [--runs 10] [--models resnet18,googlenet] [--write]
 * --write rewrites core/pretrained/latency.ts with the figures, the CPU model and the date;
 * pass --note "under load" when other work shares the machine (it goes into the note).
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { exportOnnx } from '../core/onnx/export';
import { encodeModel } from '../core/onnx/proto';
import { PRETRAINED } from '../core/pretrained/catalog';
import { buildTemplate } from '../core/templates/index';

function flag(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

const threads = Number(flag('--threads', '2'));
const runs = Number(flag('--runs', '10'));
const only = flag('--models', '');
const note = flag('--note', '');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function latencyMs(templateId: string, variant: string | undefined): Promise<number> {
  const doc = buildTemplate(templateId, { input: [3, 224, 224], classes: 1000, ...(variant ? { variant } : {}) });
  const session = await ort.InferenceSession.create(encodeModel(exportOnnx(doc, { seed: 1 }).model), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  try {
    const x = new ort.Tensor(
      'float32',
      Float32Array.from({ length: 3 * 224 * 224 }, (_, i) => Math.sin(i)),
      [1, 3, 224, 224],
    );
    const times: number[] = [];
    for (let i = 0; i < runs + 3; i++) {
      const t0 = performance.now();
      await session.run({ input: x });
      if (i >= 3) times.push(performance.now() - t0);
    }
    return median(times);
  } finally {
    await session.release();
  }
}

async function main(): Promise<void> {
  const figures: Record<string, number> = {};
  for (const e of PRETRAINED) {
    if (!e.template || (only && !only.split(',').includes(e.id))) continue;
    figures[e.id] = Math.round(await latencyMs(e.template.id, e.template.variant));
    console.log(`${e.id}: ${figures[e.id]} ms`);
  }
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const day = new Date().toISOString().slice(0, 10);
  const text = `batch 1, ${threads} onnxruntime threads, ${cpu}, ${day}${note ? `, ${note}` : ''} (bench/pretrained-latency.ts)`;
  console.log(JSON.stringify({ note: text, figures }));
  if (process.argv.includes('--write')) {
    const file = path.join(process.cwd(), 'core', 'pretrained', 'latency.ts'); // run from the repository root
    // Written as Prettier formats it, so the file passes the format check unchanged.
    const rows = Object.entries(figures).map(([id, ms]) => `    ${id}: ${ms},`);
    const body = [
      '/** Written by bench/pretrained-latency.ts --write: median CPU latency per backbone, ms per image. */',
      'export const PRETRAINED_LATENCY: { note: string; figures: Readonly<Record<string, number>> } = {',
      `  note: ${JSON.stringify(text).replace(/^"|"$/g, "'")},`,
      '  figures: {',
      ...rows,
      '  },',
      '};',
      '',
    ].join('\n');
    writeFileSync(file, body);
    console.log(`wrote ${file}`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
