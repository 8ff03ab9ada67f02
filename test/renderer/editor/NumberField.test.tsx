// @vitest-environment jsdom
/**
 * NumberField (renderer/editor/NumberField.tsx) typed into key by key, as a person does: the text
 * stays as typed until Enter or blur, then it is read, checked and committed once.
 */
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NumberField } from '../../../renderer/editor/NumberField';
import { between } from '../../../renderer/editor/number-text';

afterEach(cleanup);

/** A field owned by a parent that stores what it commits, as the inspector and the Train form do. */
function Owner({ initial, integer, check, onCommit }: { initial: number; integer: boolean; check(v: number): string | null; onCommit(v: number): void }) {
  const [value, setValue] = useState(initial);
  return (
    <NumberField
      value={value}
      integer={integer}
      label="Amount"
      testId="amount"
      check={check}
      onCommit={(v) => {
        onCommit(v);
        setValue(v);
      }}
    />
  );
}

function setup(initial: number, opts: { integer?: boolean; check?: (v: number) => string | null } = {}) {
  const onCommit = vi.fn<(v: number) => void>();
  render(
    <>
      <Owner initial={initial} integer={opts.integer ?? false} check={opts.check ?? between(-100, 100)} onCommit={onCommit} />
      <button type="button">elsewhere</button>
    </>,
  );
  const field = screen.getByRole<HTMLInputElement>('textbox', { name: 'Amount' });
  return { field, onCommit, user: userEvent.setup() };
}

const problem = () => screen.queryByRole('alert')?.textContent ?? null;

describe('NumberField: typing key by key', () => {
  it('keeps every intermediate text ("-", "0.", "1e", "") without clamping or committing', async () => {
    const { field, onCommit, user } = setup(5, { check: between(0.5, 100) });
    await user.clear(field);
    expect(field.value).toBe('');
    const seen: string[] = [];
    for (const key of ['-', '0', '.', '7']) {
      await user.type(field, key);
      seen.push(field.value);
    }
    expect(seen).toEqual(['-', '-0', '-0.', '-0.7']);
    await user.clear(field);
    await user.type(field, '1e');
    expect(field.value).toBe('1e');
    await user.type(field, '1');
    expect(field.value).toBe('1e1');
    expect(onCommit).not.toHaveBeenCalled();
    expect(problem()).toBeNull();
    await user.keyboard('{Enter}');
    expect(onCommit).toHaveBeenCalledTimes(1);
    expect(onCommit).toHaveBeenCalledWith(10);
    expect(field.value).toBe('10');
  });

  it('a value below the minimum is typable on the way to a valid one (0.001 through "0" and "0.0")', async () => {
    const { field, onCommit, user } = setup(0.1, { check: between(0, 10, { above: true }) });
    await user.clear(field);
    await user.type(field, '0.001');
    expect(field.value).toBe('0.001');
    expect(onCommit).not.toHaveBeenCalled();
    await user.tab();
    expect(onCommit).toHaveBeenCalledExactlyOnceWith(0.001);
  });

  it('commits on blur, with the number read from the text (1e-3, .5)', async () => {
    const { field, onCommit, user } = setup(5);
    await user.clear(field);
    await user.type(field, '.5');
    await user.click(screen.getByRole('button', { name: 'elsewhere' }));
    expect(onCommit).toHaveBeenCalledExactlyOnceWith(0.5);
    expect(field.value).toBe('0.5');
  });

  it('commits on Enter and shows the number in its canonical form', async () => {
    const { field, onCommit, user } = setup(5);
    await user.clear(field);
    await user.type(field, '1e-3{Enter}');
    expect(onCommit).toHaveBeenCalledExactlyOnceWith(0.001);
    expect(field.value).toBe('0.001');
  });

  it('does not commit an unchanged value (Enter on "5.0" when 5 is in effect)', async () => {
    const { field, onCommit, user } = setup(5);
    await user.clear(field);
    await user.type(field, '5.0{Enter}');
    expect(onCommit).not.toHaveBeenCalled();
    expect(field.value).toBe('5');
  });

  it('Escape puts the value in effect back, without committing', async () => {
    const { field, onCommit, user } = setup(5);
    await user.clear(field);
    await user.type(field, '42{Escape}');
    expect(field.value).toBe('5');
    await user.tab();
    expect(onCommit).not.toHaveBeenCalled();
  });
});

describe('NumberField: refused values', () => {
  it('out of range: the text stays, the reason and the value kept are shown, nothing is committed', async () => {
    const { field, onCommit, user } = setup(5);
    await user.clear(field);
    await user.type(field, '250{Enter}');
    expect(onCommit).not.toHaveBeenCalled();
    expect(field.value).toBe('250');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(problem()).toBe('must be at most 100, got 250 · kept 5');
    expect(field.getAttribute('aria-describedby')).toBe(screen.getByRole('alert').id);
  });

  it('non-numeric text and partial text on blur: a reason, never a guess', async () => {
    const { field, onCommit, user } = setup(5);
    await user.clear(field);
    await user.type(field, '12abc');
    await user.tab();
    expect(problem()).toBe('"12abc" is not a number · kept 5');
    await user.clear(field);
    expect(problem(), 'typing again clears the complaint').toBeNull();
    await user.type(field, '-{Enter}');
    expect(problem()).toBe('"-" is not a number · kept 5');
    await user.clear(field);
    await user.keyboard('{Enter}');
    expect(problem()).toBe('enter a number · kept 5');
    expect(onCommit).not.toHaveBeenCalled();
  });

  it('a fraction in a whole-number field is refused, not rounded', async () => {
    const { field, onCommit, user } = setup(8, { integer: true, check: between(1, 4096) });
    await user.clear(field);
    await user.type(field, '2.5{Enter}');
    expect(problem()).toBe('must be a whole number, got 2.5 · kept 8');
    expect(onCommit).not.toHaveBeenCalled();
    await user.keyboard('{Escape}');
    expect(field.value).toBe('8');
    expect(problem()).toBeNull();
    expect(field.getAttribute('aria-invalid')).toBe('false');
  });

  it('after a refusal, a valid value is committed', async () => {
    const { field, onCommit, user } = setup(8, { integer: true, check: between(1, 4096) });
    await user.clear(field);
    await user.type(field, '0{Enter}');
    expect(problem()).toBe('must be at least 1, got 0 · kept 8');
    await user.clear(field);
    await user.type(field, '64{Enter}');
    expect(problem()).toBeNull();
    expect(onCommit).toHaveBeenCalledExactlyOnceWith(64);
  });
});

describe('NumberField: a value changed from outside', () => {
  it('replaces the draft and its complaint (undo, a fix, another control)', async () => {
    const onCommit = vi.fn<(v: number) => void>();
    const user = userEvent.setup();
    const { rerender } = render(<NumberField value={3} integer label="Amount" check={between(1, 9)} onCommit={onCommit} />);
    const field = screen.getByRole<HTMLInputElement>('textbox', { name: 'Amount' });
    await user.clear(field);
    await user.type(field, '99{Enter}');
    expect(problem()).not.toBeNull();
    rerender(<NumberField value={7} integer label="Amount" check={between(1, 9)} onCommit={onCommit} />);
    expect(field.value).toBe('7');
    expect(problem()).toBeNull();
  });
});
