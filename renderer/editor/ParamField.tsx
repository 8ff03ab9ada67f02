import type { ParamSpec } from '../../core/blocks/params';
import { checkParam, MAX_IMAGE_SIDE } from '../../core/blocks/params';
import type { GroupDef, ParamValue } from '../../core/graph/types';
import { NumberField } from './NumberField';

interface Props {
  name: string;
  spec: ParamSpec;
  value: ParamValue;
  groups: readonly GroupDef[];
  /** The analysis's complaint about this parameter, shown under it. */
  problem?: string | undefined;
  onChange(v: ParamValue): void;
}

const asPair = (v: ParamValue): [number, number] => (typeof v === 'number' ? [v, v] : Array.isArray(v) ? [Number(v[0]), Number(v[1])] : [0, 0]);
/** A square pair is stored as one number, the way people write "3×3 kernel, stride 2". */
const fromPair = (h: number, w: number): ParamValue => (h === w ? h : [h, w]);

function sideProblem(min: number, max: number, v: number): string | null {
  if (v < min) return `must be at least ${min}, got ${v}`;
  if (v > max) return `must be at most ${max}, got ${v}`;
  return null;
}

interface SidePairProps {
  label: string;
  h: number;
  w: number;
  heightTestId: string;
  widthTestId: string;
  check(side: number): string | null;
  onChange(v: ParamValue): void;
}

/** Height × width as two whole-number fields (kernel, stride, padding in pixels); each commits the pair it makes. */
function SidePair({ label, h, w, heightTestId, widthTestId, check, onChange }: SidePairProps) {
  return (
    <>
      <NumberField value={h} integer testId={heightTestId} label={`${label} height`} check={check} onCommit={(v) => onChange(fromPair(v, w))} />
      <span className="times">×</span>
      <NumberField value={w} integer testId={widthTestId} label={`${label} width`} check={check} onCommit={(v) => onChange(fromPair(h, v))} />
    </>
  );
}

/** One inspector row, generated from the block's parameter spec: bounds, enums, pairs, padding. */
export function ParamField({ name, spec, value, groups, problem, onChange }: Props) {
  const id = `param-${name}`;
  const check = (v: ParamValue) => checkParam(spec, v);
  // One side of a pair (kernel, stride, padding pixels) is checked on its own, so the reason
  // speaks of the number typed rather than of the [h, w] pair it would make.
  const [sideMin, sideMax] = spec.kind === 'pair' ? [spec.min, spec.max] : [0, MAX_IMAGE_SIDE];
  const checkSide = (v: number) => sideProblem(sideMin, sideMax, v);
  let control;
  switch (spec.kind) {
    case 'int':
    case 'float':
      control = <NumberField value={Number(value)} integer={spec.kind === 'int'} testId={id} label={spec.label} check={(v) => check(v)} onCommit={onChange} />;
      break;
    case 'bool':
      control = <input type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} data-testid={id} aria-label={spec.label} />;
      break;
    case 'enum':
      control = (
        <select value={String(value)} onChange={(e) => onChange(e.target.value)} data-testid={id} aria-label={spec.label}>
          {spec.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
      break;
    case 'string':
      control =
        name === 'group' ? (
          <select value={String(value)} onChange={(e) => onChange(e.target.value)} data-testid={id} aria-label={spec.label}>
            {!groups.some((g) => g.id === value) && <option value={String(value)}>{String(value) || '(none)'}</option>}
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        ) : (
          <input type="text" value={String(value)} onChange={(e) => onChange(e.target.value)} data-testid={id} aria-label={spec.label} />
        );
      break;
    case 'pair': {
      const [h, w] = asPair(value);
      control = (
        <span className="pair">
          <SidePair label={spec.label} h={h} w={w} heightTestId={id} widthTestId={`${id}-w`} check={checkSide} onChange={onChange} />
        </span>
      );
      break;
    }
    case 'padding': {
      const mode = value === 'same' || value === 'valid' ? value : 'custom';
      const [h, w] = mode === 'custom' ? asPair(value) : [0, 0];
      control = (
        <span className="pair with-mode">
          <select value={mode} data-testid={id} aria-label={spec.label} onChange={(e) => onChange(e.target.value === 'custom' ? 0 : e.target.value)}>
            <option value="same">same</option>
            <option value="valid">valid</option>
            <option value="custom">pixels</option>
          </select>
          {mode === 'custom' && (
            <SidePair label={spec.label} h={h} w={w} heightTestId={`${id}-h`} widthTestId={`${id}-w`} check={checkSide} onChange={onChange} />
          )}
        </span>
      );
      break;
    }
  }
  const range =
    spec.kind === 'int'
      ? `${spec.min}–${spec.max ?? '∞'}`
      : spec.kind === 'float' && spec.min !== undefined
        ? `${spec.exclusiveMin ? '>' : '≥'} ${spec.min}`
        : '';
  return (
    <label className={`field${problem ? ' has-problem' : ''}`} title={problem ?? undefined}>
      <span className="field-label" title={spec.help ?? ''}>
        {spec.label}
        {range && <span className="field-range">{range}</span>}
      </span>
      {control}
    </label>
  );
}
