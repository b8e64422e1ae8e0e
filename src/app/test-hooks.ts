/** `window.__unmark` for the end-to-end tests. */
import { getUi } from './store';
import { engine } from './engine';
import type { EngineStats } from '../worker/engine.worker';

export interface UnmarkTestHooks {
  /** Masked pixels of the active image, as the worker last reported them (with the maskVersion). */
  maskCount(): number;
  zoom(): number;
  /** What the worker holds (documents, results, masks, their bytes): the memory bench records it. */
  engineStats(): Promise<EngineStats>;
}

declare global {
  interface Window {
    __unmark?: UnmarkTestHooks;
  }
}

export function installTestHooks(): void {
  window.__unmark = {
    maskCount: () => {
      const s = getUi();
      return s.docs.find((d) => d.id === s.activeId)?.maskCount ?? 0;
    },
    zoom: () => {
      const s = getUi();
      return s.activeId ? (s.views[s.activeId]?.scale ?? 0) : 0;
    },
    engineStats: () => engine().stats(),
  };
}
