/** Bounds the forms and the backend share: pair parameters (kernel 1e9 is refused) and export opsets. */
import { describe, expect, it } from 'vitest';
import { requestSchemas } from '../../../core/api';
import { getBlock } from '../../../core/blocks/index';
import { checkParam, MAX_IMAGE_SIDE } from '../../../core/blocks/params';
import { DEFAULT_OPSET, EXPORT_OPSETS, MAX_OPSET } from '../../../core/onnx/validate';

describe('pair parameters', () => {
  const kernel = getBlock('conv2d')!.params['kernel']!;
  it('refuses a kernel larger than any map the studio takes, and fractions', () => {
    expect(checkParam(kernel, 1e9)).toBe(`must be a whole number from 1 to ${MAX_IMAGE_SIDE} or a pair [h, w] of them, got 1000000000`);
    expect(checkParam(kernel, [3, 1e9])).toMatch(/from 1 to 16384/);
    expect(checkParam(kernel, 2.5)).toMatch(/got 2\.5/);
    expect(checkParam(kernel, MAX_IMAGE_SIDE)).toBeNull();
    expect(checkParam(kernel, [3, 5])).toBeNull();
  });
  it('refuses padding beyond the same bound', () => {
    const padding = getBlock('conv2d')!.params['padding']!;
    expect(checkParam(padding, MAX_IMAGE_SIDE + 1)).toMatch(/from 0 to 16384/);
    expect(checkParam(padding, 'same')).toBeNull();
  });
});

describe('export opsets', () => {
  it('offers 11 to 26, the range the CLI takes, with 17 as the default', () => {
    expect(EXPORT_OPSETS[0]).toBe(11);
    expect(EXPORT_OPSETS[EXPORT_OPSETS.length - 1]).toBe(MAX_OPSET);
    expect(MAX_OPSET).toBe(26);
    expect(EXPORT_OPSETS).toContain(DEFAULT_OPSET);
  });
  it("the page's export request takes every listed opset and nothing outside", () => {
    const req = (opset: number) => requestSchemas.exportRunOnnx.safeParse({ runId: 'run-1', checkpoint: 'best', opset, path: '/tmp/m.onnx' }).success;
    for (const o of EXPORT_OPSETS) expect(req(o)).toBe(true);
    expect(req(10)).toBe(false);
    expect(req(27)).toBe(false);
  });
});
