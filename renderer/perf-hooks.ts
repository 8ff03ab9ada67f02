/**
 * A small window hook for the performance bench (bench/editor-perf.ts) and e2e tests: read the
 * analysis timings and the current document without scraping the DOM.
 */
import { useAnalysis } from './state/analysis';
import { useDoc } from './state/document';
import { useUi } from './state/ui';

declare global {
  interface Window {
    __cnnStudio?: {
      analysisTimings(): number[];
      nodeCount(): number;
      docJson(): string;
      setTheme(t: 'light' | 'dark'): void;
      lastLayoutMs(): number | null;
    };
  }
}

export function exposePerfHooks(): void {
  window.__cnnStudio = {
    analysisTimings: () => [...useAnalysis.getState().timings],
    nodeCount: () => useDoc.getState().doc.nodes.length,
    docJson: () => JSON.stringify(useDoc.getState().doc),
    setTheme: (t) => useUi.getState().setTheme(t),
    lastLayoutMs: () => lastLayout.ms,
  };
}

/** Written by auto-layout: how long elk took in the worker, for the bench. */
export const lastLayout: { ms: number | null } = { ms: null };
