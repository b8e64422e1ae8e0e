#!/usr/bin/env node
/**
 * Makes docs/screenshot.png: the app with an image open, detection run and the
 * mask overlay visible.
 *
 *   npx vite build && node scripts/screenshot.mjs
 *
 * Serves dist/ (or SCREENSHOT_DIST) with `vite preview` on a spare port, drives Debian's Chromium
 * (CHROMIUM_PATH overrides /usr/bin/chromium) with the WASM backend, opens
 * e2e/fixtures/photo-text.jpg and clicks Detect.
 */
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.SCREENSHOT_PORT ?? 4179);
const out = join(root, 'docs', 'screenshot.png');
const fixture = join(root, 'e2e', 'fixtures', 'photo-text.jpg');
// Another build folder (vite build --outDir X) can be served instead of dist/.
const distDir = process.env.SCREENSHOT_DIST ?? join(root, 'dist');

async function waitForServer(url, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up in ${timeoutMs} ms`);
}

async function main() {
  if (!existsSync(join(distDir, 'index.html'))) {
    throw new Error(`${distDir} has no build: run \`npx vite build\` first`);
  }
  const server = spawn(join(root, 'node_modules', '.bin', 'vite'), ['preview', '--port', String(port), '--strictPort', '--outDir', distDir], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    const base = `http://localhost:${port}`;
    await waitForServer(base, 30_000);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(`${base}/?backend=wasm`);
    const t = { timeout: 180_000 };
    await page.getByTestId('backend-badge').filter({ hasText: 'WASM' }).waitFor(t);
    await page.getByTestId('model-progress').waitFor({ state: 'hidden', ...t });
    await page.getByTestId('file-input').setInputFiles(fixture);
    await page.getByTestId('doc-item').first().waitFor(t);
    await page.getByTestId('detect-button').click();
    await page.getByTestId('region-item').first().waitFor(t);
    await page.waitForFunction(() => (window.__unmark?.maskCount() ?? 0) > 0, null, t);
    await page.locator('[data-testid="status"][data-state="idle"], [data-testid="status"][data-state="done"]').waitFor(t);
    // Let the overlay's next frame land.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await mkdir(dirname(out), { recursive: true });
    await page.screenshot({ path: out });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
    server.kill('SIGTERM');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
