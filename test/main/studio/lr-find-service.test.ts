/**
 * "Find learning rate" runs in the trainer host, not on serve mode's thread: while a sweep of a
 * model whose train step takes a while runs, the server keeps answering other requests at once
 * (in the backend's process each of them would wait for the step under way).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LrFindView } from '../../../core/api';
import { DocBuilder } from '../../../core/graph/doc-builder';
import { DEFAULT_TRAIN_INPUT } from '../../../core/train-defaults';
import { startServer, type StudioServer } from '../../../main/server/server';
import { staticSite, testBackend } from '../../helpers/test-backend';
import { tempDir } from '../../helpers/temp-dir';
import { makeDataset, workerScript } from '../../helpers/trainer-fixtures';

/** Two 32-filter 3×3 convolutions at 64×64: about 80 M multiply-adds per image forward, so a step of 16 images takes a noticeable time. */
function slowStepProject() {
  const b = new DocBuilder();
  b.then('input', 'input', { channels: 1, height: 64, width: 64 });
  b.then('conv1', 'conv2d', { filters: 32, kernel: 3, padding: 1 });
  b.then('relu1', 'relu');
  b.then('conv2', 'conv2d', { filters: 32, kernel: 3, padding: 1 });
  b.then('relu2', 'relu');
  b.then('pool', 'globalavgpool');
  b.then('out', 'output', { classes: 2 });
  return { name: 'slow-step', model: b.build(), extra: {} };
}

let server: StudioServer;
let data = '';

beforeAll(async () => {
  const home = tempDir('cnn-lrfind-serve-');
  data = await makeDataset(path.join(home, 'data'), { perClass: 16, size: 64 });
  const backend = testBackend({ studioHome: home, trainStart: { workerScript: await workerScript() } });
  server = await startServer({ backend, staticDir: staticSite(), port: 0 });
});
afterAll(() => server?.close());

const api = async (method: string, body: unknown): Promise<unknown> => {
  const r = await fetch(`${server.url}api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-studio-token': server.token },
    body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${method}: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { result: unknown }).result;
};

describe('serve mode during a learning-rate search', () => {
  it('answers other requests at once while the sweep steps', async () => {
    const settings = { ...DEFAULT_TRAIN_INPUT, batchSize: 16, augment: 'none' as const };
    const t0 = performance.now();
    let sweepEnded = Infinity;
    const sweep = (api('lrFind', { project: slowStepProject(), dataDir: data, settings, steps: 8 }) as Promise<LrFindView>).then((r) => {
      sweepEnded = performance.now();
      return r;
    });
    const latencies: number[] = [];
    while (sweepEnded === Infinity) {
      const asked = performance.now();
      await api('version', {});
      if (performance.now() < sweepEnded) latencies.push(performance.now() - asked);
      await new Promise((r) => setTimeout(r, 20));
    }
    const r = await sweep;
    expect(['end', 'diverged']).toContain(r.stopped);
    expect(r.curve.length).toBeGreaterThan(4);
    // The sweep's time per step, setup included (a step alone is shorter).
    const perStep = (sweepEnded - t0) / r.curve.length;
    // Answered all through the sweep, and not held up by the steps: in the backend's own thread a
    // request that arrives mid-step waits for the rest of it, so most waits would be a good part
    // of a step (the 90th percentile lets one slow answer on a busy machine pass).
    latencies.sort((a, b) => a - b);
    expect(latencies.length).toBeGreaterThan(10);
    expect(latencies[Math.floor(latencies.length * 0.9)]!).toBeLessThan(perStep / 4);
  }, 120_000);
});
