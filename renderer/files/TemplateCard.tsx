import { useState } from 'react';
import type { Template } from '../../core/templates/index';

interface Props {
  t: Template;
  disabled: boolean;
  onOpen(t: Template, input: [number, number, number], classes: number, variant: string): void;
}

/** One template with the options it takes: input C×H×W, class count, variant. */
export function TemplateCard({ t, disabled, onOpen }: Props) {
  const [input, setInput] = useState(t.defaultInput.join('×'));
  const [classes, setClasses] = useState(String(t.defaultClasses));
  const [variant, setVariant] = useState(t.variants[0] ?? '');
  const dims = input.split(/[×x*, ]+/).map(Number);
  const inputOk = dims.length === 3 && dims.every((d) => Number.isInteger(d) && d >= 1);
  const classesOk = Number.isInteger(Number(classes)) && Number(classes) >= 1;
  return (
    <div className="template-card" data-testid={`template-card-${t.id}`}>
      <span className="tc-title">{t.label}</span>
      <span className="tc-desc">{t.description}</span>
      <div className="tc-options">
        <label>
          Input
          <input
            value={input}
            onChange={(e) => setInput(e.target.value)}
            className={inputOk ? '' : 'invalid'}
            data-testid={`template-input-${t.id}`}
            aria-label={`${t.label} input C×H×W`}
          />
        </label>
        <label>
          Classes
          <input
            value={classes}
            onChange={(e) => setClasses(e.target.value)}
            className={classesOk ? '' : 'invalid'}
            data-testid={`template-classes-${t.id}`}
            aria-label={`${t.label} classes`}
          />
        </label>
        {t.variants.length > 1 && (
          <label>
            Variant
            <select value={variant} onChange={(e) => setVariant(e.target.value)} aria-label={`${t.label} variant`}>
              {t.variants.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <button
        type="button"
        className="primary"
        data-testid={`template-${t.id}`}
        disabled={disabled || !inputOk || !classesOk}
        onClick={() => onOpen(t, dims as [number, number, number], Number(classes), variant)}
      >
        Open
      </button>
    </div>
  );
}
