// @vitest-environment jsdom
/**
 * New model (renderer/files/TemplatesDialog.tsx and TemplateCard.tsx): each template's input size,
 * class count and variant as typed, refused while malformed, and the model it opens (laid out by
 * the same elk function the layout worker runs; here on this thread, as where workers are missing).
 */
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useDoc } from '../../../renderer/state/document';
import { useUi } from '../../../renderer/state/ui';
import { TemplatesDialog } from '../../../renderer/files/TemplatesDialog';
import { loadChain } from '../../helpers/renderer-doc';

const card = (id: string) => within(screen.getByTestId(`template-card-${id}`));
const paramsOf = (type: string) => useDoc.getState().doc.nodes.find((n) => n.type === type)!.params;

function renderDialog() {
  useUi.setState({ dialog: 'templates' });
  render(<TemplatesDialog />);
  return userEvent.setup();
}

beforeEach(() => loadChain(['input', 'output']));
afterEach(cleanup);

describe('template options', () => {
  it('a malformed input size or class count disables Open and marks the field', async () => {
    const user = renderDialog();
    const lenet = card('lenet5');
    const input = lenet.getByRole<HTMLInputElement>('textbox', { name: 'LeNet-5 input C×H×W' });
    const classes = lenet.getByRole<HTMLInputElement>('textbox', { name: 'LeNet-5 classes' });
    const open = lenet.getByRole<HTMLButtonElement>('button', { name: 'Open' });
    expect(input.value).toBe('1×32×32');
    await user.clear(input);
    await user.type(input, '1x32');
    expect(open.disabled).toBe(true);
    expect(input.className).toBe('invalid');
    await user.type(input, 'x0');
    expect(open.disabled, 'a zero side').toBe(true);
    await user.clear(input);
    await user.type(input, '3x28x28');
    expect(open.disabled).toBe(false);
    for (const bad of ['0', '2.5', 'ten']) {
      await user.clear(classes);
      await user.type(classes, bad);
      expect(open.disabled, bad).toBe(true);
      expect(classes.className).toBe('invalid');
    }
  });

  it('Open builds the template with what was typed and chosen, laid out, and closes the dialog', async () => {
    const user = renderDialog();
    const lenet = card('lenet5');
    await user.clear(lenet.getByRole('textbox', { name: 'LeNet-5 input C×H×W' }));
    await user.type(lenet.getByRole('textbox', { name: 'LeNet-5 input C×H×W' }), '3x28x28');
    await user.clear(lenet.getByRole('textbox', { name: 'LeNet-5 classes' }));
    await user.type(lenet.getByRole('textbox', { name: 'LeNet-5 classes' }), '5');
    await user.selectOptions(lenet.getByRole('combobox', { name: 'LeNet-5 variant' }), 'classic');
    await user.click(lenet.getByRole('button', { name: 'Open' }));
    // Loading elk on this thread takes a few seconds on a busy machine.
    await waitFor(() => expect(useUi.getState().dialog).toBeNull(), { timeout: 20_000 });
    expect(useUi.getState().toasts).toEqual([]);
    expect(paramsOf('input')).toMatchObject({ channels: 3, height: 28, width: 28 });
    expect(paramsOf('output')).toMatchObject({ classes: 5 });
    const ys = useDoc.getState().doc.nodes.map((n) => n.position.y);
    expect(new Set(ys).size, 'laid out top to bottom, one row per layer').toBe(ys.length);
    expect(useDoc.getState().path).toBeNull();
  });
});
