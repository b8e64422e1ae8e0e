import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { offlineUnavailable, watchOffline } from './app/offline';
import { installTestHooks } from './app/test-hooks';
import { initLanguage } from './app/i18n';
import './app/styles.css';
import './app/workspace.css';
import './app/batch.css';

installTestHooks();

// The service worker (src/sw.ts, built by vite-plugin-pwa) only exists in production builds.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker
      .register(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL })
      .then(watchOffline)
      // Offline support is a bonus; the app works without it, and says so.
      .catch(offlineUnavailable);
  });
}

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
// The first render waits for the language: the words, <html lang> and so the number format agree from the start.
void initLanguage().then(() =>
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
