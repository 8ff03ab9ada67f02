/** The CLI's download progress: a redrawn bar on a terminal, a line per 10% otherwise (logs, CI). */
import type { DownloadProgress } from './download';

const MiB = 1024 * 1024;
const mib = (n: number): string => (n / MiB).toFixed(1);

export function downloadProgressPrinter(write: (text: string) => void, tty: boolean): { update(p: DownloadProgress): void; done(): void } {
  let lastTenth = -1;
  let shown = false;
  return {
    update(p) {
      const fraction = p.total ? Math.min(1, p.received / p.total) : null;
      const resumed = p.resumed ? ' (resumed)' : '';
      if (tty) {
        const width = 30;
        const filled = fraction === null ? 0 : Math.round(fraction * width);
        const bar = fraction === null ? '' : `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0)}% `;
        write(`\r\x1b[2K${p.id}: ${bar}${mib(p.received)}${p.total ? `/${mib(p.total)}` : ''} MiB${resumed}`);
        shown = true;
        return;
      }
      const tenth = fraction === null ? Math.floor(p.received / (10 * MiB)) : Math.floor(fraction * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      write(`${p.id}: ${mib(p.received)}${p.total ? `/${mib(p.total)}` : ''} MiB${fraction === null ? '' : ` (${(fraction * 100).toFixed(0)}%)`}${resumed}\n`);
    },
    done() {
      if (shown) write('\n');
    },
  };
}
