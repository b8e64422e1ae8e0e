import { defineConfig } from '@playwright/test';

/**
 * Browser tests run against the production build (`vite build` first), served by
 * `vite preview`, which sends COOP/COEP so the page is crossOriginIsolated.
 * E2E_PORT and E2E_DIST (a build made with `vite build --outDir X`) let a
 * developer run them beside other servers and builds.
 *
 * They drive Debian's Chromium (/usr/bin/chromium; CHROMIUM_PATH overrides), never
 * Playwright's downloaded browsers. The machines are small and shared: one worker,
 * long timeouts, because the first model load compiles ORT's wasm.
 */
const PORT = Number(process.env.E2E_PORT ?? 4173);
// E2E_DIST serves another build folder, so a private build is not overwritten by
// someone else's `vite build` into dist/ halfway through a run.
const OUT_DIR = process.env.E2E_DIST ? ` --outDir ${JSON.stringify(process.env.E2E_DIST)}` : '';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  // No retries: a test that passes on the second try is a bug we want to see.
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    acceptDownloads: true,
    // The service worker precaches ~30 MB (ORT's wasm + models). Only the specs
    // that test it (offline, privacy) turn it on with test.use({ serviceWorkers: 'allow' }).
    serviceWorkers: 'block',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort${OUT_DIR}`,
    url: `http://localhost:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
