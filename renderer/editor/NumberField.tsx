import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { decimalSeparator, formatNumberText, readFieldText } from './number-text';

interface Props {
  value: number;
  integer: boolean;
  testId?: string | undefined;
  /** For a visible <label htmlFor>; the field is also named by `label`. */
  id?: string | undefined;
  label: string;
  /** Why a value is not accepted (null: accepted). */
  check(v: number): string | null;
  onCommit(v: number): void;
}

/** Read once: the page's locale does not change while it is open. */
const DECIMAL = decimalSeparator(typeof navigator === 'undefined' ? undefined : navigator.language);

/**
 * A number field that lets a person type freely: the text stays exactly as typed until they
 * press Enter or leave the field. Then it is read (1e-3, .001, and 0,001 in comma locales); an
 * acceptable value is committed, a refused one stays in the field with the reason beside it and
 * the value still in effect ("kept 13"). Escape puts the value in effect back.
 */
export function NumberField({ value, integer, testId, id, label, check, onCommit }: Props) {
  const shown = formatNumberText(value, DECIMAL);
  const [draft, setDraft] = useState(shown);
  const [problem, setProblem] = useState<string | null>(null);
  const messageId = useId();
  useEffect(() => {
    // Undo, a fix or another control changed the value: show it in place of any draft.
    setDraft(formatNumberText(value, DECIMAL));
    setProblem(null);
  }, [value]);

  const commit = () => {
    const read = readFieldText(draft, DECIMAL, integer, check);
    if (!read.ok) return setProblem(read.reason);
    setProblem(null);
    setDraft(formatNumberText(read.value, DECIMAL));
    if (read.value !== value) onCommit(read.value);
  };
  const revert = () => {
    setDraft(shown);
    setProblem(null);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      commit();
    } else if (e.key === 'Escape' && (problem !== null || draft !== shown)) {
      // Only this field's edit is undone; the Escape does not also close or deselect around it.
      e.stopPropagation();
      revert();
    }
  };
  return (
    <span className="num-field">
      <input
        type="text"
        id={id}
        inputMode={integer ? 'numeric' : 'decimal'}
        autoComplete="off"
        spellCheck={false}
        value={draft}
        aria-label={label}
        aria-invalid={problem !== null}
        aria-describedby={problem ? messageId : undefined}
        data-testid={testId}
        className={problem ? 'invalid' : ''}
        onChange={(e) => {
          setDraft(e.target.value);
          setProblem(null);
        }}
        onKeyDown={onKeyDown}
        onBlur={commit}
      />
      {problem && (
        <span className="field-problem" role="alert" id={messageId} data-testid={testId ? `${testId}-problem` : undefined}>
          {problem} <span className="field-kept">· kept {shown}</span>
        </span>
      )}
    </span>
  );
}
