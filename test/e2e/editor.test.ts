import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { closeDialogs, closeEditor, openEditor, screenshotPath, startServe, type EditorSession, type ServeProcess } from './harness';
import { addBlock, connect, docJson, edgeLabels, fit, layout, node, selectNode, setParam, settle, typePath } from './editor-helpers';
import { tempDir } from '../helpers/temp-dir';

let session: EditorSession;
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let errors: string[] = [];
const home = tempDir('cnn-studio-e2e-home-');
const work = tempDir('cnn-studio-e2e-work-');

beforeAll(async () => {
  session = await openEditor(home);
  ({ serve, browser, page, errors } = session);
});
afterEach(() => closeDialogs(page));
afterAll(() => closeEditor(session));

/** Screenshots of the current view in both themes (the page is left in the light one). */
async function shoot(name: string, p: Page = page): Promise<void> {
  for (const theme of ['dark', 'light'] as const) {
    await p.evaluate((t) => window.__cnnStudio!.setTheme(t), theme);
    // The theme is applied once the root carries it; two frames later it is painted.
    await p.waitForFunction((t) => document.documentElement.dataset['theme'] === t, theme);
    await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await p.screenshot({ path: screenshotPath(`editor-${name}-${theme}`) });
  }
}

describe('the editor in Chromium (serve mode)', () => {
  it('builds LeNet-5 from an empty canvas: shapes on the edges, 61,706 parameters', async () => {
    await shoot('empty');
    await addBlock(page, 'input');
    await setParam(page, 'channels', '1');
    await setParam(page, 'height', '32');
    await setParam(page, 'width', '32');
    for (const filters of ['6', '16']) {
      await addBlock(page, 'conv2d');
      await setParam(page, 'filters', filters);
      await setParam(page, 'kernel', '5');
      await setParam(page, 'kernel-w', '5');
      await setParam(page, 'padding', 'valid');
      await addBlock(page, 'relu');
      await addBlock(page, 'maxpool2d');
    }
    // Flatten is dragged onto the canvas and wired by hand, port to port.
    await page.keyboard.press('Escape');
    const canvas = page.getByTestId('canvas');
    const box = (await canvas.boundingBox())!;
    await page.getByTestId('palette-flatten').dragTo(canvas, { targetPosition: { x: box.width - 200, y: box.height / 2 } });
    await node(page, 'flatten1').waitFor();
    await fit(page);
    await connect(page, 'pool2', 'flatten1');
    await expect.poll(() => node(page, 'flatten1').getByTestId('node-shape').textContent()).toBe('N×400');
    await selectNode(page, 'flatten1');
    await addBlock(page, 'dense');
    await setParam(page, 'units', '120');
    await addBlock(page, 'relu');
    await addBlock(page, 'dense');
    await setParam(page, 'units', '84');
    await addBlock(page, 'relu');
    await addBlock(page, 'output');
    await layout(page);
    const labels = await edgeLabels(page);
    for (const s of ['N×1×32×32', 'N×6×28×28', 'N×6×14×14', 'N×16×10×10', 'N×16×5×5', 'N×400', 'N×120', 'N×84']) expect(labels).toContain(s);
    expect(await page.getByTestId('diagnostic').count()).toBe(0);
    // A connection that would make a loop is refused, with the reason.
    await connect(page, 'fc2', 'conv2');
    await expect.poll(() => page.getByTestId('toast-error').last().textContent()).toContain('loop');
    await page.getByTestId('tab-summary').click();
    await expect.poll(() => page.getByTestId('total-params').textContent()).toBe('61,706');
    await selectNode(page, 'conv2');
    await shoot('lenet-summary');
    await page.getByTestId('tab-inspector').click();
    await shoot('lenet-inspector');
  });

  it('shows the error of a Dense before the Flatten and fixes it with the suggested fix; undo and redo', async () => {
    await selectNode(page, 'pool2');
    await addBlock(page, 'dense'); // wired from pool2
    await fit(page);
    await connect(page, 'fc3', 'flatten1'); // replaces pool2 -> flatten1
    await selectNode(page, 'fc3');
    const diag = page.getByTestId('diagnostic');
    await diag.first().waitFor();
    expect(await diag.first().getAttribute('data-code')).toBe('needs-flat-input');
    expect(await node(page, 'fc3').getByTestId('error-badge').textContent()).toBe('1');
    await shoot('dense-error');
    await page.getByTestId('fix-button').filter({ hasText: 'Insert Flatten' }).click();
    await expect.poll(() => page.locator('[data-code="needs-flat-input"]').count()).toBe(0);
    expect(await edgeLabels(page)).toContain('N×128');
    const fixed = await docJson(page);
    await page.getByTestId('undo').click();
    await expect.poll(() => page.locator('[data-code="needs-flat-input"]').count()).toBe(1);
    await page.getByTestId('redo').click();
    await expect.poll(() => page.locator('[data-code="needs-flat-input"]').count()).toBe(0);
    expect(await docJson(page)).toBe(fixed);
    // Keyboard too.
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('[data-testid="error-badge"]').count()).toBe(1);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => page.locator('[data-testid="error-badge"]').count()).toBe(0);
  });

  it('saves, reloads and opens the same graph', async () => {
    const file = path.join(work, 'lenet.cnn.json');
    const before = await docJson(page);
    await page.getByTestId('save').click();
    await typePath(page, file);
    await shoot('save-dialog');
    await page.getByTestId('file-submit').click();
    await page.getByTestId('toast-ok').waitFor();
    expect(await page.getByTestId('project-path').textContent()).toBe(file);
    await page.reload();
    await page.getByTestId('empty-hint').waitFor();
    // No recovery offer: everything was saved.
    expect(await page.getByTestId('recovery-banner').count()).toBe(0);
    await page.getByTestId('open').click();
    await typePath(page, file);
    await page.getByTestId('file-submit').click();
    await Promise.race([node(page, 'fc3').waitFor(), page.getByTestId('toast-error').waitFor()]);
    expect(await page.getByTestId('toast-error').allTextContents()).toEqual([]);
    expect(await docJson(page)).toBe(before);
    await page.getByTestId('tab-summary').click();
    expect(await page.getByTestId('total-params').textContent()).not.toBe('0');
  });

  it('opens ResNet-50 from the gallery: 25,557,032 parameters', async () => {
    await page.getByTestId('new').click();
    await page.getByTestId('templates-dialog').waitFor();
    await shoot('templates');
    await page.getByTestId('template-resnet50').click();
    await page.getByTestId('templates-dialog').waitFor({ state: 'detached' });
    await page.getByTestId('tab-summary').click();
    await expect.poll(() => page.getByTestId('total-params').textContent(), { timeout: 20_000 }).toBe('25,557,032');
    await shoot('resnet50');
    await page.getByTestId('expand-all').click();
    await layout(page);
    await shoot('resnet50-expanded-all');
    // A close look at the first stage: its bottleneck blocks, projection shortcut and adds.
    await page.getByTestId('layer-row-layer1').click();
    await settle(page);
    await shoot('resnet50-expanded');
  });

  it('offers the autosaved copy after a crash', async () => {
    // Selecting a row of the layer table selects the block and brings it into view.
    await page.getByTestId('layer-row-fc').click();
    await page.getByTestId('tab-inspector').click();
    await setParam(page, 'classes', '7');
    const edited = await docJson(page);
    // Autosave writes the recovery file 1.5 s after the last change: wait until it holds the edit.
    const recovery = path.join(home, 'recovery', 'recovery.json');
    await expect.poll(() => (existsSync(recovery) ? readFileSync(recovery, 'utf8') : ''), { timeout: 15_000 }).toContain('"classes":7');
    const second = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await second.goto(serve.openUrl);
    await second.getByTestId('recovery-banner').waitFor();
    await second.screenshot({ path: screenshotPath('editor-recovery-light') });
    await second.getByTestId('recovery-restore').click();
    await expect.poll(() => second.evaluate(() => window.__cnnStudio!.docJson())).toBe(edited);
    await second.close();
  });

  it('groups a selection into a block, repeats it, expands it', async () => {
    await page.getByTestId('new').click();
    await page.getByTestId('template-empty').click();
    const discard = page.getByTestId('confirm-discard');
    if (await discard.isVisible().catch(() => false)) await discard.click();
    await page.getByTestId('empty-hint').waitFor();
    await addBlock(page, 'input');
    await addBlock(page, 'conv2d');
    await addBlock(page, 'relu');
    await addBlock(page, 'globalavgpool');
    await addBlock(page, 'output');
    // Each insertion keeps the new block in view, which can leave the first ones under the tab bar.
    await fit(page);
    await selectNode(page, 'conv1');
    await node(page, 'relu1')
      .locator('.bn-head')
      .click({ modifiers: ['Shift'] });
    await page.getByTestId('group-name').fill('Stage');
    await page.getByTestId('group-selection').click();
    await node(page, 'stage1').waitFor();
    await setParam(page, 'repeat', '3');
    await expect.poll(() => node(page, 'stage1').textContent()).toContain('repeat ×3');
    // 3→16 conv, then two 16→16 convs: 448 + 2 × 2,320, and the classifier 16×10 + 10.
    await page.getByTestId('tab-summary').click();
    await expect.poll(() => page.getByTestId('total-params').textContent()).toBe('5,258');
    await page.getByTestId('tab-inspector').click();
    await page.getByTestId('toggle-expand').click();
    await page.locator('[data-testid^="prim-stage1.2.conv1"]').waitFor();
    await layout(page);
    await shoot('group-expanded');
    await page.getByTestId('undo').click(); // the layout
    await page.getByTestId('undo').click(); // collapse again
    await page.getByTestId('undo').click(); // repeat 1
    await fit(page);
    await expect.poll(() => node(page, 'stage1').textContent()).toContain('once');
  });

  it('opens the project named on the command line (cnn-studio serve PROJECT)', async () => {
    const file = path.join(work, 'lenet.cnn.json');
    const other = await startServe([file]);
    const p = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await p.goto(other.openUrl);
      await p.locator('[data-node-name="fc3"]').waitFor();
      expect(await p.getByTestId('project-path').textContent()).toBe(file);
      expect(await p.getByTestId('project-name').textContent()).toBe('lenet');
    } finally {
      await p.close();
      await other.stop();
    }
  });

  it('lists every shortcut in the help overlay', async () => {
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts').waitFor();
    await shoot('shortcuts');
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
  });
});
