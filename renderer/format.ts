/** Number and shape formatting shared by nodes, edges and the summary. */
import type { ParamValue, Shape } from '../core/graph/types';

export function shapeText(s: Shape | null | undefined): string {
  return s ? `N×${s.join('×')}` : '?';
}

/** 61706 -> "61,706". */
export function thousands(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** 25557032 -> "25.6M"; keeps small numbers exact. */
export function compact(n: number): string {
  const a = Math.abs(n);
  if (a < 1e4) return thousands(n);
  if (a < 1e6) return `${(n / 1e3).toFixed(a < 1e5 ? 1 : 0)}K`;
  if (a < 1e9) return `${(n / 1e6).toFixed(a < 1e8 ? 2 : 1)}M`;
  return `${(n / 1e9).toFixed(2)}G`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[i]}`;
}

export function paramText(v: ParamValue | undefined): string {
  if (v === undefined) return '';
  if (Array.isArray(v)) return v.length === 2 && v[0] === v[1] ? String(v[0]) : v.join('×');
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

/** "/home/ana/data/cats" -> "~/data/cats" when home is /home/ana; other paths as they are. */
export function homeAbbreviated(p: string, home: string): string {
  const h = home.replace(/[\\/]+$/, '');
  if (!h) return p;
  if (p === h) return '~';
  const sep = p.charAt(h.length);
  return p.startsWith(h) && (sep === '/' || sep === '\\') ? `~${p.slice(h.length)}` : p;
}
