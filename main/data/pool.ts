/**
 * Runs fn over items with at most `limit` in flight; results keep the items' order. After the
 * first failure no new item starts, and the promise rejects with that failure once the ones in
 * flight have settled (so nothing is still writing when the caller cleans up).
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (!failure) {
      const i = next++;
      if (i >= items.length) return;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const n = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: n }, worker));
  if (failure) throw (failure as { error: unknown }).error;
  return out;
}

/**
 * Loads items ahead of a consumer that asks for them in increasing index order (as mapLimit does):
 * get(i) returns item i's load, and starts the loads of the items after it, at most `depth` items
 * and `maxBytes` (by `bytesOf`) past the one asked for. Why: file reads and decodes share
 * libuv's thread pool; a decode slot that first queues its file's reads behind the decodes in
 * flight idles for a while, one whose bytes are already read does not.
 * Loads that fail reject only when their item is asked for; loads nobody asks for (after a
 * failure or a cancel) are left to finish and dropped.
 */
export function readAhead<T, P>(
  items: readonly T[],
  opts: { depth: number; maxBytes: number; bytesOf: (item: T) => number },
  load: (item: T) => Promise<P>,
): (i: number) => Promise<P> {
  const started = new Map<number, Promise<P>>();
  // Bytes of the loads started and not yet asked for.
  let bytes = 0;
  let next = 0;
  return (i) => {
    next = Math.max(next, i);
    while (next < items.length && next <= i + opts.depth && (next === i || bytes + opts.bytesOf(items[next]!) <= opts.maxBytes)) {
      const p = load(items[next]!);
      p.catch(() => undefined);
      started.set(next, p);
      bytes += opts.bytesOf(items[next]!);
      next++;
    }
    const p = started.get(i);
    if (!p) return load(items[i]!);
    started.delete(i);
    bytes -= opts.bytesOf(items[i]!);
    return p;
  };
}
