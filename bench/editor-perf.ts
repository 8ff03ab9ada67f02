/**
 * Editor performance in Chromium, on the expanded ResNet-152 template (every residual block shown
 * as its primitives: ~500 layers on the canvas). Measures, through serve mode and Playwright:
 *   - time from "Open" in the gallery to the first rendered nodes, and to the laid-out graph;
 *   - frame intervals while panning (fitted view and a working zoom of 0.7) and while zooming;
 *   - validation per edit (core analyze, timed in the page) and edit-to-paint latency.
 * Build first (node scripts/build.mjs), then:
 *   node bench/editor-perf.mjs [--json]
 * Headless Chromium here renders on the CPU (no GPU): frame times are an upper bound.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';

const root = process.cwd();
const json = process.argv.includes('--json');

function startServe(): Promise<{ url: string; stop(): void }> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'cnn-studio-bench-home-'));
  const child = spawn(process.execPath, [path.join(root, 'bin/cnn-studio.cjs'), 'serve', '--port', '0'], {
    cwd: root,
    env: { ...process.env, CNN_STUDIO_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 30_000);
    const poll = setInterval(() => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
      if (!m) return;
      clearInterval(poll);
      clearTimeout(t);
      resolve({ url: m[1]!, stop: () => child.kill('SIGTERM') });
    }, 50);
  });
}

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN;
};
const stats = (xs: number[]) => ({ n: xs.length, median: q(xs, 0.5), p95: q(xs, 0.95), max: Math.max(...xs) });
const r1 = (v: number) => Math.round(v * 10) / 10;

/** Records requestAnimationFrame intervals while `drive` moves the view. */
async function frames(page: Page, drive: () => Promise<void>): Promise<number[]> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __rec: boolean };
    w.__frames = [];
    w.__rec = true;
    let last = performance.now();
    const tick = (t: number) => {
      w.__frames.push(t - last);
      last = t;
      if (w.__rec) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await drive();
  return page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __rec: boolean };
    w.__rec = false;
    return w.__frames.slice(2);
  });
}

async function pan(page: Page, seconds: number): Promise<void> {
  const box = (await page.getByTestId('canvas').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const end = Date.now() + seconds * 1000;
  // Middle-button drag pans (left-drag box-selects), as in Blender's node editor.
  while (Date.now() < end) {
    await page.mouse.move(cx, cy);
    await page.mouse.down({ button: 'middle' });
    for (let i = 1; i <= 20; i++) await page.mouse.move(cx - i * 12, cy - i * 18);
    await page.mouse.up({ button: 'middle' });
  }
}

async function zoom(page: Page, seconds: number): Promise<void> {
  const box = (await page.getByTestId('canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const end = Date.now() + seconds * 1000;
  let dir = -1;
  while (Date.now() < end) {
    for (let i = 0; i < 8; i++) await page.mouse.wheel(0, dir * 120);
    dir = -dir;
  }
}

async function main(): Promise<void> {
  const serve = await startServe();
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(serve.url);
    await page.getByTestId('empty-hint').waitFor();
    // A person takes a few seconds to pick a template; by then the layout worker has compiled elk.
    await page.waitForTimeout(4000);
    await page.getByTestId('new').click();
    await page.getByTestId('template-expand').check();
    // Time to first render: from the click to the first block nodes in the DOM.
    await page.evaluate(() => {
      const w = window as unknown as { __t0: number; __first: number };
      w.__first = 0;
      new MutationObserver((_m, obs) => {
        if (document.querySelectorAll('.react-flow__node').length > 10) {
          w.__first = performance.now();
          obs.disconnect();
        }
      }).observe(document.body, { childList: true, subtree: true });
      document
        .querySelector<HTMLButtonElement>('[data-testid="template-resnet152"]')!
        .addEventListener('click', () => (w.__t0 = performance.now()), { once: true, capture: true });
    });
    await page.getByTestId('template-resnet152').click();
    await page.waitForFunction(() => (window as unknown as { __first: number }).__first > 0, undefined, { timeout: 120_000 });
    await page.getByTestId('templates-dialog').waitFor({ state: 'detached', timeout: 120_000 });
    const laidOut = await page.evaluate(() => performance.now());
    await page.waitForTimeout(600);
    const t = await page.evaluate(() => {
      const w = window as unknown as { __t0: number; __first: number };
      return { __t0: w.__t0, __first: w.__first };
    });
    const firstRender = t.__first - t.__t0;
    const toLayout = laidOut - t.__t0;
    const layoutMs = await page.evaluate(() => window.__cnnStudio!.lastLayoutMs());
    const layers = await page.evaluate(() => document.querySelectorAll('.react-flow__node').length);
    const marks = await page.evaluate(() =>
      Object.fromEntries(
        performance
          .getEntriesByType('mark')
          .filter((m) => m.name.startsWith('template:') || m.name.startsWith('layout:'))
          .map((m) => [m.name, m.startTime]),
      ),
    );
    const t0 = t.__t0;
    const phases = {
      build: r1(marks['template:built']! - marks['template:start']!),
      layout: r1(marks['template:laid-out']! - marks['template:built']!),
      clickToStart: r1(marks['template:start']! - t0),
      sizing: r1(marks['layout:sized']! - marks['template:built']!),
      worker: r1(marks['layout:done']! - marks['layout:sized']!),
      render: r1(t.__first - marks['template:laid-out']!),
    };

    const panFit = await frames(page, () => pan(page, 3));
    await page.getByTestId('tab-summary').click();
    await page.getByTestId('layer-row-layer3').click();
    await page.waitForTimeout(600);
    const domNodes = await page.evaluate(() => document.querySelectorAll('.react-flow__node').length);
    const panWork = await frames(page, () => pan(page, 3));
    const zoomFrames = await frames(page, () => zoom(page, 3));

    // Edits: change a block's parameter through the inspector, 30 times.
    await page.getByTestId('layer-row-conv1').click();
    await page.getByTestId('tab-inspector').click();
    const before = (await page.evaluate(() => window.__cnnStudio!.analysisTimings())).length;
    const latencies: number[] = [];
    for (let i = 0; i < 30; i++) {
      const ms = await page.evaluate(
        async (v) => {
          const el = document.querySelector<HTMLInputElement>('[data-testid="param-filters"]')!;
          const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
          const t0 = performance.now();
          setter.call(el, String(v));
          el.dispatchEvent(new Event('input', { bubbles: true }));
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          return performance.now() - t0;
        },
        64 + (i % 2),
      );
      latencies.push(ms);
    }
    const validation = (await page.evaluate(() => window.__cnnStudio!.analysisTimings())).slice(before);

    const result = {
      device: 'headless Chromium, software rendering (--disable-gpu), 1440×900',
      graph: { renderedNodesAfterFit: layers, renderedNodesAtZoom07: domNodes },
      timeToFirstRenderMs: r1(firstRender),
      timeToLaidOutMs: r1(toLayout),
      elkLayoutMs: layoutMs === null ? null : r1(layoutMs),
      phasesMs: phases,
      panFitted: stats(panFit),
      panZoom07: stats(panWork),
      wheelZoom: stats(zoomFrames),
      validationPerEditMs: stats(validation),
      editToPaintMs: stats(latencies),
    };
    if (json) console.log(JSON.stringify(result, null, 2));
    else {
      const f = (s: { median: number; p95: number; max: number }) =>
        `median ${r1(s.median)} ms, p95 ${r1(s.p95)} ms, max ${r1(s.max)} ms (${r1(1000 / s.median)} fps median)`;
      console.log(`Expanded ResNet-152 in the editor (${result.device})`);
      console.log(`  nodes rendered: ${layers} fitted, ${domNodes} at zoom 0.7 (React Flow renders only what is in view)`);
      console.log(`  time to first render:    ${result.timeToFirstRenderMs} ms`);
      console.log(`  time to laid-out graph:  ${result.timeToLaidOutMs} ms (elk in the worker: ${result.elkLayoutMs} ms)`);
      console.log(
        `  phases: click->start ${phases.clickToStart} ms, build ${phases.build} ms, analyse+layout ${phases.layout} ms (sizing ${phases.sizing}, worker ${phases.worker}), render ${phases.render} ms`,
      );
      console.log(`  frames, panning fitted:  ${f(result.panFitted)}`);
      console.log(`  frames, panning at 0.7:  ${f(result.panZoom07)}`);
      console.log(`  frames, wheel zoom:      ${f(result.wheelZoom)}`);
      console.log(
        `  validation per edit:     median ${r1(result.validationPerEditMs.median)} ms, p95 ${r1(result.validationPerEditMs.p95)} ms (${validation.length} edits)`,
      );
      console.log(`  edit to paint:           median ${r1(result.editToPaintMs.median)} ms, p95 ${r1(result.editToPaintMs.p95)} ms`);
    }
  } finally {
    await browser.close();
    serve.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
