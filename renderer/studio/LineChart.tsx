/** A small SVG line chart: several series on shared axes, nice ticks (1/2/5 steps) and a legend. */
import { niceTicks, tickLabel } from '../chart-ticks';

export interface Series {
  label: string;
  color: string;
  points: readonly (readonly [number, number])[];
  dashed?: boolean;
  faint?: boolean;
}

const W = 420;
const H = 170;
const PAD = { l: 44, r: 10, t: 10, b: 24 };

export function LineChart({
  title,
  series,
  testId,
  yMin,
  yMax,
  xLabel = 'epoch',
}: {
  title: string;
  series: Series[];
  testId?: string;
  yMin?: number;
  yMax?: number;
  xLabel?: string;
}) {
  const all = series.flatMap((s) => s.points);
  const finite = all.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  let y0 = yMin ?? Math.min(...finite.map(([, y]) => y));
  let y1 = yMax ?? Math.max(...finite.map(([, y]) => y));
  if (!Number.isFinite(y0) || !Number.isFinite(y1)) [y0, y1] = [0, 1];
  // Bounds the caller fixed (0 for a loss, 1 for accuracy) stay; free ones widen to a whole step.
  const yt = niceTicks(y0, y1, 4, { lo: yMin !== undefined, hi: yMax !== undefined });
  const xt = niceTicks(0, Math.max(1, ...finite.map(([x]) => x)), 5, { lo: true });
  [y0, y1] = [yt.lo, yt.hi];
  const [x0, x1] = [xt.lo, xt.hi];
  const sx = (x: number) => PAD.l + ((x - x0) / (x1 - x0)) * (W - PAD.l - PAD.r);
  const sy = (y: number) => H - PAD.b - ((y - y0) / (y1 - y0)) * (H - PAD.t - PAD.b);
  return (
    <figure className="chart" data-testid={testId} data-points={finite.length}>
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="chart-legend">
          {series.map((s) => (
            <span key={s.label}>
              <i style={{ background: s.color, opacity: s.faint ? 0.5 : 1 }} />
              {s.label}
            </span>
          ))}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
        <line className="axis" x1={PAD.l} y1={H - PAD.b} x2={W - PAD.r} y2={H - PAD.b} />
        <line className="axis" x1={PAD.l} y1={PAD.t} x2={PAD.l} y2={H - PAD.b} />
        {yt.values.map((v) => (
          <g key={`y${v}`}>
            {v !== y0 && <line className="grid" x1={PAD.l} y1={sy(v)} x2={W - PAD.r} y2={sy(v)} />}
            <text className="tick" x={PAD.l - 4} y={sy(v) + 4} textAnchor="end">
              {tickLabel(v, yt.step)}
            </text>
          </g>
        ))}
        {xt.values.map((v) => (
          <text key={`x${v}`} className="tick" x={sx(v)} y={H - 6} textAnchor={v === x0 ? 'start' : v === x1 ? 'end' : 'middle'}>
            {tickLabel(v, xt.step)}
          </text>
        ))}
        {/* The axis name sits left of the first tick, clear of the tick labels. */}
        <text className="tick axis-name" x={PAD.l - 6} y={H - 6} textAnchor="end">
          {xLabel}
        </text>
        {series.map((s) => {
          const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
          if (pts.length === 0) return null;
          const d = pts.map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
          return (
            <g key={s.label} data-series={s.label}>
              <path
                d={d}
                fill="none"
                stroke={s.color}
                strokeWidth={s.faint ? 1 : 2}
                strokeOpacity={s.faint ? 0.45 : 1}
                strokeDasharray={s.dashed ? '5 4' : undefined}
              />
              {!s.faint && pts.map(([x, y], i) => <circle key={i} cx={sx(x)} cy={sy(y)} r={2.5} fill={s.color} />)}
            </g>
          );
        })}
        {finite.length === 0 && (
          <text className="tick" x={W / 2} y={H / 2} textAnchor="middle">
            waiting for the first steps…
          </text>
        )}
      </svg>
    </figure>
  );
}
