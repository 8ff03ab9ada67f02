/** Op signatures, the op-support cache file and the fallback summary (no WebGPU needed). */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../core/onnx/builder';
import { makeModel } from '../../../core/train/build-train-step';
import { deviceProblem, summarizeFallback, type CpuFallbackNode } from '../../../main/providers/graph-target';
import { opSignatures } from '../../../main/providers/op-signatures';
import { cacheDir, OpSupportCache, providerKey } from '../../../main/providers/op-support-cache';
import { tempDir } from '../../helpers/temp-dir';

describe('op signatures', () => {
  it('group nodes by op, attributes, input types and shapes; name the capability', () => {
    const g = new GraphBuilder('sig');
    g.input('x', 'float32', [2, 6, 8, 8]);
    g.input('y', 'int64', [2]);
    const w = g.constFloat('w', new Float32Array(16 * 6 * 9), [16, 6, 3, 3]);
    const a = g.op1('Conv', ['x', w], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    const b = g.op1('Conv', ['x', w], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    g.op1('Conv', ['x', w], { kernel_shape: [3, 3], dilations: [2, 2] });
    g.op('MaxPool', [g.op1('Add', [a, b])], { kernel_shape: [2, 2], strides: [2, 2] }, { outputs: 2 });
    g.op1('Equal', [g.op1('Unsqueeze', ['y', g.constInt64('ax', [1])]), g.constInt64('ids', [0, 1, 2], [1, 3])]);
    const sigs = [...opSignatures(makeModel(g.build(), 'sig')).values()];
    const conv = sigs.filter((s) => s.node.opType === 'Conv');
    expect(conv.map((s) => s.nodes.length).sort()).toEqual([1, 2]);
    expect(conv.map((s) => s.capability).sort()).toEqual(['Conv', 'Conv.dilations']);
    const caps = sigs.map((s) => s.capability);
    expect(caps).toContain('MaxPool.Indices');
    expect(caps).toContain('Unsqueeze.int64');
    expect(caps).toContain('Equal.int64');
    // Constant int64 inputs (Unsqueeze axes) are part of the key, not data.
    expect(sigs.find((s) => s.node.opType === 'Unsqueeze')!.key).toContain('int64[1]=1');
  });
});

describe('op-support cache', () => {
  it('lives in CNN_STUDIO_CACHE_DIR, else XDG_CACHE_HOME/cnn-studio, else ~/.cache/cnn-studio', () => {
    expect(cacheDir({ CNN_STUDIO_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' })).toBe('/c');
    expect(cacheDir({ XDG_CACHE_HOME: '/x' })).toBe(path.join('/x', 'cnn-studio'));
    expect(cacheDir({})).toBe(path.join(os.homedir(), '.cache', 'cnn-studio'));
  });

  it('keeps verdicts per provider key across opens; a corrupt file is an empty cache that gets rewritten', async () => {
    const dir = tempDir('op-cache-');
    const file = path.join(dir, 'op-support.json');
    writeFileSync(file, '{not json');
    const c = await OpSupportCache.open(file);
    const k1 = providerKey('webgpu', '1.30.0', 'libvulkan_lvp.so@1.4:1:2');
    const k2 = providerKey('webgpu', '1.30.0', 'libvulkan_lvp.so@1.4:1:3');
    expect(c.get(k1, 'Sum(...)')).toBeUndefined();
    c.set(k1, 'Sum(...)', { supported: false, kind: 'no-kernel', reason: 'no webgpu kernel' });
    expect(await c.save()).toBeNull();
    const again = await OpSupportCache.open(file);
    expect(again.get(k1, 'Sum(...)')).toEqual({ supported: false, kind: 'no-kernel', reason: 'no webgpu kernel' });
    expect(again.get(k2, 'Sum(...)')).toBeUndefined();
  });
});

describe('fallback report', () => {
  const nodes: CpuFallbackNode[] = [
    { node: 'bn1/numel', op: 'Size', kind: 'no-kernel', reason: 'no webgpu kernel' },
    { node: 'bn2/numel', op: 'Size', kind: 'no-kernel', reason: 'no webgpu kernel' },
  ];
  it('groups nodes by op and reason', () => {
    expect(summarizeFallback(nodes)).toEqual(['Size (2 nodes): no webgpu kernel']);
  });
  it('a node that fails at run time or computes wrong values makes the device unusable; one without a kernel does not', () => {
    expect(deviceProblem('webgpu', nodes)).toBeNull();
    const wrong: CpuFallbackNode = { node: 'dW', op: 'Conv', kind: 'differs', reason: 'differs from the CPU by 9.24 (values up to 9.24)' };
    expect(deviceProblem('webgpu', [...nodes, wrong])).toBe(
      'webgpu cannot run 1 node(s) of the training graph correctly: Conv (1 node): differs from the CPU by 9.24 (values up to 9.24)',
    );
  });
});
