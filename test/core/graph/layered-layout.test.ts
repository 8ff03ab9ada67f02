/**
 * Documents written in code (templates, `cnn-studio template`, the bundled sample, ONNX import)
 * carry a top-to-bottom layout without overlapping blocks, so they open readable.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLLAPSED_BLOCK, layeredPositions } from '../../../core/graph/layered-layout';
import { validateProject } from '../../../core/graph/project';
import type { ModelDocument } from '../../../core/graph/types';
import { TEMPLATES, buildTemplate } from '../../../core/templates/index';
import { needsLayout, overlapCount, type Box } from '../../../renderer/layout/reflow';
import { cli } from '../../helpers/cli-io';
import { tempDir } from '../../helpers/temp-dir';

const dir = tempDir('cnn-studio-layout-');

const boxes = (doc: ModelDocument): Map<string, Box> => new Map(doc.nodes.map((n) => [n.id, { ...n.position, ...COLLAPSED_BLOCK }]));
const wires = (doc: ModelDocument) => doc.edges.map((e) => ({ from: e.from.node, to: e.to.node }));

/** Every connection points down, nothing overlaps, and the drawing is taller than wide. */
function expectTopToBottom(doc: ModelDocument): void {
  const at = new Map(doc.nodes.map((n) => [n.id, n.position]));
  for (const e of doc.edges) expect(at.get(e.to.node)!.y, `${e.from.node} -> ${e.to.node}`).toBeGreaterThan(at.get(e.from.node)!.y);
  const b = [...boxes(doc).values()];
  expect(overlapCount(b)).toBe(0);
  const w = Math.max(...b.map((x) => x.x + x.width)) - Math.min(...b.map((x) => x.x));
  const h = Math.max(...b.map((x) => x.y + x.height)) - Math.min(...b.map((x) => x.y));
  expect(h).toBeGreaterThan(w);
  expect(needsLayout(boxes(doc), wires(doc))).toBe(false);
}

describe('layered layout of documents written in code', () => {
  it.each(TEMPLATES.map((t) => t.id))('template %s is laid out top to bottom', (id) => {
    expectTopToBottom(buildTemplate(id));
  });

  it('branches sit side by side, ordered under their inputs, and meet below', () => {
    const nodes = ['in', 'a', 'b', 'add'].map((id) => ({ id }));
    const edges = [
      ['in', 'a'],
      ['in', 'b'],
      ['a', 'add'],
      ['b', 'add'],
    ].map(([f, t]) => ({ from: { node: f! }, to: { node: t! } }));
    const p = layeredPositions(nodes, edges);
    expect(p.get('a')!.y).toBe(p.get('b')!.y);
    expect(p.get('b')!.x - p.get('a')!.x).toBeGreaterThanOrEqual(COLLAPSED_BLOCK.width);
    expect(p.get('add')!.y).toBeGreaterThan(p.get('a')!.y);
    // Centred: the join sits between its branches.
    expect(p.get('add')!.x).toBe(p.get('in')!.x);
  });

  it('a cycle (a broken hand-edited file) still gets a position for every node', () => {
    const nodes = ['a', 'b'].map((id) => ({ id }));
    const edges = [
      { from: { node: 'a' }, to: { node: 'b' } },
      { from: { node: 'b' }, to: { node: 'a' } },
    ];
    expect(layeredPositions(nodes, edges).size).toBe(2);
  });

  it('`cnn-studio template` writes a top-to-bottom layout', async () => {
    const f = path.join(dir, 'googlenet.json');
    expect((await cli('template', 'googlenet', '--input', '3x64x64', '-o', f)).code).toBe(0);
    expectTopToBottom(validateProject(JSON.parse(readFileSync(f, 'utf8'))).model);
  });

  it('the bundled sample is laid out top to bottom', () => {
    const file = path.resolve(__dirname, '../../../assets/sample-fashion-mnist.cnn.json');
    expectTopToBottom(validateProject(JSON.parse(readFileSync(file, 'utf8'))).model);
  });

  it('a project file without positions reads, every block at the origin (the editor then lays it out)', () => {
    const file = path.resolve(__dirname, '../../../assets/sample-fashion-mnist.cnn.json');
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { model: { nodes: Record<string, unknown>[] } };
    for (const n of raw.model.nodes) delete n['position'];
    const doc = validateProject(raw).model;
    expect(doc.nodes.every((n) => n.position.x === 0 && n.position.y === 0)).toBe(true);
    expect(needsLayout(boxes(doc), wires(doc))).toBe(true);
  });
});
