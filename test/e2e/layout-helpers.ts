/** Page helpers for the layout tests: what the canvas draws, measured from the rendered node boxes. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
export { settle } from './editor-helpers';

export interface DrawnBox {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Every rendered block, frame and inner layer, in flow units (screen pixels divided by the zoom). */
export async function drawnBoxes(page: Page): Promise<DrawnBox[]> {
  return page.evaluate(() => {
    const zoom = Number(/scale\(([\d.e-]+)\)/.exec(document.querySelector<HTMLElement>('.react-flow__viewport')?.style.transform ?? '')?.[1] ?? 1);
    return [...document.querySelectorAll<HTMLElement>('.react-flow__node')].map((el) => {
      const r = el.getBoundingClientRect();
      return { id: el.dataset['id'] ?? '', x: r.x / zoom, y: r.y / zoom, width: r.width / zoom, height: r.height / zoom };
    });
  });
}

/**
 * Pairs of drawn boxes that overlap by more than `slack` flow pixels both ways. A layer inside an
 * expanded frame lies within its frame by design (its id is `frame/...`): that pair is not counted.
 */
export function overlappingPairs(boxes: readonly DrawnBox[], slack = 2): string[] {
  const pairs: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a.id.startsWith(`${b.id}/`) || b.id.startsWith(`${a.id}/`)) continue;
      const ox = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
      const oy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
      if (ox > slack && oy > slack) pairs.push(`${a.id} × ${b.id}`);
    }
  }
  return pairs;
}

/** Width and height of the drawing (all boxes), in flow units. */
export function extent(boxes: readonly DrawnBox[]): { width: number; height: number } {
  const xs = boxes.flatMap((b) => [b.x, b.x + b.width]);
  const ys = boxes.flatMap((b) => [b.y, b.y + b.height]);
  return { width: Math.max(...xs) - Math.min(...xs), height: Math.max(...ys) - Math.min(...ys) };
}

export async function zoomLevel(page: Page): Promise<number> {
  return page.evaluate(() =>
    Number(/scale\(([\d.e-]+)\)/.exec(document.querySelector<HTMLElement>('.react-flow__viewport')?.style.transform ?? '')?.[1] ?? NaN),
  );
}

const shotDir = process.env['SHOT_DIR'] ?? path.join('/tmp', 'shots-ux-layout');

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(shotDir, { recursive: true });
  await page.screenshot({ path: path.join(shotDir, `${name}.png`) });
}
