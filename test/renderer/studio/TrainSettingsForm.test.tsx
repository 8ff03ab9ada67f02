// @vitest-environment jsdom
/**
 * The Train tab's settings form (renderer/studio/TrainSettingsForm.tsx) on the real studio store,
 * with a fake backend: typed key by key, each field reaches the settings (and the browser's
 * storage) only when committed, refuses what the trainer would refuse, and offers the defaults.
 */
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExecutionProviderInfo } from '../../../core/api';
import { DEFAULT_TRAIN_SETTINGS, useStudio } from '../../../renderer/state/studio';
import { TrainSettingsForm } from '../../../renderer/studio/TrainSettingsForm';
import { installFakeClient } from '../../helpers/fake-client';
import { loadChain } from '../../helpers/renderer-doc';

const settings = () => useStudio.getState().settings;
const stored = () => JSON.parse(localStorage.getItem('cnn-studio-train-settings') ?? 'null') as unknown;
const textbox = (name: string) => screen.getByRole<HTMLInputElement>('textbox', { name });
const combobox = (name: string) => screen.getByRole<HTMLSelectElement>('combobox', { name });

const provider = (name: ExecutionProviderInfo['name'], available: boolean): ExecutionProviderInfo => ({
  name,
  label: name.toUpperCase(),
  offered: true,
  available,
  reason: available ? null : `${name} did not load`,
  probeMs: 1,
});

function renderForm(locked = false) {
  const api = installFakeClient({ executionProviders: () => Promise.resolve([provider('cpu', true), provider('cuda', true), provider('webgpu', false)]) });
  render(<TrainSettingsForm locked={locked} />);
  return { api, user: userEvent.setup() };
}

/** Clears a field and types `text` key by key, then presses Enter. */
async function typeAndEnter(user: ReturnType<typeof userEvent.setup>, name: string, text: string) {
  await user.clear(textbox(name));
  await user.type(textbox(name), `${text}{Enter}`);
}

beforeEach(() => {
  localStorage.clear();
  useStudio.setState({ settings: { ...DEFAULT_TRAIN_SETTINGS } });
  loadChain(['input', 'conv2d', 'relu', 'flatten', 'dense', 'output']);
});
afterEach(cleanup);

describe('Train settings: number fields', () => {
  it('epochs typed key by key reach the settings and storage only on Enter', async () => {
    const { user } = renderForm();
    await user.clear(textbox('Epochs'));
    await user.type(textbox('Epochs'), '30');
    expect(settings().epochs, 'not committed while typing').toBe(15);
    expect(stored()).toBeNull();
    await user.keyboard('{Enter}');
    expect(settings().epochs).toBe(30);
    expect(stored()).toMatchObject({ epochs: 30 });
  });

  it('batch size: 0, 2.5 and 5000 are refused with the reason; 128 on blur is taken', async () => {
    const { user } = renderForm();
    for (const [typed, reason] of [
      ['0', 'must be at least 1, got 0'],
      ['2.5', 'must be a whole number, got 2.5'],
      ['5000', 'must be at most 4096, got 5000'],
    ] as const) {
      await typeAndEnter(user, 'Batch size', typed);
      expect(screen.getByRole('alert').textContent).toBe(`${reason} · kept 64`);
    }
    expect(settings().batchSize).toBe(64);
    await user.clear(textbox('Batch size'));
    await user.type(textbox('Batch size'), '128');
    await user.tab();
    expect(settings().batchSize).toBe(128);
  });

  it('learning rate: 0 is refused, 1e-4 is read as 0.0001, and the default is offered back', async () => {
    const { user } = renderForm();
    await typeAndEnter(user, 'Learning rate', '0');
    expect(screen.getByRole('alert').textContent).toBe('must be greater than 0, got 0 · kept 0.003');
    await typeAndEnter(user, 'Learning rate', '1e-4');
    expect(settings().lr).toBe(0.0001);
    await user.click(screen.getByRole('button', { name: "use AdamW's default 0.003" }));
    expect(settings().lr).toBe(0.003);
    expect(textbox('Learning rate').value).toBe('0.003');
    expect(screen.queryByRole('button', { name: /default/ })).toBeNull();
  });

  it('weight decay above 1 and label smoothing of 1 are refused; Escape puts the value back', async () => {
    const { user } = renderForm();
    await typeAndEnter(user, 'Weight decay', '2');
    expect(screen.getByRole('alert').textContent).toBe('must be at most 1, got 2 · kept 0.01');
    await user.keyboard('{Escape}');
    expect(textbox('Weight decay').value).toBe('0.01');
    await typeAndEnter(user, 'Label smoothing', '1');
    expect(screen.getByRole('alert').textContent).toBe('must be at most 0.99, got 1 · kept 0');
    await typeAndEnter(user, 'Label smoothing', '0.1');
    expect(settings()).toMatchObject({ weightDecay: 0.01, labelSmoothing: 0.1 });
  });
});

describe('Train settings: selects', () => {
  it('the optimizer brings its own learning rate and decay while they are at the defaults', async () => {
    const { user } = renderForm();
    await user.selectOptions(combobox('Optimizer'), 'SGD + momentum');
    expect(settings()).toMatchObject({ optimizer: 'sgd', lr: 0.05, weightDecay: 5e-4 });
    await typeAndEnter(user, 'Learning rate', '0.2');
    await user.selectOptions(combobox('Optimizer'), 'Adam');
    expect(settings().optimizer).toBe('adam');
    expect(settings().lr, 'a typed learning rate stays').toBe(0.2);
  });

  it('schedule and augmentation', async () => {
    const { user } = renderForm();
    await user.selectOptions(combobox('Schedule'), 'Cosine');
    await user.selectOptions(combobox('Augmentation'), 'None');
    expect(settings()).toMatchObject({ schedule: 'cosine', augment: 'none' });
  });

  it('device: the fake backend is asked once; a provider that did not load cannot be chosen', async () => {
    const { api, user } = renderForm();
    expect(api.executionProviders).toHaveBeenCalledExactlyOnceWith({});
    await waitFor(() => expect(screen.getByRole<HTMLOptionElement>('option', { name: 'WEBGPU — not available' }).disabled).toBe(true));
    await user.selectOptions(combobox('Device'), 'CUDA');
    expect(settings().device).toBe('cuda');
    await user.selectOptions(combobox('Device'), 'WEBGPU — not available');
    expect(settings().device).toBe('cuda');
  });
});

describe('Train settings: locked while a run trains', () => {
  it('no field can be edited', async () => {
    const { user } = renderForm(true);
    await user.type(textbox('Epochs'), '9{Enter}');
    expect(settings()).toEqual(DEFAULT_TRAIN_SETTINGS);
    for (const name of ['Optimizer', 'Schedule', 'Augmentation', 'Device', 'Freeze']) expect(combobox(name).matches(':disabled'), name).toBe(true);
  });
});
