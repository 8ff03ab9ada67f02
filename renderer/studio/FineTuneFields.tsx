import { useId, useMemo } from 'react';
import { freezableBlocks } from '../../core/train/freeze';
import { between } from '../editor/number-text';
import { useDoc } from '../state/document';
import { useStudio } from '../state/studio';
import { NumSetting } from './NumSetting';

/** The block names the Freeze select offers (everything before the classifier head), or none for a model with errors. */
function useFreezable(): string[] {
  const doc = useDoc((d) => d.doc);
  return useMemo(() => {
    try {
      return freezableBlocks(doc);
    } catch {
      return [];
    }
  }, [doc]);
}

/** Phase 2's epochs when the recipe is switched on: the last third of the run, at least one. */
const phase2Default = (epochs: number): number => Math.max(1, Math.round(epochs / 3));

/**
 * Fine-tuning: what to freeze (main/trainer/finetune.ts) and the two-phase recipe. Frozen blocks
 * keep their weights and run in inference mode; without augmentation their features are cached.
 */
export function FineTuneFields() {
  const s = useStudio((st) => st.settings);
  const set = useStudio((st) => st.setSettings);
  const blocks = useFreezable();
  const freezeId = useId();
  const unfreezeId = useId();
  const twoPhase = (s.phase2Epochs ?? 0) > 0;
  const frozen = s.freeze !== undefined && s.freeze !== 'none';
  const canTwoPhase = frozen && s.epochs >= 2;
  const choose = (v: string): void => {
    const freeze = v === '' ? undefined : v;
    const off = freeze === undefined || freeze === 'none';
    set({ freeze, phase2Unfreeze: undefined, ...(off ? { phase2Epochs: undefined } : {}) });
  };
  // Phase 2 can unfreeze from any block phase 1 freezes.
  const frozenBlocks = s.freeze === 'backbone' ? blocks : blocks.slice(0, blocks.indexOf(s.freeze ?? '') + 1);
  return (
    <>
      <div className="field freeze-select">
        <label className="field-label" htmlFor={freezeId}>
          Freeze
        </label>
        <select id={freezeId} value={s.freeze ?? ''} data-testid="train-freeze" onChange={(e) => choose(e.target.value)}>
          <option value="">the blocks frozen in the editor</option>
          <option value="none">nothing (train every block)</option>
          <option value="backbone">backbone (train the classifier head only)</option>
          {blocks.map((b) => (
            <option key={b} value={b}>
              up to and including {b}
            </option>
          ))}
        </select>
      </div>
      <label className="field check" title={canTwoPhase ? '' : 'Freeze the backbone or some blocks first (and train 2 epochs or more)'}>
        <input
          type="checkbox"
          checked={twoPhase}
          disabled={!canTwoPhase}
          data-testid="train-two-phase"
          onChange={(e) => set({ phase2Epochs: e.target.checked ? phase2Default(s.epochs) : undefined })}
        />
        <span>Two phases: then unfreeze the last stage</span>
      </label>
      {twoPhase && (
        <>
          <div className="field freeze-select">
            <label className="field-label" htmlFor={unfreezeId}>
              Phase 2 unfreezes from
            </label>
            <select
              id={unfreezeId}
              value={s.phase2Unfreeze ?? ''}
              data-testid="train-phase2-unfreeze"
              onChange={(e) => set({ phase2Unfreeze: e.target.value === '' ? undefined : e.target.value })}
            >
              <option value="">the last frozen block with parameters</option>
              {frozenBlocks.map((b) => (
                <option key={b} value={b}>
                  {b} and the blocks after it
                </option>
              ))}
            </select>
          </div>
          <NumSetting
            label="Phase 2 epochs"
            value={s.phase2Epochs ?? 1}
            integer
            check={between(1, Math.max(1, s.epochs - 1))}
            testId="train-phase2-epochs"
            onChange={(v) => set({ phase2Epochs: v })}
          />
          <NumSetting
            label="Phase 2 learning-rate scale"
            value={s.phase2LrScale ?? 0.1}
            check={between(0, 10, { above: true })}
            testId="train-phase2-lr-scale"
            onChange={(v) => set({ phase2LrScale: v })}
          />
        </>
      )}
    </>
  );
}
