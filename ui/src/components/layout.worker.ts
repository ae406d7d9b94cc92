/// <reference lib="webworker" />
import { layOut, type LayoutRequest } from './layout.js';

// One request in, its positions out.
self.onmessage = (e: MessageEvent<LayoutRequest>) => {
  self.postMessage(layOut(e.data));
};
