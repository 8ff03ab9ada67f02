/**
 * Per-channel mean and standard deviation of uint8 images, exactly.
 *
 * Each sample contributes integer sums S_c = sum(x) and Q_c = sum(x^2) over its pixels (x in
 * 0..255; a 4096x4096 sample keeps Q below 2^53, so a float64 holds it exactly). Totals are
 * accumulated as BigInt, so
 *   mean_c = S / (255 n)
 *   var_c  = (n Q - S^2) / (255 n)^2      (population variance, as torchvision recipes compute it)
 * has no rounding until the final division: no catastrophic cancellation, however many images.
 */

/** Writes sum and sum of squares per channel of one CHW uint8 sample into sum[c], sq[c]. */
export function sampleSums(src: Uint8Array, offset: number, channels: number, plane: number, sum: number[], sq: number[]): void {
  for (let c = 0; c < channels; c++) {
    let s = 0;
    let q = 0;
    const base = offset + c * plane;
    for (let i = 0; i < plane; i++) {
      const v = src[base + i]!;
      s += v;
      q += v * v;
    }
    sum[c] = s;
    sq[c] = q;
  }
}

export interface ChannelStats {
  mean: number[];
  std: number[];
  /** pixels per channel that went into the figures */
  pixels: number;
}

export class ChannelStatsAccumulator {
  private readonly s: bigint[];
  private readonly q: bigint[];
  private samples = 0;

  constructor(
    readonly channels: number,
    readonly plane: number,
  ) {
    this.s = new Array<bigint>(channels).fill(0n);
    this.q = new Array<bigint>(channels).fill(0n);
  }

  addSums(sum: readonly number[], sq: readonly number[]): void {
    for (let c = 0; c < this.channels; c++) {
      this.s[c]! += BigInt(sum[c] ?? 0);
      this.q[c]! += BigInt(sq[c] ?? 0);
    }
    this.samples++;
  }

  addSample(src: Uint8Array, offset: number): void {
    const sum: number[] = [];
    const sq: number[] = [];
    sampleSums(src, offset, this.channels, this.plane, sum, sq);
    this.addSums(sum, sq);
  }

  result(): ChannelStats {
    const n = BigInt(this.samples) * BigInt(this.plane);
    const mean: number[] = [];
    const std: number[] = [];
    for (let c = 0; c < this.channels; c++) {
      if (n === 0n) {
        mean.push(0);
        std.push(1);
        continue;
      }
      const S = this.s[c]!;
      const num = n * this.q[c]! - S * S; // exact, >= 0
      const nn = Number(n);
      mean.push(Number(S) / (255 * nn));
      std.push(Math.sqrt(Number(num)) / (255 * nn));
    }
    return { mean, std, pixels: Number(n) };
  }
}
