/**
 * The editor in Chromium against serve mode, driven as a person drives it: palette buttons,
 * inspector fields and toolbar buttons found by their visible names, numbers typed key by key.
 * The file shares one serve process and browser; every test opens its own page (a fresh browser
 * context) and builds what it needs, so the tests pass in any order (`--sequence.shuffle`).
 * `window.__cnnStudio` is read only to wait for the editor (see editor-helpers' addFromPalette).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { closeTestPage, openTestPage, screenshotPath, startServe, startStudio, stopStudio, type SharedStudio, type TestPage } from './harness';
import { addFromPalette, connect, edgeLabels, fit, inspectorField, layout, node, selectNode, setField, settle } from './editor-helpers';
import { buildTemplate } from '../../core/templates/index';
import { serializeProject } from '../../core/graph/project';
import { tempDir } from '../helpers/temp-dir';

let studio: SharedStudio;
let current: TestPage | null = null;
const home = tempDir('cnn-studio-e2e-home-');
const work = tempDir('cnn-studio-e2e-work-');

beforeAll(async () => {
  studio = await startStudio(home);
});
afterEach(async () => {
  const errors = await closeTestPage(current);
  current = null;
  expect(errors).toEqual([]);
});
afterAll(() => stopStudio(studio));

/** The test's own page, on the empty canvas. */
async function freshPage(): Promise<Page> {
  current = await openTestPage(studio);
  await current.page.getByTestId('empty-hint').waitFor();
  return current.page;
}

/**
 * Screenshots of the current view in both themes, switched with the toolbar's theme button. With a
 * dialog open the toolbar cannot be reached (as for a person): one shot, in the current theme.
 */
async function shoot(p: Page, name: string): Promise<void> {
  const themeNow = () => p.evaluate(() => document.documentElement.dataset['theme'] ?? 'light');
  const dialogOpen = (await p.getByRole('dialog').count()) > 0;
  for (let i = 0; i < (dialogOpen ? 1 : 2); i++) {
    const theme = await themeNow();
    await p.screenshot({ path: screenshotPath(`editor-${name}-${theme}`) });
    if (dialogOpen) break;
    await p.getByRole('button', { name: 'Toggle theme' }).click();
    // The theme is applied once the root carries the other one; two frames later it is painted.
    await p.waitForFunction((t) => (document.documentElement.dataset['theme'] ?? 'light') !== t, theme);
    await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }
}

const button = (p: Page, name: string) => p.getByRole('button', { name, exact: true });
const tab = (p: Page, name: 'Inspector' | 'Summary' | 'Problems') => p.getByRole('tab', { name: new RegExp(`^${name}`) });
const totalParams = (p: Page) => p.getByTestId('total-params').textContent();

/** New → the template card titled `label` → Open, with its default size. */
async function openTemplate(p: Page, label: string): Promise<void> {
  await button(p, 'New').click();
  const dialog = p.getByRole('dialog');
  await dialog
    .locator('.template-card')
    .filter({ has: p.getByText(label, { exact: true }) })
    .getByRole('button', { name: 'Open' })
    .click();
  await dialog.waitFor({ state: 'detached' });
}

/** What the canvas draws, as a person would compare two views of a model: block names and the shapes on the wires. */
async function drawnModel(p: Page): Promise<{ blocks: string[]; wires: string[] }> {
  const blocks = await p.locator('[data-node-name]').evaluateAll((els) => els.map((e) => e.getAttribute('data-node-name') ?? ''));
  return { blocks: blocks.sort(), wires: (await edgeLabels(p)).sort() };
}

/** The file dialog (Save or Open): waits for its first listing (which pre-fills the path), types the path key by key, submits. */
async function submitPath(p: Page, file: string, action: 'Save' | 'Open'): Promise<void> {
  const dialog = p.getByRole('dialog');
  await dialog.getByTestId('browser-list').waitFor();
  const field = dialog.getByLabel('File path');
  await field.fill('');
  await field.pressSequentially(file);
  expect(await field.inputValue()).toBe(file);
  await dialog.getByRole('button', { name: action, exact: true }).click();
}

describe('the editor in Chromium (serve mode)', () => {
  it('builds LeNet-5 from an empty canvas: shapes on the edges, 61,706 parameters', async () => {
    const p = await freshPage();
    await shoot(p, 'empty');
    await addFromPalette(p, 'Input (image)');
    await setField(inspectorField(p, 'Channels'), '1');
    await setField(inspectorField(p, 'Height'), '32');
    await setField(inspectorField(p, 'Width'), '32');
    for (const filters of ['6', '16']) {
      await addFromPalette(p, 'Conv 2D');
      await setField(inspectorField(p, 'Filters'), filters);
      await setField(inspectorField(p, 'Kernel (h×w) height'), '5');
      await setField(inspectorField(p, 'Kernel (h×w) width'), '5');
      await setField(inspectorField(p, 'Padding'), 'valid');
      await addFromPalette(p, 'ReLU');
      await addFromPalette(p, 'Max Pool 2D');
    }
    // Flatten is dragged onto the canvas and wired by hand, port to port.
    await p.keyboard.press('Escape');
    const canvas = p.getByTestId('canvas');
    const box = (await canvas.boundingBox())!;
    await p
      .getByRole('complementary', { name: 'Blocks' })
      .getByRole('button', { name: 'Flatten', exact: true })
      .dragTo(canvas, { targetPosition: { x: box.width - 200, y: box.height / 2 } });
    await node(p, 'flatten1').waitFor();
    await fit(p);
    await connect(p, 'pool2', 'flatten1');
    await expect.poll(() => node(p, 'flatten1').getByTestId('node-shape').textContent()).toBe('N×400');
    await selectNode(p, 'flatten1');
    await addFromPalette(p, 'Dense');
    await setField(inspectorField(p, 'Units'), '120');
    await addFromPalette(p, 'ReLU');
    await addFromPalette(p, 'Dense');
    await setField(inspectorField(p, 'Units'), '84');
    await addFromPalette(p, 'ReLU');
    await addFromPalette(p, 'Output (classifier)');
    await layout(p);
    const labels = await edgeLabels(p);
    for (const s of ['N×1×32×32', 'N×6×28×28', 'N×6×14×14', 'N×16×10×10', 'N×16×5×5', 'N×400', 'N×120', 'N×84']) expect(labels).toContain(s);
    expect(await p.getByTestId('diagnostic').count()).toBe(0);
    // A connection that would make a loop is refused, with the reason.
    await connect(p, 'fc2', 'conv2');
    await expect.poll(() => p.getByTestId('toast-error').last().textContent()).toContain('loop');
    await tab(p, 'Summary').click();
    await expect.poll(() => totalParams(p)).toBe('61,706');
    await selectNode(p, 'conv2');
    await shoot(p, 'lenet-summary');
    await tab(p, 'Inspector').click();
    await shoot(p, 'lenet-inspector');
  });

  it('shows the error of a Dense before the Flatten and fixes it with the suggested fix; undo and redo', async () => {
    const p = await freshPage();
    await openTemplate(p, 'LeNet-5');
    await selectNode(p, 'pool2');
    await addFromPalette(p, 'Dense'); // fc4, wired from pool2
    await fit(p);
    await connect(p, 'fc4', 'flatten'); // replaces pool2 -> flatten
    await selectNode(p, 'fc4');
    const diag = p.getByTestId('diagnostic');
    await diag.first().waitFor();
    expect(await diag.first().getAttribute('data-code')).toBe('needs-flat-input');
    expect(await node(p, 'fc4').getByTestId('error-badge').textContent()).toBe('1');
    await shoot(p, 'dense-error');
    await p.getByRole('button', { name: 'Insert Flatten' }).click();
    await expect.poll(() => p.locator('[data-code="needs-flat-input"]').count()).toBe(0);
    expect(await edgeLabels(p)).toContain('N×128');
    const fixed = await drawnModel(p);
    await button(p, 'Undo').click();
    await expect.poll(() => p.locator('[data-code="needs-flat-input"]').count()).toBe(1);
    await button(p, 'Redo').click();
    await expect.poll(() => p.locator('[data-code="needs-flat-input"]').count()).toBe(0);
    expect(await drawnModel(p)).toEqual(fixed);
    // Keyboard too.
    await p.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await p.keyboard.press('Control+z');
    await expect.poll(() => p.getByTestId('error-badge').count()).toBe(1);
    await p.keyboard.press('Control+Shift+z');
    await expect.poll(() => p.getByTestId('error-badge').count()).toBe(0);
  });

  it('saves, reloads and opens the same graph', async () => {
    const p = await freshPage();
    await openTemplate(p, 'LeNet-5');
    await selectNode(p, 'fc1');
    await setField(inspectorField(p, 'Units'), '100');
    const file = path.join(work, 'saved.cnn.json');
    const before = await drawnModel(p);
    await button(p, 'Save').click();
    await p.getByRole('dialog', { name: 'Save the model as' }).getByTestId('browser-list').waitFor();
    await shoot(p, 'save-dialog');
    await submitPath(p, file, 'Save');
    await p.getByTestId('toast-ok').waitFor();
    expect(await p.getByTestId('project-path').textContent()).toBe(file);
    await p.reload();
    await p.getByTestId('empty-hint').waitFor();
    // No recovery offer: everything was saved.
    expect(await p.getByTestId('recovery-banner').count()).toBe(0);
    await button(p, 'Open').click();
    await submitPath(p, file, 'Open');
    await Promise.race([node(p, 'fc1').waitFor(), p.getByTestId('toast-error').waitFor()]);
    expect(await p.getByTestId('toast-error').allTextContents()).toEqual([]);
    expect(await drawnModel(p)).toEqual(before);
    await selectNode(p, 'fc1');
    expect(await inspectorField(p, 'Units').inputValue()).toBe('100');
    // LeNet-5's 61,706 with fc1 at 100 units instead of 120: fc1 400·100 + 100 = 40,100 (not
    // 48,120) and fc2 100·84 + 84 = 8,484 (not 10,164).
    await tab(p, 'Summary').click();
    await expect.poll(() => totalParams(p)).toBe('52,006');
  });

  it('opens ResNet-50 from the gallery: 25,557,032 parameters', async () => {
    const p = await freshPage();
    await button(p, 'New').click();
    await p.getByRole('dialog').waitFor();
    await shoot(p, 'templates');
    await p.keyboard.press('Escape');
    await openTemplate(p, 'ResNet-50');
    await tab(p, 'Summary').click();
    await expect.poll(() => totalParams(p), { timeout: 20_000 }).toBe('25,557,032');
    await shoot(p, 'resnet50');
    await button(p, 'Expand all').click();
    await layout(p);
    await shoot(p, 'resnet50-expanded-all');
    // A close look at the first stage: its bottleneck blocks, projection shortcut and adds.
    await p.getByTestId('layer-row-layer1').click();
    await settle(p);
    await shoot(p, 'resnet50-expanded');
  });

  it('offers the autosaved copy after a crash', async () => {
    const p = await freshPage();
    await openTemplate(p, 'LeNet-5');
    await selectNode(p, 'fc3');
    await setField(inspectorField(p, 'Classes'), '7');
    const edited = await drawnModel(p);
    // Autosave writes the recovery file 1.5 s after the last change: wait until it holds the edit.
    const recovery = path.join(home, 'recovery', 'recovery.json');
    await expect.poll(() => (existsSync(recovery) ? readFileSync(recovery, 'utf8') : ''), { timeout: 15_000 }).toContain('"classes":7');
    // The page is gone without saving (a crash); a new window offers the work back.
    expect(current!.errors).toEqual([]);
    await current!.context.close();
    current = await openTestPage(studio, { page: { viewport: { width: 1280, height: 800 } }, keepRecovery: true });
    const second = current.page;
    await second.getByTestId('recovery-banner').waitFor();
    await second.screenshot({ path: screenshotPath('editor-recovery-light') });
    await second.getByRole('button', { name: 'Restore' }).click();
    await node(second, 'fc3').waitFor();
    expect(await drawnModel(second)).toEqual(edited);
    await selectNode(second, 'fc3');
    expect(await inspectorField(second, 'Classes').inputValue()).toBe('7');
  });

  it('groups a selection into a block, repeats it, expands it', async () => {
    const p = await freshPage();
    for (const block of ['Input (image)', 'Conv 2D', 'ReLU', 'Global Avg Pool', 'Output (classifier)']) await addFromPalette(p, block);
    // Each insertion keeps the new block in view, which can leave the first ones under the tab bar.
    await fit(p);
    await selectNode(p, 'conv1');
    await node(p, 'relu1')
      .locator('.bn-head')
      .click({ modifiers: ['Shift'] });
    await p.getByLabel('Group name').fill('');
    await p.getByLabel('Group name').pressSequentially('Stage');
    await p.getByRole('button', { name: 'Group into a block (Ctrl+G)' }).click();
    await node(p, 'stage1').waitFor();
    await setField(inspectorField(p, 'Repeat'), '3');
    await expect.poll(() => node(p, 'stage1').textContent()).toContain('repeat ×3');
    // 3→16 conv, then two 16→16 convs: 448 + 2 × 2,320, and the classifier 16×10 + 10.
    await tab(p, 'Summary').click();
    await expect.poll(() => totalParams(p)).toBe('5,258');
    await tab(p, 'Inspector').click();
    await p.getByRole('button', { name: 'Expand (E)' }).click();
    await p.locator('[data-testid^="prim-stage1.2.conv1"]').waitFor();
    await layout(p);
    await shoot(p, 'group-expanded');
    await button(p, 'Undo').click(); // the layout
    await button(p, 'Undo').click(); // collapse again
    await button(p, 'Undo').click(); // repeat 1
    await fit(p);
    await expect.poll(() => node(p, 'stage1').textContent()).toContain('once');
  });

  it('opens the project named on the command line (cnn-studio serve PROJECT)', async () => {
    const file = path.join(work, 'lenet.cnn.json');
    writeFileSync(file, serializeProject({ name: 'lenet', model: buildTemplate('lenet5'), extra: {} }));
    const other = await startServe([file]);
    try {
      current = await openTestPage(studio, { url: other.openUrl });
      const p = current.page;
      await node(p, 'fc3').waitFor();
      expect(await p.getByTestId('project-path').textContent()).toBe(file);
      expect(await p.getByTestId('project-name').textContent()).toBe('lenet');
      expect(current.errors).toEqual([]);
    } finally {
      // The page goes before its server does (a page left open would log the lost connection).
      await current?.context.close();
      current = null;
      await other.stop();
    }
  });

  it('lists every shortcut in the help overlay', async () => {
    const p = await freshPage();
    await p.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await p.keyboard.press('?');
    await p.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await shoot(p, 'shortcuts');
    await p.keyboard.press('Escape');
    await p.getByRole('dialog').waitFor({ state: 'detached' });
  });
});
