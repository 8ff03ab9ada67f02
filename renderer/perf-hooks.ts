/**
 * A small window hook for the performance bench (bench/editor-perf.ts) and e2e tests: read the
 * analysis timings and the current document without scraping the DOM.
 */
import { useAnalysis } from './state/analysis';
import { useDoc } from './state/document';

declare global {
  interface Window {
    __cnnStudio?: {
      analysisTimings(): number[];
      nodeCount(): number;
      docJson(): string;
    };
  }
}

export function exposePerfHooks(): void {
  window.__cnnStudio = {
    analysisTimings: () => [...useAnalysis.getState().timings],
    nodeCount: () => useDoc.getState().doc.nodes.length,
    docJson: () => JSON.stringify(useDoc.getState().doc),
  };
}
