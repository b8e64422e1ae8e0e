import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * COOP + COEP make the page crossOriginIsolated, which SharedArrayBuffer and so
 * multithreaded WASM need. The service worker adds the same headers to every
 * response it serves (src/sw.ts), so the isolation survives offline.
 */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig({
  plugins: [
    react(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      registerType: 'autoUpdate',
      injectRegister: false,
      injectManifest: {
        // App shell, ORT's wasm and the models: everything the app needs offline.
        globPatterns: ['**/*.{js,mjs,css,html,svg,png,ico,webmanifest,wasm,onnx,json}'],
        // ORT's threaded wasm is ~14-26 MB; the models are a few MB each.
        maximumFileSizeToCacheInBytes: 40 * 1024 * 1024,
      },
      manifest: {
        name: 'Unmark — on-device watermark remover',
        short_name: 'Unmark',
        description: 'Find and remove visible watermarks on your own device. No image leaves it.',
        theme_color: '#14161a',
        background_color: '#14161a',
        display: 'standalone',
        start_url: './',
        scope: './',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-512-maskable.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        file_handlers: [
          {
            action: './',
            accept: {
              'image/jpeg': ['.jpg', '.jpeg'],
              'image/png': ['.png'],
              'image/webp': ['.webp'],
            },
          },
        ],
      },
      devOptions: { enabled: false },
    }),
  ],
  worker: { format: 'es' },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 2000 },
  // Both load their .wasm next to their own module (import.meta.url); pre-bundling would move the module away from it.
  optimizeDeps: { exclude: ['onnxruntime-web', '@jsquash/webp'] },
});
