/**
 * Reads samples (fixed-size records) from a decode cache data file: from memory when the file
 * fits the budget (read once), otherwise per call at sample offsets, consecutive slots in one read.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { mapLimit } from './pool';

export interface SampleReader {
  inMemory: boolean;
  io: { reads: number; bytesRead: number };
  /** Copies the samples in `slots` into out (sample i at i * sampleBytes). */
  read(slots: ArrayLike<number>, out: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** `written`: the file's contents when the caller has just written them (no second read of the file). */
export async function openSampleReader(dataPath: string, slotCount: number, sb: number, budget: number, written: Buffer | null = null): Promise<SampleReader> {
  const bytes = slotCount * sb;
  let mem: Buffer | null = null;
  let fh: FileHandle | null = null;
  const io = { reads: 0, bytesRead: 0 };
  if (written && written.length !== bytes) throw new Error(`decode cache ${dataPath}: ${written.length} bytes written, ${bytes} expected`);
  if (written) mem = written;
  else if (bytes <= budget) {
    mem = await fs.readFile(dataPath);
    io.reads++;
    io.bytesRead += mem.length;
  } else {
    fh = await fs.open(dataPath, 'r');
  }

  const read = async (slots: ArrayLike<number>, out: Uint8Array): Promise<void> => {
    const n = slots.length;
    if (out.length < n * sb) throw new RangeError(`read: output holds ${out.length} bytes, ${n} samples need ${n * sb}`);
    for (let i = 0; i < n; i++) {
      const s = slots[i]!;
      if (!(s >= 0 && s < slotCount)) throw new RangeError(`read: slot ${s} is outside the cache (${slotCount} slots)`);
    }
    if (mem) {
      for (let i = 0; i < n; i++) out.set(mem.subarray(slots[i]! * sb, (slots[i]! + 1) * sb), i * sb);
      return;
    }
    if (!fh) throw new Error(`decode cache ${dataPath} is closed`);
    const handle = fh;
    // Sort by slot and read runs of consecutive slots with one call each.
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => slots[a]! - slots[b]!);
    const runs: Array<[number, number]> = [];
    for (let i = 0; i < n;) {
      let j = i + 1;
      while (j < n && slots[order[j]!]! === slots[order[j - 1]!]! + 1) j++;
      runs.push([i, j]);
      i = j;
    }
    await mapLimit(runs, 8, async ([i, j]) => {
      const len = (j - i) * sb;
      const buf = Buffer.allocUnsafe(len);
      const { bytesRead } = await handle.read(buf, 0, len, slots[order[i]!]! * sb);
      if (bytesRead !== len) throw new Error(`decode cache ${dataPath} is truncated (read ${bytesRead} of ${len} bytes)`);
      io.reads++;
      io.bytesRead += len;
      for (let k = i; k < j; k++) out.set(buf.subarray((k - i) * sb, (k - i + 1) * sb), order[k]! * sb);
    });
  };

  return {
    inMemory: mem !== null,
    io,
    read,
    close: async () => {
      mem = null;
      if (fh) {
        const h = fh;
        fh = null;
        await h.close();
      }
    },
  };
}
