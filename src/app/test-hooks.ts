/** `window.__unmark` for the end-to-end tests. */
import { countMasked } from '../engine/mask';
import { getDocData } from './documents';
import { getUi } from './store';

export interface UnmarkTestHooks {
  maskCount(): number;
  zoom(): number;
}

declare global {
  interface Window {
    __unmark?: UnmarkTestHooks;
  }
}

export function installTestHooks(): void {
  window.__unmark = {
    maskCount: () => {
      const doc = getDocData(getUi().activeId);
      return doc ? countMasked(doc.mask) : 0;
    },
    zoom: () => {
      const s = getUi();
      return s.activeId ? (s.views[s.activeId]?.scale ?? 0) : 0;
    },
  };
}
