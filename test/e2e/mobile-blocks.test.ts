/**
 * The mobile blocks in the editor (Chromium, serve mode), as a person finds and uses them: the
 * palette finds them by the names people know (swish, h-swish, SE), the Squeeze-Excite block's
 * inspector offers its activation and gate, and the canvas shows shapes and the parameter count.
 * Screenshots go to screenshots/mobile-*-{light,dark}.png (or SHOT_DIR). Each test opens its own
 * page on the file's served studio, so the two pass in either order.
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { closeTestPage, openTestPage, screenshotPath, startStudio, stopStudio, type SharedStudio, type TestPage } from './harness';
import { addFromPalette, edgeLabels, inspectorField, layout, node, selectNode, setField } from './editor-helpers';
import { tempDir } from '../helpers/temp-dir';

let studio: SharedStudio;
let current: TestPage | null = null;
let page: Page;
const home = tempDir('cnn-studio-e2e-mobile-');

beforeAll(async () => {
  studio = await startStudio(path.join(home, 'home'));
});
afterEach(async () => {
  const errors = await closeTestPage(current);
  current = null;
  expect(errors).toEqual([]);
});
afterAll(() => stopStudio(studio));

async function freshPage(): Promise<void> {
  current = await openTestPage(studio);
  page = current.page;
}

/** Screenshots in both themes, switched with the toolbar's theme button. */
async function shoot(name: string): Promise<void> {
  for (let i = 0; i < 2; i++) {
    const theme = await page.evaluate(() => document.documentElement.dataset['theme'] ?? 'light');
    await page.screenshot({ path: screenshotPath(`mobile-${name}-${theme}`) });
    await page.getByRole('button', { name: 'Toggle theme' }).click();
    await page.waitForFunction((t) => (document.documentElement.dataset['theme'] ?? 'light') !== t, theme);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }
}

/** Types `q` into the palette search as a person does; returns the blocks listed, by their labels. */
async function search(q: string): Promise<string[]> {
  const box = page.getByLabel('Search blocks');
  await box.fill('');
  if (q) await box.pressSequentially(q, { delay: 15 });
  return page.getByRole('complementary', { name: 'Blocks' }).locator('.palette-list .palette-label').allTextContents();
}

describe('mobile blocks in the editor', () => {
  it('the palette finds them by the names people use', async () => {
    await freshPage();
    expect((await search('swish'))[0]).toBe('SiLU (Swish)');
    await shoot('palette-swish');
    expect((await search('h-swish'))[0]).toBe('Hardswish');
    expect((await search('relu6'))[0]).toBe('ReLU6');
    expect((await search('SE'))[0]).toBe('Squeeze-Excite');
    expect(await search('gate')).toEqual(expect.arrayContaining(['Hardsigmoid', 'Multiply', 'Squeeze-Excite']));
    await shoot('palette-gate');
  });

  it('builds conv -> Hardswish -> SE (SiLU, Hardsigmoid) -> ReLU6 with shapes and parameters', async () => {
    await freshPage();
    await addFromPalette(page, 'Input (image)');
    await setField(inspectorField(page, 'Channels'), '3');
    await setField(inspectorField(page, 'Height'), '32');
    await setField(inspectorField(page, 'Width'), '32');
    await addFromPalette(page, 'Conv 2D');
    await setField(inspectorField(page, 'Filters'), '16');
    await search('h-swish');
    await addFromPalette(page, 'Hardswish');
    await search('SE');
    await addFromPalette(page, 'Squeeze-Excite');
    await setField(inspectorField(page, 'Squeeze channels'), '4');
    await setField(inspectorField(page, 'Activation'), 'silu');
    await setField(inspectorField(page, 'Gate'), 'hardsigmoid');
    await search('relu6');
    await addFromPalette(page, 'ReLU6');
    await search('');
    await addFromPalette(page, 'Global Avg Pool');
    await addFromPalette(page, 'Output (classifier)');
    await layout(page);
    const labels = await edgeLabels(page);
    expect(labels.filter((l) => l === 'N×16×32×32').length).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('diagnostic').count()).toBe(0);
    // New ReLU6 blocks are relu6_1, relu6_2 (not relu61).
    expect(await node(page, 'relu6_1').count()).toBe(1);
    await selectNode(page, 'se1');
    await page.getByRole('tab', { name: /^Inspector/ }).click();
    expect(await inspectorField(page, 'Gate').inputValue()).toBe('hardsigmoid');
    await shoot('se-inspector');
    await page.getByRole('tab', { name: /^Summary/ }).click();
    // conv 3*16*9 + 16, SE 16*4 + 4 + 4*16 + 16, output 16*10 + 10.
    await expect
      .poll(() => page.getByTestId('total-params').textContent())
      .toBe((3 * 16 * 9 + 16 + (16 * 4 + 4 + 4 * 16 + 16) + 16 * 10 + 10).toLocaleString('en-US'));
    await shoot('se-summary');
    // Expanded, the block shows torchvision's modules: avgpool -> fc1 -> activation -> fc2 -> gate, times the input.
    await page.getByRole('button', { name: 'Expand all' }).click();
    for (const inner of ['avgpool', 'fc1', 'activation', 'fc2', 'scale_activation', 'mul']) await page.getByTestId(`prim-se1.${inner}`).waitFor();
    await layout(page);
    await shoot('se-expanded');
  });
});
