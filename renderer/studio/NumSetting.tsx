import { useId, type ReactNode } from 'react';
import { NumberField } from '../editor/NumberField';

export interface NumSettingProps {
  label: string;
  value: number;
  integer?: boolean;
  check(v: number): string | null;
  onChange(v: number): void;
  testId: string;
  /** Shown under the field (an offer such as the optimizer's default). */
  note?: ReactNode;
}

/** One labelled number of the Train tab's settings: the label names the field for screen readers. */
export function NumSetting({ label, value, integer = false, check, onChange, testId, note }: NumSettingProps) {
  const id = useId();
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <NumberField id={id} value={value} integer={integer} label={label} testId={testId} check={check} onCommit={onChange} />
      {note}
    </div>
  );
}
