import { OPTIMIZERS, type TrainSettingsInput } from '../../core/api';
import { useStudio } from '../state/studio';
import { optimizerChange, OPTIMIZER_LABEL } from './optimizer-choice';

/**
 * The recipe's optimizer, wherever it is offered (the Train tab, the memory estimate): a switch
 * moves a default learning rate and weight decay to the new optimizer's defaults (optimizerChange).
 */
export function OptimizerSelect({ testId }: { testId: string }) {
  const settings = useStudio((s) => s.settings);
  const set = useStudio((s) => s.setSettings);
  return (
    <select value={settings.optimizer} data-testid={testId} onChange={(e) => set(optimizerChange(settings, e.target.value as TrainSettingsInput['optimizer']))}>
      {OPTIMIZERS.map((o) => (
        <option key={o} value={o}>
          {OPTIMIZER_LABEL[o]}
        </option>
      ))}
    </select>
  );
}
