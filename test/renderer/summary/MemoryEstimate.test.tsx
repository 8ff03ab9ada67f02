// @vitest-environment jsdom
/**
 * The Summary tab's memory estimate (renderer/summary/MemoryEstimate.tsx): its batch size and
 * optimizer are the Train tab's settings, so typing there changes the recipe (on commit only)
 * and the estimate follows, computed by core's trainingMemory for the open model.
 */
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { trainingMemory } from '../../../core/graph/memory';
import { bytes } from '../../../renderer/format';
import { useAnalysis } from '../../../renderer/state/analysis';
import { DEFAULT_TRAIN_SETTINGS, useStudio } from '../../../renderer/state/studio';
import { MemoryEstimate } from '../../../renderer/summary/MemoryEstimate';
import { loadChain } from '../../helpers/renderer-doc';

const expected = (batchSize: number, optimizer: 'adamw' | 'sgd-momentum') =>
  bytes(trainingMemory(useAnalysis.getState().analysis, { batchSize, optimizer }).total);
const total = () => screen.getByTestId('memory-total').textContent;

beforeEach(() => {
  localStorage.clear();
  useStudio.setState({ settings: { ...DEFAULT_TRAIN_SETTINGS } });
  loadChain(['input', 'conv2d', 'relu', 'flatten', 'dense', 'output']);
});
afterEach(cleanup);

describe('memory estimate', () => {
  it('batch size typed key by key changes the recipe and the estimate on Enter, not before', async () => {
    render(<MemoryEstimate />);
    const user = userEvent.setup();
    expect(total()).toBe(expected(64, 'adamw'));
    const field = screen.getByRole('textbox', { name: 'Batch size' });
    await user.clear(field);
    await user.type(field, '512');
    expect(total(), 'unchanged while typing').toBe(expected(64, 'adamw'));
    await user.keyboard('{Enter}');
    expect(useStudio.getState().settings.batchSize).toBe(512);
    expect(total()).toBe(expected(512, 'adamw'));
    expect(total()).not.toBe(expected(64, 'adamw'));
  });

  it('a batch of 0 is refused; the optimizer select follows the Train tab rules', async () => {
    render(<MemoryEstimate />);
    const user = userEvent.setup();
    const field = screen.getByRole('textbox', { name: 'Batch size' });
    await user.clear(field);
    await user.type(field, '0{Enter}');
    expect(screen.getByRole('alert').textContent).toBe('must be at least 1, got 0 · kept 64');
    await user.keyboard('{Escape}');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Optimizer' }), 'SGD + momentum');
    expect(useStudio.getState().settings).toMatchObject({ optimizer: 'sgd', lr: 0.05, batchSize: 64 });
    expect(total()).toBe(expected(64, 'sgd-momentum'));
  });
});
