// @vitest-environment jsdom
/**
 * The inspector's height × width fields (a kernel's pair, custom padding in pixels): typing one
 * side commits the pair it makes with the other (a square pair as one number), and a side out of
 * range is refused with the reason, naming the number typed.
 */
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { p } from '../../../core/blocks/params';
import type { ParamValue } from '../../../core/graph/types';
import { ParamField } from '../../../renderer/editor/ParamField';

afterEach(cleanup);

function field(name: string, spec: ReturnType<typeof p.pair>, value: ParamValue) {
  const onChange = vi.fn<(v: ParamValue) => void>();
  render(<ParamField name={name} spec={spec} value={value} groups={[]} onChange={onChange} />);
  return onChange;
}

async function typeInto(label: string, text: string): Promise<void> {
  const input = screen.getByLabelText(label);
  await userEvent.clear(input);
  await userEvent.type(input, `${text}{Enter}`);
}

describe('ParamField height × width', () => {
  it('a kernel pair: a side typed makes [h, w] with the other side', async () => {
    // The value stays 3×3 here (the caller would re-render with the new one): each side pairs with 3.
    const onChange = field('kernel', p.pair('Kernel', 3), 3);
    expect(screen.getByTestId('param-kernel')).toBe(screen.getByLabelText('Kernel height'));
    await typeInto('Kernel width', '5');
    expect(onChange).toHaveBeenLastCalledWith([3, 5]);
    await typeInto('Kernel height', '7');
    expect(onChange).toHaveBeenLastCalledWith([7, 3]);
  });

  it('a 3×5 kernel made square by its width is stored as one number', async () => {
    const onChange = field('kernel', p.pair('Kernel', 3), [3, 5]);
    await typeInto('Kernel width', '3');
    expect(onChange).toHaveBeenLastCalledWith(3);
  });

  it('custom padding: the pixels fields appear for "pixels" and commit the pair', async () => {
    const onChange = field('padding', p.padding('Padding', 'same'), [1, 2]);
    expect(screen.getByTestId('param-padding-h')).toBe(screen.getByLabelText('Padding height'));
    await typeInto('Padding width', '1');
    expect(onChange).toHaveBeenLastCalledWith(1);
  });

  it('refuses a side out of range with the reason, and commits nothing', async () => {
    const onChange = field('stride', p.pair('Stride', 1, 1, 8), 1);
    await typeInto('Stride width', '9');
    expect(onChange).not.toHaveBeenCalled();
    expect(document.body.textContent).toMatch(/must be at most 8, got 9/);
  });
});
