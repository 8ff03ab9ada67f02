/**
 * The mobile blocks in the editor (Chromium, serve mode), as a person finds and uses them: the
 * palette finds them by the names people know (swish, h-swish, SE), the Squeeze-Excite block's
 * inspector offers its activation and gate, and the canvas shows shapes and the parameter count.
 * Screenshots go to screenshots/mobile-*-{light,dark}.png.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { closeDialogs, closeEditor, openEditor, screenshotPath, type EditorSession } from './harness';
import { addBlock, edgeLabels, layout, node, selectNode, setParam } from './editor-helpers';

let session: EditorSession;
let page: Page;
const home = mkdtempSync(path.join(os.tmpdir(), 'cnn-studio-e2e-mobile-'));

beforeAll(async () => {
  session = await openEditor(home);
  page = session.page;
});
afterEach(() => closeDialogs(page));
afterAll(() => closeEditor(session));

async function shoot(name: string): Promise<void> {
  for (const theme of ['dark', 'light'] as const) {
    await page.evaluate((t) => window.__cnnStudio!.setTheme(t), theme);
    await page.waitForFunction((t) => document.documentElement.dataset['theme'] === t, theme);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: screenshotPath(`mobile-${name}-${theme}`) });
  }
}

/** Types `q` into the palette search as a person does; returns the block types listed. */
async function search(q: string): Promise<string[]> {
  const box = page.getByLabel('Search blocks');
  await box.fill('');
  await box.pressSequentially(q, { delay: 15 });
  return page.locator('.palette-list [data-testid^="palette-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.replace('palette-', '')));
}

describe('mobile blocks in the editor', () => {
  it('the palette finds them by the names people use', async () => {
    expect((await search('swish'))[0]).toBe('silu');
    await shoot('palette-swish');
    expect((await search('h-swish'))[0]).toBe('hardswish');
    expect((await search('relu6'))[0]).toBe('relu6');
    expect((await search('SE'))[0]).toBe('squeezeexcite');
    expect(await page.getByTestId('palette-squeezeexcite').textContent()).toContain('Squeeze-Excite');
    expect(await search('gate')).toEqual(expect.arrayContaining(['hardsigmoid', 'multiply', 'squeezeexcite']));
    await shoot('palette-gate');
    await search('');
  });

  it('builds conv -> Hardswish -> SE (SiLU, Hardsigmoid) -> ReLU6 with shapes and parameters', async () => {
    await addBlock(page, 'input');
    await setParam(page, 'channels', '3');
    await setParam(page, 'height', '32');
    await setParam(page, 'width', '32');
    await addBlock(page, 'conv2d');
    await setParam(page, 'filters', '16');
    await search('h-swish');
    await addBlock(page, 'hardswish');
    await search('SE');
    await addBlock(page, 'squeezeexcite');
    await setParam(page, 'squeeze', '4');
    await setParam(page, 'activation', 'silu');
    await setParam(page, 'gate', 'hardsigmoid');
    await search('relu6');
    await addBlock(page, 'relu6');
    await search('');
    await addBlock(page, 'globalavgpool');
    await addBlock(page, 'output');
    await layout(page);
    const labels = await edgeLabels(page);
    expect(labels.filter((l) => l === 'N×16×32×32').length).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('diagnostic').count()).toBe(0);
    // New ReLU6 blocks are relu6_1, relu6_2 (not relu61).
    expect(await node(page, 'relu6_1').count()).toBe(1);
    await selectNode(page, 'se1');
    await page.getByTestId('tab-inspector').click();
    expect(await page.getByTestId('param-gate').inputValue()).toBe('hardsigmoid');
    await shoot('se-inspector');
    await page.getByTestId('tab-summary').click();
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
    expect(session.errors).toEqual([]);
  });
});
