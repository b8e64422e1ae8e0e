/// <reference lib="webworker" />
/**
 * Service worker: precaches the app shell, ORT's wasm and the models, so the
 * app works offline after the first visit. Every response it serves carries
 * COOP/COEP: without them an offline page would lose crossOriginIsolated and
 * with it multithreaded WASM.
 */
import { clientsClaim } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<{ url: string; revision: string | null } | string>;
};

function withIsolation(response: Response): Response {
  if (response.type === 'opaque' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

self.skipWaiting();
clientsClaim();
cleanupOutdatedCaches();
addPlugins([{ handlerWillRespond: async ({ response }) => withIsolation(response) }]);
// Query strings (?backend=wasm) must not defeat the precache.
precacheAndRoute(self.__WB_MANIFEST, { ignoreURLParametersMatching: [/.*/] });
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));
