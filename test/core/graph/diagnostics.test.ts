/** Diagnostics name the node and parameter, and every fix offered clears its diagnostic. */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../core/graph/analyze';
import { applyFix } from '../../../core/graph/apply-fix';
import { DocBuilder } from '../../../core/graph/doc-builder';
import type { DiagnosticCode, ModelDocument } from '../../../core/graph/types';

const img = (b: DocBuilder, c = 3, h = 32, w = 32) => b.then('input', 'input', { channels: c, height: h, width: w });

/** Each case: a document and the diagnostic (code, node) it must produce, with at least one fix. */
const CASES: [string, () => ModelDocument, DiagnosticCode, string | null][] = [
  [
    'dense after an image',
    () => {
      const b = new DocBuilder();
      img(b);
      b.then('conv', 'conv2d');
      b.then('fc1', 'dense', { units: 10 });
      b.then('out', 'output');
      return b.build();
    },
    'needs-flat-input',
    'fc1',
  ],
  [
    'output after an image',
    () => {
      const b = new DocBuilder();
      img(b);
      b.then('conv', 'conv2d');
      b.then('out', 'output');
      return b.build();
    },
    'needs-flat-input',
    'out',
  ],
  [
    'add of different channel counts',
    () => {
      const b = new DocBuilder();
      img(b);
      b.add('a', 'conv2d', { filters: 16 }, ['input']);
      b.add('b', 'conv2d', { filters: 32 }, ['input']);
      b.add('sum', 'add', {}, ['a', 'b']);
      b.then('gap', 'globalavgpool');
      b.then('out', 'output');
      return b.build();
    },
    'channel-mismatch',
    'sum',
  ],
  [
    'add of different H×W (padding)',
    () => {
      const b = new DocBuilder();
      img(b);
      b.add('a', 'conv2d', { filters: 16 }, ['input']);
      b.add('b', 'conv2d', { filters: 16, padding: 0 }, ['input']);
      b.add('act', 'relu', {}, ['b']);
      b.add('sum', 'add', {}, ['a', 'act']);
      b.then('gap', 'globalavgpool');
      b.then('out', 'output');
      return b.build();
    },
    'spatial-mismatch',
    'sum',
  ],
  [
    'add of different H×W (stride)',
    () => {
      const b = new DocBuilder();
      img(b);
      b.add('a', 'conv2d', { filters: 16, stride: 2 }, ['input']);
      b.add('b', 'conv2d', { filters: 16 }, ['input']);
      b.add('sum', 'add', {}, ['a', 'b']);
      b.then('gap', 'globalavgpool');
      b.then('out', 'output');
      return b.build();
    },
    'spatial-mismatch',
    'sum',
  ],
  [
    'concat of different H×W',
    () => {
      const b = new DocBuilder();
      img(b);
      b.add('a', 'maxpool2d', { kernel: 2, stride: 2 }, ['input']);
      b.add('b', 'conv2d', { filters: 8, padding: 'valid', kernel: 1 }, ['input']);
      b.add('cat', 'concat', {}, ['a', 'b']);
      b.then('gap', 'globalavgpool');
      b.then('out', 'output');
      return b.build();
    },
    'spatial-mismatch',
    'cat',
  ],
  [
    'conv kernel larger than the input',
    () => {
      const b = new DocBuilder();
      img(b, 1, 5, 5);
      b.then('conv', 'conv2d', { kernel: 7, padding: 'valid' });
      b.then('gap', 'globalavgpool');
      b.then('out', 'output');
      return b.build();
    },
    'kernel-too-large',
    'conv',
  ],
  [
    'pool kernel larger than the input',
    () => {
      const b = new DocBuilder();
      img(b, 4, 3, 3);
      b.then('pool', 'maxpool2d', { kernel: 5, stride: 1 });
      b.then('gap', 'globalavgpool');
      b.then('out', 'output');
      return b.build();
    },
    'kernel-too-large',
    'pool',
  ],
  [
    'pool padding over half the kernel',
    () => {
      const b = new DocBuilder();
      img(b);
      b.then('pool', 'maxpool2d', { kernel: 3, stride: 1, padding: 2 });
      b.then('gap', 'globalavgpool');
      b.then('out', 'output');
      return b.build();
    },
    'pool-padding-too-large',
    'pool',
  ],
  [
    'groups not dividing channels',
    () => {
      const b = new DocBuilder();
      img(b);
      b.then('conv', 'conv2d', { filters: 16, groups: 2 });
      b.then('gap', 'globalavgpool');
      b.then('out', 'output');
      return b.build();
    },
    'groups-mismatch',
    'conv',
  ],
  [
    'cycle',
    () => {
      const b = new DocBuilder();
      img(b);
      b.then('c1', 'conv2d', { filters: 3 });
      b.add('sum', 'add', {}, ['c1', { node: 'c2', port: 0 }]);
      b.add('c2', 'conv2d', { filters: 3 }, ['sum']);
      b.add('gap', 'globalavgpool', {}, ['c2']);
      b.then('out', 'output');
      return b.build();
    },
    'cycle',
    'sum',
  ],
  [
    'unconnected input',
    () => {
      const b = new DocBuilder();
      img(b);
      b.add('conv', 'conv2d', {}, []);
      b.then('gap', 'globalavgpool');
      b.then('out', 'output');
      return b.build();
    },
    'unconnected-input',
    'conv',
  ],
  [
    'merge with a spare input',
    () => {
      const b = new DocBuilder();
      img(b);
      b.add('a', 'relu', {}, ['input']);
      b.add('b', 'tanh', {}, ['input']);
      b.add('sum', 'add', { inputs: 3 }, ['a', 'b']);
      b.then('gap', 'globalavgpool');
      b.then('out', 'output');
      return b.build();
    },
    'unconnected-input',
    'sum',
  ],
  [
    'no input',
    () => {
      const b = new DocBuilder();
      b.then('conv', 'conv2d');
      b.then('gap', 'globalavgpool');
      b.then('out', 'output');
      return b.build();
    },
    'no-input',
    null,
  ],
  [
    'no output',
    () => {
      const b = new DocBuilder();
      img(b);
      b.then('conv', 'conv2d');
      b.then('gap', 'globalavgpool');
      return b.build();
    },
    'no-output',
    null,
  ],
  [
    'duplicate names',
    () => {
      const b = new DocBuilder();
      img(b);
      b.then('conv', 'conv2d');
      b.then('conv2', 'conv2d');
      b.then('gap', 'globalavgpool');
      b.then('out', 'output');
      const d = b.build();
      return { ...d, nodes: d.nodes.map((n) => (n.id === 'conv2' ? { ...n, name: 'conv' } : n)) };
    },
    'duplicate-name',
    'conv2',
  ],
  [
    'invalid name',
    () => {
      const b = new DocBuilder();
      img(b);
      b.then('conv', 'conv2d');
      b.then('gap', 'globalavgpool');
      b.then('out', 'output');
      const d = b.build();
      return { ...d, nodes: d.nodes.map((n) => (n.id === 'conv' ? { ...n, name: 'my conv!' } : n)) };
    },
    'invalid-name',
    'conv',
  ],
  [
    'invalid parameter value',
    () => {
      const b = new DocBuilder();
      img(b);
      b.then('conv', 'conv2d', { filters: 0 });
      b.then('gap', 'globalavgpool');
      b.then('out', 'output');
      return b.build();
    },
    'invalid-param',
    'conv',
  ],
  [
    'unknown parameter',
    () => {
      const b = new DocBuilder();
      img(b);
      b.then('conv', 'conv2d', { kernal: 3 });
      b.then('gap', 'globalavgpool');
      b.then('out', 'output');
      return b.build();
    },
    'invalid-param',
    'conv',
  ],
  [
    'unknown block type',
    () => {
      const b = new DocBuilder();
      img(b);
      b.then('gap', 'globalavgpool');
      b.then('out', 'output');
      b.add('odd', 'wavelet', {}, []);
      return b.build();
    },
    'unknown-block',
    'odd',
  ],
  [
    'connection to a missing block',
    () => {
      const b = new DocBuilder();
      img(b);
      b.then('gap', 'globalavgpool');
      b.then('out', 'output');
      const d = b.build();
      return { ...d, edges: [...d.edges, { id: 'dangling', from: { node: 'ghost', port: 0 }, to: { node: 'gap', port: 0 } }] };
    },
    'bad-edge',
    'gap',
  ],
  [
    'two connections into one input',
    () => {
      const b = new DocBuilder();
      img(b);
      b.then('gap', 'globalavgpool');
      b.then('out', 'output');
      const d = b.build();
      return { ...d, edges: [...d.edges, { id: 'again', from: { node: 'input', port: 0 }, to: { node: 'gap', port: 0 } }] };
    },
    'duplicate-edge',
    'gap',
  ],
  [
    'identity head of the wrong size',
    () => {
      const b = new DocBuilder();
      img(b);
      b.then('gap', 'globalavgpool');
      b.then('out', 'output', { head: 'identity', classes: 10 });
      return b.build();
    },
    'rank-mismatch',
    'out',
  ],
  [
    'a block that leads nowhere',
    () => {
      const b = new DocBuilder();
      img(b);
      b.then('gap', 'globalavgpool');
      b.then('out', 'output');
      b.add('spare', 'relu', {}, ['input']);
      return b.build();
    },
    'unused-node',
    'spare',
  ],
];

describe('diagnostics and fixes', () => {
  it.each(CASES)('%s', (_label, make, code, node) => {
    const doc = make();
    const before = JSON.stringify(doc);
    const a = analyze(doc);
    const d = a.diagnostics.find((x) => x.code === code && x.node === node);
    expect(d, JSON.stringify(a.diagnostics.map((x) => [x.code, x.node, x.message]))).toBeDefined();
    expect(d!.message.length).toBeGreaterThan(10);
    expect(d!.fixes.length).toBeGreaterThan(0);
    for (const fix of d!.fixes) {
      const after = analyze(applyFix(doc, fix));
      const still = after.diagnostics.filter((x) => x.code === code && x.node === node);
      expect(still, `fix "${fix.label}" left: ${still.map((s) => s.message).join('; ')}`).toEqual([]);
    }
    expect(JSON.stringify(doc)).toBe(before); // applyFix is pure
  });

  it('fixes for common mistakes leave a valid model', () => {
    for (const label of [
      'dense after an image',
      'add of different channel counts',
      'add of different H×W (padding)',
      'add of different H×W (stride)',
      'no input',
      'no output',
      'conv kernel larger than the input',
    ]) {
      const [, make, code] = CASES.find((c) => c[0] === label)!;
      const doc = make();
      for (const fix of analyze(doc).diagnostics.find((d) => d.code === code)!.fixes) {
        const after = analyze(applyFix(doc, fix));
        expect(
          after.diagnostics.filter((d) => d.severity === 'error'),
          `${label}: ${fix.label}`,
        ).toEqual([]);
      }
    }
  });

  it('names the parameter at fault', () => {
    const [, make] = CASES.find((c) => c[0] === 'pool padding over half the kernel')!;
    expect(analyze(make()).diagnostics[0]!.param).toBe('padding');
    const [, make2] = CASES.find((c) => c[0] === 'invalid parameter value')!;
    const d = analyze(make2()).diagnostics[0]!;
    expect(d.param).toBe('filters');
    expect(d.message).toContain('Filters');
  });

  it('says which merge input differs', () => {
    const [, make] = CASES.find((c) => c[0] === 'add of different H×W (stride)')!;
    const d = analyze(make()).diagnostics.find((x) => x.code === 'spatial-mismatch')!;
    expect(d.message).toMatch(/input 1 is 32×32 \(H×W\) but input 0 is 16×16/);
    expect(d.fixes.map((f) => f.label).join(' | ')).toMatch(/stride 2/);
  });

  it('an error does not stop inference of the parts it does not reach', () => {
    const b = new DocBuilder();
    img(b);
    b.add('bad', 'conv2d', { kernel: 99, padding: 0 }, ['input']);
    b.add('after', 'relu', {}, ['bad']);
    b.add('good', 'conv2d', { filters: 8 }, ['input']);
    b.add('gap', 'globalavgpool', {}, ['good']);
    b.then('out', 'output');
    const a = analyze(b.build());
    expect(a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.node)).toEqual(['bad']);
    expect(a.nodes.get('bad')!.status).toBe('error');
    expect(a.nodes.get('after')!.status).toBe('blocked');
    expect(a.nodes.get('good')!.outShapes).toEqual([[8, 32, 32]]);
    expect(a.nodes.get('out')!.outShapes).toEqual([[10]]);
    expect(a.ok).toBe(false);
  });

  it('never throws on a hostile document', () => {
    const doc = {
      nodes: [
        { id: 'x', type: 'conv2d', name: '', params: { kernel: 'big', stride: [0, 0] }, position: { x: 0, y: 0 } },
        { id: 'x', type: 'add', name: 'x', params: { inputs: 99 }, position: { x: 0, y: 0 } },
      ],
      edges: [{ id: 'e', from: { node: 'x', port: 7 }, to: { node: 'x', port: -1 } }],
      groups: [],
    } as unknown as ModelDocument;
    expect(() => analyze(doc)).not.toThrow();
    const missing = { nodes: [{ id: 'a', type: 'conv2d' }], edges: [{ id: 'e' }] } as unknown as ModelDocument;
    const a = analyze(missing);
    expect(a.ok).toBe(false);
    expect(a.diagnostics.length).toBeGreaterThan(0);
  });
});
