import { useEffect, useState } from 'react';

interface Props {
  value: number;
  integer: boolean;
  min?: number | undefined;
  max?: number | undefined;
  testId: string;
  label: string;
  /** Why a value is not accepted (null: accepted). */
  check(v: number): string | null;
  onCommit(v: number): void;
}

/**
 * A number input that commits every acceptable value as it is typed (edits coalesce into one
 * undo step) and keeps an unacceptable draft visible with the reason, without committing it.
 */
export function NumberField({ value, integer, min, max, testId, label, check, onCommit }: Props) {
  const [draft, setDraft] = useState(String(value));
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    // Undo, a fix or another field changed the value: show it, unless this draft already means it.
    setDraft((d) => (Number(d) === value && d.trim() !== '' ? d : String(value)));
    setProblem(null);
  }, [value]);
  const update = (text: string) => {
    setDraft(text);
    const v = Number(text);
    const why = text.trim() === '' || !Number.isFinite(v) ? 'enter a number' : integer && !Number.isInteger(v) ? 'must be a whole number' : check(v);
    setProblem(why);
    if (!why && v !== value) onCommit(v);
  };
  return (
    <span className="num-field">
      <input
        type="number"
        inputMode={integer ? 'numeric' : 'decimal'}
        step={integer ? 1 : 'any'}
        {...(min !== undefined ? { min } : {})}
        {...(max !== undefined ? { max } : {})}
        value={draft}
        aria-label={label}
        aria-invalid={problem !== null}
        data-testid={testId}
        className={problem ? 'invalid' : ''}
        onChange={(e) => update(e.target.value)}
        onBlur={() => {
          if (problem) {
            setDraft(String(value));
            setProblem(null);
          }
        }}
      />
      {problem && <span className="field-problem" role="alert">{problem}</span>}
    </span>
  );
}
