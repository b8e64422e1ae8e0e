/**
 * Whether the app really works offline: the service worker installed and
 * precached everything. When storage is refused (quota exceeded, a private
 * window) the install fails and the worker becomes redundant; the app keeps
 * working online and says offline use is unavailable instead of claiming it.
 */
import { update, type OfflineState } from './store';

export function watchOffline(reg: ServiceWorkerRegistration): void {
  const settle = () => {
    if (reg.active && !reg.installing && !reg.waiting) update('ui', { offline: 'ready' });
  };
  const track = (sw: ServiceWorker | null) => {
    if (!sw) return;
    sw.addEventListener('statechange', () => {
      if (sw.state === 'activated') update('ui', { offline: 'ready' });
      // A failed install of the first worker: nothing is cached. (A failed update keeps the old one.)
      if (sw.state === 'redundant' && !reg.active) update('ui', { offline: 'unavailable' });
    });
  };
  track(reg.installing ?? reg.waiting);
  reg.addEventListener('updatefound', () => track(reg.installing));
  settle();
}

export function offlineUnavailable(): void {
  update('ui', { offline: 'unavailable' });
}
