import type { TrainSettingsInput } from '../../core/api';
import { OPTIMIZERS, SCHEDULES } from '../../core/api';
import { useStudio } from '../state/studio';
import { DeviceSelect } from './DeviceSelect';

const OPT_LABEL: Record<TrainSettingsInput['optimizer'], string> = { sgd: 'SGD + momentum', adam: 'Adam', adamw: 'AdamW' };
const SCHED_LABEL: Record<TrainSettingsInput['schedule'], string> = { constant: 'Constant', step: 'Step decay', cosine: 'Cosine', onecycle: 'One-cycle' };

function Num({ label, value, min, max, step, onChange, testId, disabled }: { label: string; value: number; min: number; max?: number; step: number; onChange(v: number): void; testId?: string; disabled: boolean }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <input type="number" value={value} min={min} max={max} step={step} data-testid={testId} disabled={disabled}
        onChange={(e) => {
          const v = Number(e.target.value);
          if (e.target.value !== '' && Number.isFinite(v)) onChange(Math.max(min, max === undefined ? v : Math.min(max, v)));
        }} />
    </label>
  );
}

/** The recipe: every hyperparameter the trainer takes from the panel. Locked while a run trains. */
export function TrainSettingsForm({ locked }: { locked: boolean }) {
  const s = useStudio((st) => st.settings);
  const set = useStudio((st) => st.setSettings);
  return (
    <fieldset className="train-form" disabled={locked}>
      <Num label="Epochs" value={s.epochs} min={1} max={10000} step={1} testId="train-epochs" disabled={locked} onChange={(v) => set({ epochs: Math.round(v) })} />
      <Num label="Batch size" value={s.batchSize} min={1} max={4096} step={1} testId="train-batch" disabled={locked} onChange={(v) => set({ batchSize: Math.round(v) })} />
      <label className="field">
        <span className="field-label">Optimizer</span>
        <select value={s.optimizer} data-testid="train-optimizer" onChange={(e) => set({ optimizer: e.target.value as TrainSettingsInput['optimizer'] })}>
          {OPTIMIZERS.map((o) => <option key={o} value={o}>{OPT_LABEL[o]}</option>)}
        </select>
      </label>
      <Num label="Learning rate" value={s.lr} min={1e-7} max={10} step={0.0001} testId="train-lr" disabled={locked} onChange={(v) => set({ lr: v })} />
      <label className="field">
        <span className="field-label">Schedule</span>
        <select value={s.schedule} data-testid="train-schedule" onChange={(e) => set({ schedule: e.target.value as TrainSettingsInput['schedule'] })}>
          {SCHEDULES.map((o) => <option key={o} value={o}>{SCHED_LABEL[o]}</option>)}
        </select>
      </label>
      <Num label="Weight decay" value={s.weightDecay} min={0} max={1} step={0.0001} testId="train-wd" disabled={locked} onChange={(v) => set({ weightDecay: v })} />
      <Num label="Label smoothing" value={s.labelSmoothing} min={0} max={0.99} step={0.05} testId="train-ls" disabled={locked} onChange={(v) => set({ labelSmoothing: v })} />
      <label className="field check">
        <input type="checkbox" checked={s.augment} data-testid="train-augment" onChange={(e) => set({ augment: e.target.checked })} />
        <span>Augment (random crop, horizontal flip)</span>
      </label>
      <DeviceSelect />
    </fieldset>
  );
}
