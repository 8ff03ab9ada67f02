/**
 * Decode progress as a person reads it: "decoding images 1200/3000, 480 images/s, about 4 s left".
 * The rate counts only images actually decoded (cache hits are counted as done at once, so
 * including them would promise an ETA the remaining, uncached files cannot keep).
 */
export interface DecodeProgressSample {
  done: number;
  total: number;
  decoded: number;
  failed: number;
}

export interface DecodeRate {
  /** images decoded (or found unreadable) per second since decoding began; null before the first */
  imagesPerSecond: number | null;
  /** seconds until every image is done, at that rate; null while unknown */
  etaSeconds: number | null;
}

/** The rate and ETA after `seconds` of decoding. */
export function decodeRate(p: DecodeProgressSample, seconds: number): DecodeRate {
  const worked = p.decoded + p.failed;
  if (worked === 0 || !(seconds > 0)) return { imagesPerSecond: null, etaSeconds: null };
  const imagesPerSecond = worked / seconds;
  return { imagesPerSecond, etaSeconds: Math.max(0, p.total - p.done) / imagesPerSecond };
}

function secondsText(s: number): string {
  if (s < 1) return 'under a second';
  if (s < 90) return `${Math.round(s)} s`;
  const m = Math.round(s / 60);
  return m < 90 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** One line: counts, then rate and time left once known. */
export function decodeProgressText(p: DecodeProgressSample, rate: DecodeRate): string {
  const head = `decoding images ${p.done}/${p.total}${p.failed ? ` (${p.failed} unreadable)` : ''}`;
  if (rate.imagesPerSecond === null || rate.etaSeconds === null) return head;
  return `${head}, ${rate.imagesPerSecond.toFixed(0)} images/s, about ${secondsText(rate.etaSeconds)} left`;
}
