// @vitest-environment jsdom
/**
 * The fine-tuning fields of the Train tab (renderer/studio/FineTuneFields.tsx): what to freeze
 * (offered from the open model), the two-phase recipe and its number fields, on the real stores.
 */
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_SETTINGS, useStudio } from '../../../renderer/state/studio';
import { FineTuneFields } from '../../../renderer/studio/FineTuneFields';
import { loadChain } from '../../helpers/renderer-doc';

const settings = () => useStudio.getState().settings;
const textbox = (name: string) => screen.getByRole<HTMLInputElement>('textbox', { name });
const combobox = (name: string) => screen.getByRole<HTMLSelectElement>('combobox', { name });
const twoPhases = () => screen.getByRole<HTMLInputElement>('checkbox', { name: 'Two phases: then unfreeze the last stage' });
const optionNames = (select: HTMLSelectElement) => [...select.options].map((o) => o.textContent);

function renderFields() {
  render(<FineTuneFields />);
  return userEvent.setup();
}

beforeEach(() => {
  localStorage.clear();
  useStudio.setState({ settings: { ...DEFAULT_TRAIN_SETTINGS } });
  loadChain(['input', 'conv2d', 'relu', 'conv2d', 'relu', 'flatten', 'dense', 'output']);
});
afterEach(cleanup);

describe('fine-tuning: what to freeze', () => {
  it('offers the blocks from the first with weights to the classifier head (the Linear inside the Output block), by name', () => {
    renderFields();
    expect(optionNames(combobox('Freeze'))).toEqual([
      'the blocks frozen in the editor',
      'nothing (train every block)',
      'backbone (train the classifier head only)',
      'up to and including conv1',
      'up to and including relu1',
      'up to and including conv2',
      'up to and including relu2',
      'up to and including flatten1',
      'up to and including fc1',
    ]);
  });

  it('two phases need something frozen: the checkbox is off until a freeze is chosen', async () => {
    const user = renderFields();
    expect(twoPhases().disabled).toBe(true);
    await user.selectOptions(combobox('Freeze'), 'up to and including conv2');
    expect(settings().freeze).toBe('conv2');
    expect(twoPhases().disabled).toBe(false);
  });
});

describe('fine-tuning: the two-phase recipe', () => {
  async function twoPhaseOn(user: ReturnType<typeof userEvent.setup>) {
    await user.selectOptions(combobox('Freeze'), 'backbone (train the classifier head only)');
    await user.click(twoPhases());
  }

  it('switching it on gives phase 2 the last third of the run (15 epochs: 5)', async () => {
    const user = renderFields();
    await twoPhaseOn(user);
    expect(settings().phase2Epochs).toBe(5);
    expect(textbox('Phase 2 epochs').value).toBe('5');
  });

  it('phase 2 epochs must leave phase 1 at least one epoch; a whole number', async () => {
    const user = renderFields();
    await twoPhaseOn(user);
    for (const [typed, reason] of [
      ['15', 'must be at most 14, got 15'],
      ['0', 'must be at least 1, got 0'],
      ['1.5', 'must be a whole number, got 1.5'],
    ] as const) {
      await user.clear(textbox('Phase 2 epochs'));
      await user.type(textbox('Phase 2 epochs'), `${typed}{Enter}`);
      expect(screen.getByRole('alert').textContent).toBe(`${reason} · kept 5`);
    }
    await user.clear(textbox('Phase 2 epochs'));
    await user.type(textbox('Phase 2 epochs'), '14');
    await user.tab();
    expect(settings().phase2Epochs).toBe(14);
  });

  it('the learning-rate scale must be above 0; 0.05 typed key by key is taken on Enter', async () => {
    const user = renderFields();
    await twoPhaseOn(user);
    await user.clear(textbox('Phase 2 learning-rate scale'));
    await user.type(textbox('Phase 2 learning-rate scale'), '0{Enter}');
    expect(screen.getByRole('alert').textContent).toBe('must be greater than 0, got 0 · kept 0.1');
    await user.type(textbox('Phase 2 learning-rate scale'), '.05');
    expect(settings().phase2LrScale).toBeUndefined();
    await user.keyboard('{Enter}');
    expect(settings().phase2LrScale).toBe(0.05);
  });

  it('phase 2 unfreezes from a block phase 1 froze; freezing nothing switches the recipe off', async () => {
    const user = renderFields();
    await user.selectOptions(combobox('Freeze'), 'up to and including conv2');
    await user.click(twoPhases());
    expect(optionNames(combobox('Phase 2 unfreezes from'))).toEqual([
      'the last frozen block with parameters',
      'conv1 and the blocks after it',
      'relu1 and the blocks after it',
      'conv2 and the blocks after it',
    ]);
    await user.selectOptions(combobox('Phase 2 unfreezes from'), 'conv1 and the blocks after it');
    expect(settings().phase2Unfreeze).toBe('conv1');
    await user.selectOptions(combobox('Freeze'), 'nothing (train every block)');
    expect(settings()).toMatchObject({ freeze: 'none', phase2Epochs: undefined, phase2Unfreeze: undefined });
    expect(screen.queryByRole('textbox', { name: 'Phase 2 epochs' })).toBeNull();
  });
});
