/**
 * int64 values as protobufjs hands them over: a plain number, or a Long-like {low, high} when the
 * `long` package is present (Node), or a decimal string. These helpers convert without assuming
 * which one the environment produced.
 */

/** What protobufjs's writer accepts for an int64 field without needing the `long` package. */
export interface LongBitsLike {
  low: number;
  high: number;
  unsigned: boolean;
}

interface LongLike {
  low: number;
  high: number;
  unsigned?: boolean;
}

function isLongLike(v: unknown): v is LongLike {
  return typeof v === 'object' && v !== null && typeof (v as LongLike).low === 'number' && typeof (v as LongLike).high === 'number';
}

export function int64ToBigInt(v: unknown): bigint {
  if (typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string') {
    try {
      return BigInt(v);
    } catch {
      return 0n;
    }
  }
  if (isLongLike(v)) {
    const bits = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
    return v.unsigned ? bits : BigInt.asIntN(64, bits);
  }
  return 0n;
}

/** Lossy above 2^53, as any JS number is; callers that need exact values use int64ToBigInt. */
export function int64ToNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  return Number(int64ToBigInt(v));
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** Saturates, so Number(2^63) (what INT64_MAX becomes as a JS number) encodes as INT64_MAX. */
export function toLongBits(v: number | bigint): LongBitsLike {
  let b: bigint;
  if (typeof v === 'bigint') b = v;
  else if (Number.isNaN(v)) b = 0n;
  else if (v >= 2 ** 63) b = INT64_MAX;
  else if (v <= -(2 ** 63)) b = INT64_MIN;
  else b = BigInt(Math.trunc(v));
  if (b > INT64_MAX) b = INT64_MAX;
  if (b < INT64_MIN) b = INT64_MIN;
  const u = BigInt.asUintN(64, b);
  return { low: Number(u & 0xffffffffn) | 0, high: Number(u >> 32n) | 0, unsigned: false };
}
