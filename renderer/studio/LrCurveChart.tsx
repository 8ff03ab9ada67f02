/** The LR range test's curve: smoothed loss over the learning rate on a log axis, the suggestion marked. */
import type { LrFindView } from '../../core/api';
import { niceTicks, tickLabel } from '../chart-ticks';

const W = 420;
const H = 170;
const PAD = { l: 44, r: 10, t: 10, b: 24 };

/** Decade ticks (1e-7, 1e-6, ...) that cover [lo, hi] in log10 units. */
function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let d = Math.floor(lo); d <= Math.ceil(hi); d++) out.push(d);
  return out;
}

const lrText = (exp: number): string => (exp >= 0 && exp <= 2 ? String(10 ** exp) : `1e${exp}`);

export function LrCurveChart({ view }: { view: LrFindView }) {
  const pts = view.curve.map((p) => [Math.log10(p.lr), p.loss] as const);
  if (pts.length < 2) return <p className="muted">Too few steps for a curve.</p>;
  const xs = decades(pts[0]![0], pts[pts.length - 1]![0]);
  const [x0, x1] = [xs[0]!, xs[xs.length - 1]!];
  const yt = niceTicks(Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[1])), 4, { lo: false, hi: false });
  const sx = (x: number) => PAD.l + ((x - x0) / (x1 - x0 || 1)) * (W - PAD.l - PAD.r);
  const sy = (y: number) => H - PAD.b - ((y - yt.lo) / (yt.hi - yt.lo || 1)) * (H - PAD.t - PAD.b);
  const path = pts.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
  const sug = view.suggestion === null ? null : Math.log10(view.suggestion);
  return (
    <figure className="chart" data-testid="lr-curve" data-points={pts.length}>
      <figcaption>
        <span className="chart-title">Smoothed loss by learning rate</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Smoothed loss by learning rate">
        <line className="axis" x1={PAD.l} y1={H - PAD.b} x2={W - PAD.r} y2={H - PAD.b} />
        <line className="axis" x1={PAD.l} y1={PAD.t} x2={PAD.l} y2={H - PAD.b} />
        {yt.values.map((v) => (
          <g key={`y${v}`}>
            <line className="grid" x1={PAD.l} y1={sy(v)} x2={W - PAD.r} y2={sy(v)} />
            <text className="tick" x={PAD.l - 4} y={sy(v) + 4} textAnchor="end">
              {tickLabel(v, yt.step)}
            </text>
          </g>
        ))}
        {xs.map((d) => (
          <text key={d} className="tick" x={sx(d)} y={H - 6} textAnchor="middle">
            {lrText(d)}
          </text>
        ))}
        <path d={path} fill="none" stroke="#2f6fdf" strokeWidth={1.8} />
        {sug !== null && (
          <g data-testid="lr-suggestion-mark">
            <line x1={sx(sug)} y1={PAD.t} x2={sx(sug)} y2={H - PAD.b} stroke="#d9480f" strokeDasharray="4 3" />
            <text className="tick" x={sx(sug) + 4} y={PAD.t + 10} fill="#d9480f">
              {view.suggestion!.toPrecision(2)}
            </text>
          </g>
        )}
      </svg>
    </figure>
  );
}
