import { describe, expect, it } from 'vitest';
import { GAP_Y, needsLayout, overlapCount, reflow, type Box, type Wire } from '../../../renderer/layout/reflow';

const block = (x: number, y: number, width = 212, height = 90): Box => ({ x, y, width, height });
const chain = (ids: string[]): Wire[] => ids.slice(1).map((to, i) => ({ from: ids[i]!, to }));
const column = (ids: string[], pitch = 150) => new Map(ids.map((id, i) => [id, block(0, i * pitch)]));

describe('reflow: room for what changed, the rest as it was', () => {
  const ids = ['input', 'conv', 'inception', 'pool', 'fc'];

  it('expanding a block pushes everything below it down by its growth and keeps its centre', () => {
    const before = column(ids);
    const after = new Map(before);
    after.set('inception', { ...before.get('inception')!, width: 1012, height: 690 });
    const r = reflow(before, after, chain(ids));
    expect(r.get('input')!.y).toBe(0);
    expect(r.get('conv')!.y).toBe(150);
    expect(r.get('inception')).toEqual({ x: -400, y: 300, width: 1012, height: 690 });
    expect(r.get('pool')!.y).toBe(450 + 600);
    expect(r.get('fc')!.y).toBe(600 + 600);
    expect(overlapCount([...r.values()])).toBe(0);
  });

  it('collapsing after expanding gives the drawing back exactly', () => {
    const start = column(ids);
    const grown = new Map(start);
    grown.set('inception', { ...start.get('inception')!, width: 1012, height: 690 });
    const expanded = reflow(start, grown, chain(ids));
    const shrunk = new Map([...expanded].map(([id, b]) => [id, id === 'inception' ? { ...b, width: 212, height: 90 } : b]));
    expect(reflow(expanded, shrunk, chain(ids))).toEqual(start);
  });

  it('expanding every block at once (Expand all) leaves no overlaps, whatever the order', () => {
    const before = column(ids);
    const after = new Map([...before].map(([id, b]) => [id, id === 'conv' || id === 'inception' ? { ...b, width: 600, height: 500 } : b]));
    const r = reflow(before, after, chain(ids));
    expect(overlapCount([...r.values()])).toBe(0);
    const ys = ids.map((id) => r.get(id)!.y);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
  });

  it('a block inserted after a block of a chain goes under it; the rest of the chain moves down', () => {
    const before = column(ids);
    const after = new Map(before);
    after.set('bn', block(999, 999, 212, 73));
    const wires = [...chain(['input', 'conv', 'bn', 'inception', 'pool', 'fc'])];
    const r = reflow(before, after, wires, new Set(['bn']));
    expect(r.get('bn')).toEqual({ x: 0, y: 150 + 90 + GAP_Y, width: 212, height: 73 });
    expect(r.get('inception')!.y).toBeGreaterThanOrEqual(r.get('bn')!.y + 73 + GAP_Y);
    expect(overlapCount([...r.values()])).toBe(0);
    // Blocks above the insertion do not move.
    expect(r.get('conv')!.y).toBe(150);
  });

  it('a chain of new blocks (a fix inserting two) is placed one under the other', () => {
    const before = column(['a', 'b']);
    const after = new Map(before);
    after.set('n1', block(0, 75, 212, 56));
    after.set('n2', block(0, 75, 212, 56));
    const r = reflow(before, after, chain(['a', 'n1', 'n2', 'b']), new Set(['n1', 'n2']));
    expect(r.get('n2')!.y).toBeGreaterThan(r.get('n1')!.y);
    expect(r.get('b')!.y).toBeGreaterThan(r.get('n2')!.y);
    expect(overlapCount([...r.values()])).toBe(0);
  });

  it('a new block fed by nothing goes above the block it feeds (Add an Input)', () => {
    const before = column(['conv', 'fc']);
    const after = new Map(before);
    after.set('input', block(-200, 0, 212, 73));
    const r = reflow(before, after, chain(['input', 'conv', 'fc']), new Set(['input']));
    expect(r.get('input')!.y + 73).toBeLessThan(r.get('conv')!.y);
    expect(r.get('conv')!.y).toBe(0);
  });

  it('a dropped block that lands on another is moved off it, not the block it covers', () => {
    const before = column(['a', 'b']);
    const after = new Map(before);
    after.set('drop', block(20, 10));
    const r = reflow(before, after, []);
    expect(r.get('a')).toEqual(before.get('a'));
    expect(r.get('b')).toEqual(before.get('b'));
    expect(overlapCount([...r.values()])).toBe(0);
  });
});

describe('needsLayout: drawings that open unreadable', () => {
  const ids = ['a', 'b', 'c', 'd'];
  it('a horizontal strip (every block at y = 0) needs a layout', () => {
    expect(needsLayout(new Map(ids.map((id, i) => [id, block(i * 220, 0)])), chain(ids))).toBe(true);
  });
  it('blocks all at one position (no positions in the file) need a layout', () => {
    expect(needsLayout(new Map(ids.map((id) => [id, block(0, 0)])), chain(ids))).toBe(true);
  });
  it('a column running down does not', () => {
    expect(needsLayout(column(ids), chain(ids))).toBe(false);
  });
  it('one overlap is enough', () => {
    const m = column(ids);
    m.set('d', block(100, 350));
    expect(needsLayout(m, chain(ids))).toBe(true);
  });
});
