/// <reference lib="webworker" />
// Auto-layout off the UI thread: laying out ResNet-152 takes long enough to drop frames.
import { runLayout } from './elk-layout';
import type { LayoutRequest } from './protocol';

self.onmessage = (ev: MessageEvent<LayoutRequest>) => {
  void runLayout(ev.data).then((res) => self.postMessage(res));
};
