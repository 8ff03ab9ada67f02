/**
 * Journeys a person makes that no other browser test covers (issue 24), in Chromium against serve
 * mode, driven by visible labels and roles and typed key by key: choosing the image folder with
 * the picker, pausing / resuming / stopping a run, renaming and deleting blocks and wires, and
 * opening an ONNX file from the start screen. Each test opens its own page and needs no other's
 * state; `window.__cnnStudio` is read only to wait. Screenshots go to /tmp/shots-tests24.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, repoRoot, startServe, type ServeProcess } from './harness';
import { node } from './editor-helpers';
import { makeDataset } from '../helpers/trainer-fixtures';
import { tempDir } from '../helpers/temp-dir';

const SHOTS = '/tmp/shots-tests24';
let serve: ServeProcess | null = null;
let browser: Browser;
let work: string;
/** The studio homes, one per test, kept out of `work` (whose listing the picker test reads). */
let homes: string;
let data: string;
let context: BrowserContext | null = null;

beforeAll(async () => {
  work = tempDir('studio-journeys-e2e-');
  homes = tempDir('studio-journeys-homes-');
  data = await makeDataset(path.join(work, 'images'), { classes: ['bottom', 'top'], perClass: 24, size: 28 });
  // A file beside the folder: a folder picker lists folders only.
  await fs.writeFile(path.join(work, 'notes.txt'), 'not a folder');
  browser = await launchBrowser();
}, 60_000);

afterEach(async () => {
  await context?.close();
  context = null;
  await serve?.stop();
  serve = null;
});

afterAll(async () => {
  await browser?.close();
  delete process.env['CNN_STUDIO_HOME'];
});

async function shot(p: Page, name: string): Promise<void> {
  await fs.mkdir(SHOTS, { recursive: true });
  await p.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/**
 * A studio of its own per test: a serve process with a fresh home (runs, recovered work, the
 * backend's dataset) and a fresh browser context (localStorage), so no test sees another's state.
 */
async function openStudio(): Promise<Page> {
  process.env['CNN_STUDIO_HOME'] = tempDir('home-', homes);
  serve = await startServe();
  context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  await page.goto(serve.openUrl);
  await page.getByRole('button', { name: /Bundled sample/ }).waitFor();
  return page;
}

/** Clears a field and types into it key by key, as a person does. */
/**
 * Types into a field key by key. A file dialog pre-fills its path when its first folder listing
 * arrives, which can land in the middle of the typing: type again until the field holds the text.
 */
async function typeInto(field: ReturnType<Page['getByLabel']>, text: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    await field.fill('');
    await field.pressSequentially(text);
    if ((await field.inputValue()) === text) return;
  }
  expect(await field.inputValue()).toBe(text);
}

/** Start screen -> Templates -> LeNet-5, waiting until its blocks are on the canvas. */
async function openLeNet(p: Page): Promise<void> {
  await p.getByRole('button', { name: /^Templates/ }).click();
  await p.getByTestId('template-lenet5').click();
  await p.getByTestId('templates-dialog').waitFor({ state: 'detached' });
  await p.waitForFunction(() => (window.__cnnStudio?.nodeCount() ?? 0) > 5);
}

/** Data tab: Browse… opens the picker in the folder typed, a click goes into a subfolder, "Use folder" fills the field. */
async function chooseImagesWithPicker(p: Page): Promise<void> {
  await p.getByRole('button', { name: 'Data', exact: true }).click();
  await typeInto(p.getByLabel('Dataset folder'), work);
  await p.getByRole('button', { name: 'Browse…' }).click();
  const picker = p.getByRole('dialog');
  await picker.getByRole('button', { name: path.basename(data) }).waitFor();
  expect(await picker.getByRole('button', { name: 'notes.txt' }).count(), 'a folder picker lists no files').toBe(0);
  await shot(p, 'picker-at-work');
  await picker.getByRole('button', { name: path.basename(data) }).click();
  // Inside the image folder: its class folders are listed and the path is the folder's.
  await picker.getByRole('button', { name: 'bottom' }).waitFor();
  expect(await picker.getByLabel('Path').inputValue()).toBe(data);
  await shot(p, 'picker-in-images');
  await picker.getByRole('button', { name: 'Use folder' }).click();
  await picker.waitFor({ state: 'detached' });
  expect(await p.getByLabel('Dataset folder').inputValue()).toBe(data);
  await p.getByRole('button', { name: 'Load', exact: true }).click();
  await p.locator('[data-testid="dataset-classes"] [data-class="top"]').waitFor();
}

/** The block count the status bar shows ("13 blocks · 13 layers · ..."). */
async function blockCount(p: Page): Promise<number> {
  return Number(/(\d+) blocks?/.exec((await p.getByTestId('doc-stats').textContent()) ?? '')?.[1]);
}

const status = (p: Page) => p.getByRole('status').filter({ hasText: /^(training|paused|starting|stopped|done|failed)/ });

describe('journeys through the studio', () => {
  it('chooses the image folder with the picker (Data tab)', async () => {
    const p = await openStudio();
    await openLeNet(p);
    await chooseImagesWithPicker(p);
    expect(await p.locator('[data-testid="dataset-classes"] [data-class]').count()).toBe(2);
    await shot(p, 'picker-loaded');
  });

  it('pauses, resumes and stops a run from the Train tab', async () => {
    const p = await openStudio();
    await openLeNet(p);
    await chooseImagesWithPicker(p);
    // LeNet-5 takes 1×32×32 and 10 classes; the images are 28×28 in 2 classes.
    await p.getByRole('button', { name: 'Match the model to the data' }).click();
    await p.getByRole('button', { name: 'Match the model to the data' }).waitFor({ state: 'detached' });
    await p.getByRole('button', { name: 'Train', exact: true }).click();
    await typeInto(p.getByLabel('Epochs', { exact: true }), '500');
    await p.getByLabel('Epochs', { exact: true }).press('Enter');
    await p.getByText('Checking which execution providers load').waitFor({ state: 'detached', timeout: 90_000 });
    await p.getByLabel('Device').selectOption('cpu');
    await p.getByRole('button', { name: '▶ Train' }).click();
    await status(p)
      .filter({ hasText: /^training: epoch \d+\/500, step/ })
      .waitFor({ timeout: 60_000 });

    await p.getByRole('button', { name: '❚❚ Pause' }).click();
    await status(p)
      .filter({ hasText: /^paused/ })
      .waitFor({ timeout: 30_000 });
    const pausedAt = (await status(p).textContent()) ?? '';
    await shot(p, 'run-paused');
    // Paused means no steps. A second window, opened while the run is paused, shows it paused at
    // the same step: loading that page is real work (a second or so here), long enough for this
    // run (an epoch in well under 200 ms) to show several epochs had the pause not held, and the
    // wait ends on what the page shows rather than on a fixed sleep.
    const second = await context!.newPage();
    await second.goto(serve!.openUrl);
    await second.getByRole('button', { name: 'Train', exact: true }).click();
    await status(second)
      .filter({ hasText: /^paused/ })
      .waitFor({ timeout: 30_000 });
    expect(await status(second).textContent()).toBe(pausedAt);
    await second.close();
    expect(await status(p).textContent()).toBe(pausedAt);

    await p.getByRole('button', { name: '▶ Resume' }).click();
    await status(p)
      .filter({ hasText: /^training/ })
      .waitFor({ timeout: 30_000 });
    await p.waitForFunction(
      (before) => {
        const now = document.querySelector('[data-testid="train-status"]')?.textContent ?? '';
        return /^training/.test(now) && now !== before.replace(/^paused/, 'training');
      },
      pausedAt,
      { timeout: 30_000 },
    );
    await shot(p, 'run-resumed');

    await p.getByRole('button', { name: '■ Stop' }).click();
    await status(p)
      .filter({ hasText: /^stopped after \d+ epochs?$/ })
      .waitFor({ timeout: 30_000 });
    await p.getByRole('button', { name: '▶ Train' }).waitFor();
    expect(await p.getByRole('button', { name: '❚❚ Pause' }).count()).toBe(0);
    await shot(p, 'run-stopped');
  });

  it('renames and deletes a block and a wire; undo brings them back', async () => {
    const p = await openStudio();
    await openLeNet(p);
    const wires = p.locator('.react-flow__edge');
    const blocks = await blockCount(p);
    const wireCount = await wires.count();
    await shot(p, 'edit-before');

    // Rename: select the block, type its new name key by key in the inspector.
    const conv = p.locator('[data-node-name]').filter({ hasText: /Conv/ }).first();
    const oldName = (await conv.getAttribute('data-node-name'))!;
    await conv.locator('.bn-head').click();
    await typeInto(p.getByRole('textbox', { name: 'Name' }), 'stem_conv');
    await node(p, 'stem_conv').waitFor();
    expect(await node(p, oldName).count()).toBe(0);
    await shot(p, 'edit-renamed');

    // Delete the renamed block with the Delete key: it and its two wires go.
    await node(p, 'stem_conv').locator('.bn-head').click();
    await p.keyboard.press('Delete');
    await node(p, 'stem_conv').waitFor({ state: 'detached' });
    expect(await wires.count()).toBe(wireCount - 2);
    await shot(p, 'edit-block-deleted');

    // Delete a wire: click it, press Delete.
    await p.getByRole('button', { name: 'Undo' }).click();
    await node(p, 'stem_conv').waitFor();
    expect(await wires.count()).toBe(wireCount);
    const wire = p.getByRole('group', { name: 'Edge from flatten to fc1' });
    const box = (await wire.locator('path').last().boundingBox())!;
    await p.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(async () => (await wire.getAttribute('class')) ?? '').toMatch(/\bselected\b/);
    await shot(p, 'edit-wire-selected');
    await p.keyboard.press('Delete');
    await expect.poll(() => wires.count()).toBe(wireCount - 1);
    expect(await blockCount(p)).toBe(blocks);
    await shot(p, 'edit-wire-deleted');
    await p.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => wires.count()).toBe(wireCount);
  });

  it('opens an ONNX file from the start screen as editable blocks', async () => {
    const p = await openStudio();
    await shot(p, 'onnx-start');
    await p.getByRole('button', { name: /Open an ONNX file/ }).click();
    const picker = p.getByRole('dialog');
    // The dialog fills its path field when its first listing arrives: type after that.
    await picker.getByTestId('picker-list').or(picker.getByTestId('browser-list')).first().waitFor();
    await typeInto(picker.getByLabel('Path'), path.join(repoRoot, 'test/fixtures/lenet5_classic/model.onnx'));
    await picker.getByLabel('Path').press('Enter');
    await picker.waitFor({ state: 'detached' });
    await p.waitForFunction(() => (window.__cnnStudio?.nodeCount() ?? 0) > 5, null, { timeout: 30_000 });
    await p.getByTestId('busy').waitFor({ state: 'detached' });
    // The fixture's layers by their ONNX names (C1, C3, C5 convolutions; F6; the output), drawn as blocks.
    for (const name of ['c1', 'c3', 'c5', 'f6', 'out']) await node(p, name).waitFor();
    expect(await p.locator('[data-node-name]').count()).toBe(13);
    expect(await p.getByTestId('empty-hint').count()).toBe(0);
    await shot(p, 'onnx-opened');
  });
});
