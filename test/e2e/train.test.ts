/**
 * Train, evaluate, try and export from the studio, in Chromium against serve mode: a small
 * generated image folder, LeNet-5 from the templates, 2 epochs from the UI (with a page reload in
 * the middle: the run continues in the backend), the confusion matrix, a prediction, activation
 * maps, and an ONNX export that onnxruntime-node loads. Screenshots in light and dark.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { closeDialogs, closeEditor, openEditor, screenshotPath, type EditorSession, type ServeProcess } from './harness';
import { makeDataset } from '../helpers/trainer-fixtures';
import { tempDir } from '../helpers/temp-dir';
import { checkpointLogits, logitsAgree } from '../helpers/checkpoint-logits';

let session: EditorSession;
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let errors: string[] = [];
const work = tempDir('studio-train-e2e-');
let data: string;

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: screenshotPath(`${name}-light`) });
  await page.getByTestId('theme-toggle').click();
  await page.screenshot({ path: screenshotPath(`${name}-dark`) });
  await page.getByTestId('theme-toggle').click();
}

beforeAll(async () => {
  data = await makeDataset(path.join(work, 'data'), { classes: ['bottom', 'middle', 'top'], perClass: 16, size: 28, corruptPerClass: 1 });
  // Imbalance: "top" gets three more copies of its readable images (60 against 15).
  const top = path.join(data, 'top');
  for (const f of (await fs.readdir(top)).filter((n) => n !== '000.png'))
    for (const k of [1, 2, 3]) await fs.copyFile(path.join(top, f), path.join(top, `copy${k}-${f}`));
  // A studio home of its own: runs, cache and recovery stay in the temp folder.
  session = await openEditor(path.join(work, 'home'), { viewport: { width: 1360, height: 900 } });
  ({ serve, browser, page, errors } = session);
}, 60_000);
afterEach(() => closeDialogs(page));
afterAll(() => closeEditor(session));

describe('train from the studio', () => {
  it('loads a folder, trains LeNet-5 for 2 epochs, evaluates, predicts and exports ONNX', async () => {
    await page.getByTestId('start-sample').waitFor();
    await shoot(page, 'studio-start');
    await page.getByTestId('new').click();
    await page.getByTestId('template-lenet5').click();
    await page.getByTestId('templates-dialog').waitFor({ state: 'detached' });

    // Data: load the folder; the class list, counts and thumbnails; match the Input block.
    await page.getByTestId('view-data').click();
    await page.getByTestId('dataset-path').fill(data);
    await page.getByTestId('dataset-load').click();
    await page.locator('[data-testid="dataset-classes"] [data-class="top"]').waitFor();
    expect(await page.locator('[data-testid="dataset-classes"] [data-class]').count()).toBe(3);
    expect(await page.locator('[data-class="top"] img').count()).toBeGreaterThan(0);
    await page.getByTestId('input-mismatch').waitFor();
    expect(await page.getByTestId('dataset-warnings').textContent()).toMatch(/imbalance/);
    expect(await page.getByTestId('dataset-corrupt').textContent()).toMatch(/3 unreadable files[\s\S]*000\.png/);
    await shoot(page, 'studio-data');
    // Serve mode's folder browser beside the path field.
    await page.getByTestId('dataset-browse').click();
    await page.getByTestId('picker-list').waitFor();
    await page.screenshot({ path: screenshotPath('studio-folder-picker-light') });
    await page.keyboard.press('Escape');
    await page.getByTestId('path-picker').waitFor({ state: 'detached' });
    await page.getByTestId('match-all').click();
    await page.getByTestId('input-match').waitFor();

    // Train: 2 epochs; curves move; a reload re-attaches to the running run.
    await page.getByTestId('view-train').click();
    await page.getByTestId('train-epochs').fill('2');
    await page.getByTestId('train-epochs').press('Enter');
    await page.getByTestId('train-batch').fill('8');
    await page.getByTestId('train-batch').press('Enter');
    // The device picker: auto's rule; a software adapter (lavapipe in CI) is marked and auto skips it.
    await page.getByText('Checking which execution providers load').waitFor({ state: 'detached', timeout: 90_000 });
    const webgpu = await page.locator('[data-testid="train-device"] option[value="webgpu"]').textContent();
    if (webgpu?.includes('software')) await page.getByText(/^Auto skips WebGPU/).waitFor({ timeout: 5_000 });
    await shoot(page, 'studio-train-device');
    await page.getByTestId('train-device').selectOption('cpu');
    await page.getByTestId('train-start').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="curve-loss"]')?.getAttribute('data-points') ?? 0) > 0, null, {
      timeout: 90_000,
    });
    await page.reload();
    await page.getByTestId('train-status').waitFor();
    await page.waitForFunction(() => /done/.test(document.querySelector('[data-testid="train-status"]')?.textContent ?? ''), null, { timeout: 120_000 });
    expect(Number(await page.getByTestId('curve-accuracy').getAttribute('data-points'))).toBeGreaterThanOrEqual(4);
    // The per-step loss curve survives the reload (2 train + 2 validation epoch points, plus steps).
    expect(Number(await page.getByTestId('curve-loss').getAttribute('data-points'))).toBeGreaterThan(4);
    await shoot(page, 'studio-train');

    // Evaluate: the confusion matrix; a cell shows its images.
    await page.getByTestId('view-evaluate').click();
    await page.getByTestId('evaluate').click();
    await page.getByTestId('confusion-matrix').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="confusion-matrix"] td[data-true][data-pred]').count()).toBe(9);
    // A cell with mistakes when there are any (their images show), else an empty one.
    const cells = page.locator('[data-testid="confusion-matrix"] td[data-true][data-pred]');
    let target = cells.nth(1);
    for (let i = 0; i < 9; i++) {
      const c = cells.nth(i);
      if ((await c.getAttribute('data-true')) !== (await c.getAttribute('data-pred')) && Number(await c.textContent()) > 0) target = c;
    }
    await target.click();
    await page.getByTestId('cell-images').waitFor();
    await shoot(page, 'studio-evaluate');

    // Try it: top-k for an image.
    await page.getByTestId('view-predict').click();
    await page.getByTestId('predict-input').setInputFiles(path.join(data, 'top', '003.png'));
    await page.locator('[data-testid="predict-result"] .pred-row').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="predict-result"] .pred-row').count()).toBe(3);
    await shoot(page, 'studio-predict');

    // Inside: activation maps of the first conv.
    await page.getByTestId('view-inside').click();
    await page.getByTestId('inside-image').setInputFiles(path.join(data, 'middle', '002.png'));
    await page.locator('[data-testid="activation-maps"] img').first().waitFor({ timeout: 30_000 });
    await shoot(page, 'studio-inside');

    // Export ONNX and load it in onnxruntime-node.
    await page.getByTestId('view-export').click();
    const out = path.join(work, 'lenet.onnx');
    await page.getByTestId('export-opset').selectOption('13');
    await page.getByTestId('export-path').fill(out);
    await page.getByTestId('export-onnx').click();
    await page.getByTestId('export-done').waitFor({ timeout: 30_000 });
    // The PyTorch project from the same dialog (issue 9).
    await page.getByTestId('export-pytorch-dir').fill(path.join(work, 'pytorch'));
    await page.getByTestId('export-pytorch').click();
    await expect.poll(async () => fs.readdir(path.join(work, 'pytorch')).catch(() => [] as string[]), { timeout: 30_000 }).toContain('train.py');
    await shoot(page, 'studio-export');
    // The file computes what the trained checkpoint computes (not just "has outputs").
    const images = Float32Array.from({ length: 2 * 28 * 28 }, (_, i) => Math.cos(i * 0.11));
    const session = await ort.InferenceSession.create(out);
    const res = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', images, [2, 1, 28, 28]) });
    await session.release();
    const runs = await fs.readdir(path.join(work, 'home', 'runs'));
    expect(runs).toHaveLength(1);
    const want = await checkpointLogits(path.join(work, 'home', 'runs', runs[0]!), images, 2);
    expect(want).toHaveLength(6);
    expect(logitsAgree(res[session.outputNames[0]!]!.data as Float32Array, want)).toBeNull();
    expect(errors).toEqual([]);
  }, 300_000);

  it('opens the bundled sample from the start screen: LeNet-5 and the Fashion-MNIST folder', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await page.goto(serve.openUrl);
    await page.getByTestId('view-model').click();
    await page.getByTestId('start-sample').click();
    await page.locator('[data-testid="dataset-classes"] [data-class="Ankle_boot"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="dataset-classes"] [data-class]').count()).toBe(10);
    expect(await page.getByTestId('project-name').textContent()).toBe('Fashion-MNIST LeNet-5');
    await page.getByTestId('input-match').waitFor();
    await shoot(page, 'studio-sample');

    // A second run (1 epoch on the sample), then the two runs' curves compared.
    await page.getByTestId('view-train').click();
    await page.getByTestId('train-epochs').fill('1');
    await page.getByTestId('train-epochs').press('Enter');
    await page.getByTestId('train-batch').fill('32');
    await page.getByTestId('train-batch').press('Enter');
    await page.getByTestId('train-device').selectOption('cpu');
    await page.getByTestId('train-start').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="curve-loss"]')?.getAttribute('data-points') ?? 0) > 1, null, {
      timeout: 90_000,
    });
    await shoot(page, 'studio-train-live');
    await page.waitForFunction(() => /done/.test(document.querySelector('[data-testid="train-status"]')?.textContent ?? ''), null, { timeout: 120_000 });
    const boxes = page.locator('[data-testid="runs-list"] input[type="checkbox"]');
    expect(await boxes.count()).toBe(2);
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.getByTestId('compare-curves').waitFor();
    await page.getByTestId('compare-curves').scrollIntoViewIfNeeded();
    await shoot(page, 'studio-compare');

    // After one epoch on Fashion-MNIST there are mistakes: a cell shows them with thumbnails.
    await page.getByTestId('view-evaluate').click();
    await page.getByTestId('evaluate').click();
    await page.getByTestId('confusion-matrix').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="confusion-matrix"] td[data-true="Shirt"][data-pred="T-shirt_top"]').click();
    await page.getByTestId('cell-images').waitFor();
    await shoot(page, 'studio-evaluate-sample');
    // A diagonal cell shows correct predictions too, least confident first, with their images.
    await page.locator('[data-testid="confusion-matrix"] td[data-true="Trouser"][data-pred="Trouser"]').click();
    await page.getByTestId('cell-images').getByText('Correct, least confident first').waitFor();
    expect(await page.locator('[data-testid="cell-images"] .sample img').count()).toBeGreaterThan(0);
    await shoot(page, 'studio-evaluate-correct');
    await page.close();
  }, 120_000);
});
