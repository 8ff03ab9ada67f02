/**
 * Decodes every image once without caching anything, to list the unreadable ones (the dataset
 * command without --input). A full decode is needed: truncation shows only at the end of the data.
 */
import os from 'node:os';
import { decodeImage, ImageDecodeFailure, type DecodeSpec } from './decode';
import { mapLimit } from './pool';
import type { FileIssue } from './errors';
import type { ImageEntry } from './scan';

const PROBE: DecodeSpec = { channels: 1, height: 8, width: 8, resize: 'stretch' };

export async function findUnreadable(
  files: readonly ImageEntry[],
  opts: { concurrency?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<FileIssue[]> {
  const bad: Array<FileIssue | null> = await mapLimit(files, opts.concurrency ?? os.availableParallelism(), async (f, i) => {
    try {
      await decodeImage(f.path, PROBE);
      return null;
    } catch (e) {
      if (e instanceof ImageDecodeFailure) return { path: f.path, reason: e.reason };
      throw e;
    } finally {
      opts.onProgress?.(i + 1, files.length);
    }
  });
  return bad.filter((b): b is FileIssue => b !== null);
}
