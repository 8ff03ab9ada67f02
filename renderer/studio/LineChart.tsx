/** A small SVG line chart: several series on shared axes, with ticks at the ends and a legend. */
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

function fmt(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (Number.isInteger(v)) return String(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 1) return v.toFixed(2);
  if (a >= 0.001) return v.toFixed(3);
  return v.toExponential(1);
}

export function LineChart({ title, series, testId, yMin, yMax, xLabel = 'epoch' }: { title: string; series: Series[]; testId?: string; yMin?: number; yMax?: number; xLabel?: string }) {
  const all = series.flatMap((s) => s.points);
  const finite = all.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const x0 = 0;
  const x1 = Math.max(1, ...finite.map(([x]) => x));
  let y0 = yMin ?? Math.min(...finite.map(([, y]) => y));
  let y1 = yMax ?? Math.max(...finite.map(([, y]) => y));
  if (!Number.isFinite(y0) || !Number.isFinite(y1)) [y0, y1] = [0, 1];
  if (y1 - y0 < 1e-9) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const sx = (x: number) => PAD.l + ((x - x0) / (x1 - x0)) * (W - PAD.l - PAD.r);
  const sy = (y: number) => H - PAD.b - ((y - y0) / (y1 - y0)) * (H - PAD.t - PAD.b);
  return (
    <figure className="chart" data-testid={testId} data-points={finite.length}>
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="chart-legend">
          {series.map((s) => <span key={s.label}><i style={{ background: s.color, opacity: s.faint ? 0.5 : 1 }} />{s.label}</span>)}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
        <line className="axis" x1={PAD.l} y1={H - PAD.b} x2={W - PAD.r} y2={H - PAD.b} />
        <line className="axis" x1={PAD.l} y1={PAD.t} x2={PAD.l} y2={H - PAD.b} />
        <line className="grid" x1={PAD.l} y1={sy((y0 + y1) / 2)} x2={W - PAD.r} y2={sy((y0 + y1) / 2)} />
        <text className="tick" x={PAD.l - 4} y={sy(y1) + 4} textAnchor="end">{fmt(y1)}</text>
        <text className="tick" x={PAD.l - 4} y={sy((y0 + y1) / 2) + 4} textAnchor="end">{fmt((y0 + y1) / 2)}</text>
        <text className="tick" x={PAD.l - 4} y={sy(y0) + 4} textAnchor="end">{fmt(y0)}</text>
        <text className="tick" x={PAD.l} y={H - 6} textAnchor="middle">{x0}</text>
        <text className="tick" x={W - PAD.r} y={H - 6} textAnchor="end">{fmt(x1)}</text>
        <text className="tick" x={(W + PAD.l) / 2} y={H - 6} textAnchor="middle">{xLabel}</text>
        {series.map((s) => {
          const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
          if (pts.length === 0) return null;
          const d = pts.map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
          return (
            <g key={s.label} data-series={s.label}>
              <path d={d} fill="none" stroke={s.color} strokeWidth={s.faint ? 1 : 2} strokeOpacity={s.faint ? 0.45 : 1} strokeDasharray={s.dashed ? '5 4' : undefined} />
              {!s.faint && pts.map(([x, y], i) => <circle key={i} cx={sx(x)} cy={sy(y)} r={2.5} fill={s.color} />)}
            </g>
          );
        })}
        {finite.length === 0 && <text className="tick" x={W / 2} y={H / 2} textAnchor="middle">waiting for the first steps…</text>}
      </svg>
    </figure>
  );
}
