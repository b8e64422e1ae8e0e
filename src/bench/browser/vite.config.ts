/**
 * Builds the speed-benchmark page with the real worker into bench-out/browser-dist
 * and previews it on :4174 with the same isolation headers as the app (threads
 * need crossOriginIsolated). `public/` (models included) is served as in the app.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig({
  root: here('.'),
  publicDir: here('../../../public'),
  logLevel: 'warn',
  worker: { format: 'es' },
  build: { outDir: here('../../../bench-out/browser-dist'), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4000 },
  server: { headers: isolationHeaders },
  preview: { port: 4174, strictPort: true, headers: isolationHeaders },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
});
