/**
 * Registers the service worker (production builds only). It precaches the app,
 * ORT's wasm and the models, and re-adds the isolation headers offline.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`, { type: 'module', scope: import.meta.env.BASE_URL }).catch((e: unknown) => {
      // Offline support is an enhancement: the app still works without it.
      console.warn('Service worker registration failed', e);
    });
  });
}
