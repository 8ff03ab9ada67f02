import { AUGMENT_PRESET_NAMES, type AugmentPreset } from '../../core/train-defaults';
import type { TrainSettingsInput } from '../../core/api';
import { DEFAULT_LR, SCHEDULES } from '../../core/api';
import { between } from '../editor/number-text';
import { useStudio } from '../state/studio';
import { DeviceSelect } from './DeviceSelect';
import { FineTuneFields } from './FineTuneFields';
import { NumSetting } from './NumSetting';
import { OPTIMIZER_LABEL } from './optimizer-choice';
import { OptimizerSelect } from './OptimizerSelect';

const SCHED_LABEL: Record<TrainSettingsInput['schedule'], string> = { constant: 'Constant', step: 'Step decay', cosine: 'Cosine', onecycle: 'One-cycle' };

/** The recipe: every hyperparameter the trainer takes from the panel. Locked while a run trains. */
const AUGMENT_LABEL: Record<AugmentPreset, string> = {
  light: 'Light: random crop (pad 2), flip',
  imagenet: 'ImageNet: random resized crop, flip, colour jitter (photos)',
  none: 'None',
};

/** Settings saved by earlier versions hold true/false. */
const augmentPresetName = (a: AugmentPreset | boolean): AugmentPreset => (a === true ? 'light' : a === false ? 'none' : a);

export function TrainSettingsForm({ locked }: { locked: boolean }) {
  const s = useStudio((st) => st.settings);
  const set = useStudio((st) => st.setSettings);
  const lrDefault = DEFAULT_LR[s.optimizer];
  return (
    <fieldset className="train-form" disabled={locked}>
      <NumSetting label="Epochs" value={s.epochs} integer check={between(1, 10000)} testId="train-epochs" onChange={(v) => set({ epochs: v })} />
      <NumSetting label="Batch size" value={s.batchSize} integer check={between(1, 4096)} testId="train-batch" onChange={(v) => set({ batchSize: v })} />
      <label className="field">
        <span className="field-label">Optimizer</span>
        <OptimizerSelect testId="train-optimizer" />
      </label>
      <NumSetting
        label="Learning rate"
        value={s.lr}
        check={between(0, 10, { above: true })}
        testId="train-lr"
        onChange={(v) => set({ lr: v })}
        note={
          s.lr !== lrDefault && (
            <button type="button" className="link small field-offer" data-testid="train-lr-default" onClick={() => set({ lr: lrDefault })}>
              use {OPTIMIZER_LABEL[s.optimizer]}'s default {lrDefault}
            </button>
          )
        }
      />
      <label className="field">
        <span className="field-label">Schedule</span>
        <select value={s.schedule} data-testid="train-schedule" onChange={(e) => set({ schedule: e.target.value as TrainSettingsInput['schedule'] })}>
          {SCHEDULES.map((o) => (
            <option key={o} value={o}>
              {SCHED_LABEL[o]}
            </option>
          ))}
        </select>
      </label>
      <NumSetting label="Weight decay" value={s.weightDecay} check={between(0, 1)} testId="train-wd" onChange={(v) => set({ weightDecay: v })} />
      <NumSetting label="Label smoothing" value={s.labelSmoothing} check={between(0, 0.99)} testId="train-ls" onChange={(v) => set({ labelSmoothing: v })} />
      <label className="field augment-select">
        <span className="field-label">Augmentation</span>
        <select
          value={augmentPresetName(s.augment)}
          data-testid="train-augment"
          title="Light: random crop (pad 2) and flip, for small images. ImageNet: random resized crop, flip and colour jitter, for photos."
          onChange={(e) => set({ augment: e.target.value as AugmentPreset })}
        >
          {AUGMENT_PRESET_NAMES.map((o) => (
            <option key={o} value={o}>
              {AUGMENT_LABEL[o]}
            </option>
          ))}
        </select>
      </label>
      <FineTuneFields />
      <DeviceSelect />
    </fieldset>
  );
}
