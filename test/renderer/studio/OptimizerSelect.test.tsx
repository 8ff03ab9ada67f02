// @vitest-environment jsdom
/**
 * The optimizer select of the Train tab and of the memory estimate: one control on the recipe, so
 * a switch made in either shows in both, and a default learning rate and weight decay follow the
 * optimizer while values the person set stay.
 */
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DEFAULT_LR, DEFAULT_WEIGHT_DECAY } from '../../../core/train-defaults';
import { useStudio } from '../../../renderer/state/studio';
import { OptimizerSelect } from '../../../renderer/studio/OptimizerSelect';

beforeEach(() => useStudio.getState().setSettings({ optimizer: 'adamw', lr: DEFAULT_LR.adamw, weightDecay: DEFAULT_WEIGHT_DECAY.adamw }));
afterEach(cleanup);

it('switches the recipe in both places, moving the defaults with it', async () => {
  render(
    <>
      <OptimizerSelect testId="train-optimizer" />
      <OptimizerSelect testId="optimizer" />
    </>,
  );
  await userEvent.selectOptions(screen.getByTestId('optimizer'), 'sgd');
  expect(useStudio.getState().settings).toMatchObject({ optimizer: 'sgd', lr: DEFAULT_LR.sgd, weightDecay: DEFAULT_WEIGHT_DECAY.sgd });
  expect((screen.getByTestId('train-optimizer') as HTMLSelectElement).value).toBe('sgd');
});

it('keeps a learning rate the person set', async () => {
  useStudio.getState().setSettings({ lr: 0.0123 });
  render(<OptimizerSelect testId="train-optimizer" />);
  await userEvent.selectOptions(screen.getByTestId('train-optimizer'), 'adam');
  expect(useStudio.getState().settings).toMatchObject({ optimizer: 'adam', lr: 0.0123, weightDecay: DEFAULT_WEIGHT_DECAY.adam });
});
