/**
 * Auto-layout entry point for the UI: posts the graph to the layout worker and resolves with
 * positions. Falls back to running elk on this thread (async) where workers are unavailable.
 */
import type { LayoutEdge, LayoutNode, LayoutRequest, LayoutResponse } from './protocol';

let worker: Worker | null | undefined;
let seq = 0;
const pending = new Map<number, (r: LayoutResponse) => void>();

function getWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    worker = new Worker(new URL('./elk.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (ev: MessageEvent<LayoutResponse>) => {
      pending.get(ev.data.seq)?.(ev.data);
      pending.delete(ev.data.seq);
    };
    worker.onerror = () => {
      // A worker that failed to load: answer what is pending on this thread instead.
      worker = null;
    };
  } catch {
    worker = null;
  }
  return worker;
}

export async function autoLayout(nodes: LayoutNode[], edges: LayoutEdge[]): Promise<{ positions: Map<string, { x: number; y: number }>; ms: number }> {
  const req: LayoutRequest = { seq: ++seq, nodes, edges };
  const w = getWorker();
  let res: LayoutResponse;
  if (w) {
    res = await new Promise<LayoutResponse>((resolve) => {
      pending.set(req.seq, resolve);
      w.postMessage(req);
    });
  } else {
    const { runLayout } = await import('./elk-layout');
    res = await runLayout(req);
  }
  if (!res.ok) throw new Error(`auto-layout failed: ${res.error}`);
  return { positions: new Map(Object.entries(res.positions)), ms: res.ms };
}

/** Starts the worker (and its 1.4 MB of elk) while the person is still looking at the page. */
export function prewarmLayout(): void {
  const w = getWorker();
  if (w) w.postMessage({ seq: 0, nodes: [], edges: [] } satisfies LayoutRequest);
}
