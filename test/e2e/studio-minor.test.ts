/**
 * Issue 15's studio minors, in Chromium against serve mode, as a person uses them: a `~/` dataset
 * path, a short training run (as train.test.ts), Evaluate showing the kept validation results on
 * opening, Inside opening on the last conv with a sample image and enlarging a map, the Machine
 * dialog in plain words, the training log's CPU-fallback line, chart ticks, the MACs header, counts
 * in words, and the file browser's icons and ~ paths. Screenshots go to SHOTS (or screenshots/).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { closeDialogs, closeEditor, openEditor, screenshotPath, type EditorSession } from './harness';
import { makeDataset } from '../helpers/trainer-fixtures';
import { tempDir } from '../helpers/temp-dir';

let session: EditorSession;
let page: Page;
let errors: string[] = [];
const work = tempDir('studio-minor-e2e-');
const savedHome = process.env['HOME'];

const shot = (page: Page, name: string) =>
  page.screenshot({ path: process.env['SHOTS'] ? path.join(process.env['SHOTS'], `${name}.png`) : screenshotPath(`minor-${name}`) });

/** Labels that do not fit their box (cut with an ellipsis or clipped). */
const clipped = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent));

beforeAll(async () => {
  await makeDataset(path.join(work, 'data'), { classes: ['bottom', 'middle', 'top'], perClass: 12, size: 28 });
  await makeDataset(path.join(work, 'single'), { classes: ['only'], perClass: 4, size: 28 });
  // The server's home is the temp folder: `~/data` there is the dataset above.
  process.env['HOME'] = work;
  session = await openEditor(path.join(work, 'studio-home'), { viewport: { width: 1360, height: 900 } });
  ({ page, errors } = session);
}, 60_000);
afterEach(() => closeDialogs(page));
afterAll(async () => {
  await closeEditor(session);
  process.env['HOME'] = savedHome;
});

describe('studio minors (issue 15)', () => {
  it('trains from a ~ path; Evaluate and Inside open with results; plain device words; readable charts', async () => {
    await page.getByTestId('new').click();
    await page.getByTestId('template-lenet5').click();
    await page.getByTestId('templates-dialog').waitFor({ state: 'detached' });

    // Summary: the MACs header fits (it read "MACS / SA…").
    await page.getByRole('tab', { name: 'Summary' }).click();
    await page.getByTestId('total-macs').waitFor();
    expect(await page.locator('.stat-label').allTextContents()).toContain('MACs');
    expect(await clipped(page, '.stat-label')).toEqual([]);
    await shot(page, 'summary');

    // Data: a one-class folder says "1 class"; then the real one, typed with ~.
    await page.getByTestId('view-data').click();
    const folder = page.getByRole('textbox', { name: 'Dataset folder' });
    await folder.click();
    await folder.pressSequentially('~/single');
    await page.getByTestId('dataset-load').click();
    await page.locator('[data-testid="dataset-classes"] [data-class="only"]').waitFor();
    await expect.poll(() => page.locator('.studio-panel').first().innerText()).toMatch(/\b1 class\b/);
    expect(await page.locator('.studio-panel').first().innerText()).not.toMatch(/\b1 classes\b/);
    await folder.fill('');
    await folder.pressSequentially('~/data');
    await page.getByTestId('dataset-load').click();
    await page.locator('[data-testid="dataset-classes"] [data-class="top"]').waitFor();
    // The folder browser: SVG icons (emoji render as boxes on Linux), the home folder shown as ~.
    await page.getByTestId('dataset-browse').click();
    await page.getByTestId('picker-list').waitFor();
    await expect.poll(() => page.getByTestId('browser-where').textContent()).toBe('~/data');
    expect(await page.locator('[data-testid="picker-list"] svg.entry-icon.dir').count()).toBe(3);
    expect(await page.getByTestId('picker-list').innerText()).not.toMatch(/[📁📄]/u);
    await shot(page, 'folder-picker');
    await page.keyboard.press('Escape');
    await page.getByTestId('path-picker').waitFor({ state: 'detached' });
    await page.getByTestId('match-all').click();
    await page.getByTestId('input-match').waitFor();

    // Train one epoch on "auto": no GPU here, so the log says why, in words, and wraps.
    await page.getByTestId('view-train').click();
    await page.getByText('Checking which execution providers load').waitFor({ state: 'detached', timeout: 90_000 });
    await page.getByTestId('train-epochs').fill('2');
    await page.getByTestId('train-batch').fill('8');
    await page.getByTestId('train-start').click();
    await page.waitForFunction(() => /done/.test(document.querySelector('[data-testid="train-status"]')?.textContent ?? ''), null, { timeout: 150_000 });
    expect(await page.locator('.train-panel').innerText()).toMatch(/· 3 classes · \d+ images/);
    const device = await page.locator('.run-meta').innerText();
    if (/on cpu/.test(device)) {
      await page.getByText(/^Log \(\d+\)$/).click();
      const log = page.locator('.run-log pre');
      const text = await log.innerText();
      expect(text).toMatch(/training on the CPU: no (hardware )?GPU works here\./);
      expect(text).not.toMatch(/OrtSessionOptions|Failed to load shared library/);
      expect(await log.evaluate((e) => getComputedStyle(e).whiteSpace)).toBe('pre-wrap');
      expect(await log.evaluate((e) => e.scrollWidth <= e.clientWidth + 1)).toBe(true);
    }
    // Chart ticks: 1/2/5 steps, no trailing zeros ("0.500") and no odd values ("10.07").
    for (const chart of ['curve-loss', 'curve-accuracy']) {
      const ticks = (await page.locator(`[data-testid="${chart}"] text.tick`).allTextContents()).filter((t) => t !== 'epoch');
      expect(ticks.length, chart).toBeGreaterThanOrEqual(3);
      for (const t of ticks) expect(t, `${chart} tick`).toMatch(/^-?(\d+(\.\d*[1-9])?|[125]e-?\d+)$/);
      for (const t of ticks) expect((Number(t) / Number(ticks[1])) % 1 === 0 || Number(t) === 0, `${chart} tick ${t} is a multiple of the step`).toBe(true);
    }
    await shot(page, 'train');

    // Evaluate: the kept validation results show on opening, and again after a reload.
    await page.getByTestId('view-evaluate').click();
    await page.getByTestId('confusion-matrix').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="confusion-matrix"] td[data-true][data-pred]').count()).toBe(9);
    expect(await page.getByTestId('per-class').locator('tbody tr').count()).toBe(3);
    expect(await page.getByTestId('eval-summary').innerText()).toMatch(/held-out validation images/);
    await shot(page, 'evaluate');
    await page.reload();
    await page.getByTestId('view-evaluate').click();
    await page.getByTestId('confusion-matrix').waitFor({ timeout: 30_000 });

    // Inside: the last conv layer, named as the block, and an image of the run's data, at once.
    await page.getByTestId('view-inside').click();
    await page.locator('[data-testid="activation-maps"] img').first().waitFor({ timeout: 30_000 });
    const layer = page.getByRole('combobox', { name: 'Conv layer' });
    const options = await layer.locator('option').allTextContents();
    expect(options.length).toBeGreaterThanOrEqual(2);
    for (const o of options) expect(o).not.toMatch(/\/Conv/);
    expect(await layer.inputValue()).toBe(await layer.locator('option').last().getAttribute('value'));
    await shot(page, 'inside');
    await page.getByRole('button', { name: 'Enlarge map 1', exact: true }).click();
    const viewer = page.getByRole('dialog', { name: /map 1 of/ });
    await viewer.waitFor();
    expect(await page.getByTestId('map-enlarged').evaluate((e) => (e as HTMLImageElement).getBoundingClientRect().width)).toBeGreaterThanOrEqual(300);
    await page.keyboard.press('ArrowRight');
    await page.getByRole('dialog', { name: /map 2 of/ }).waitFor();
    await shot(page, 'inside-enlarged');
    await page.keyboard.press('Escape');
    await page.getByTestId('map-viewer').waitFor({ state: 'detached' });

    // The Machine dialog in plain words; onnxruntime's text behind "Technical detail".
    await page.getByRole('button', { name: 'Machine' }).click();
    await page.getByRole('button', { name: 'Check this machine' }).click();
    await page.getByTestId('providers').waitFor({ timeout: 90_000 });
    const table = page.getByTestId('providers');
    expect(await table.innerText()).not.toMatch(/OrtSessionOptions|Failed to load shared library|\.so\b/);
    const cuda = page.getByTestId('provider-status-cuda');
    if (await cuda.count()) {
      const status = await cuda.innerText();
      if (!/^ready/.test(status)) {
        expect(status).toMatch(/^(not installed \(run npm run setup:cuda\)|needs )/);
        const row = table.locator('tr', { has: cuda });
        await row.getByText('Technical detail').click();
        expect(await row.innerText()).toMatch(/\.so|onnxruntime/);
      }
    }
    await shot(page, 'machine');
    await page.keyboard.press('Escape');

    // Save as and open with ~ paths; the browser shows the home folder as ~.
    await page.getByTestId('view-model').click();
    await page.getByTestId('save-as').click();
    const file = page.getByRole('textbox', { name: 'File path' });
    await page.getByTestId('browser-list').waitFor();
    await file.fill('');
    await file.pressSequentially('~/lenet.cnn.json');
    await page.getByTestId('file-submit').click();
    await page.getByTestId('file-browser').waitFor({ state: 'detached' });
    expect(JSON.parse(await fs.readFile(path.join(work, 'lenet.cnn.json'), 'utf8'))).toHaveProperty('model');
    await page.getByTestId('open').click();
    await page.getByTestId('browser-list').waitFor();
    await expect.poll(() => page.getByTestId('browser-where').textContent()).toMatch(/^~/);
    expect(await page.locator('[data-testid="browser-list"] svg.entry-icon').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('browser-list').innerText()).not.toMatch(/[📁📄]/u);
    await shot(page, 'file-browser');
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
  }, 300_000);
});
