import { expect, test, type Response } from '@playwright/test';
import { afterMaskChange, byTestId, compareEdit, detect, download, fixtureBytes, loadFixture, maskCount, openApp, removeWith, waitForModels } from './helpers';

// This spec is about the service worker, so let it run (the config blocks it elsewhere).
test.use({ serviceWorkers: 'allow' });

test('after one online visit the app works offline: shell, isolation, models, detect, remove, download', async ({ page, context, baseURL }) => {
  await openApp(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  // ready resolves once the worker is active, i.e. after install precached everything.
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(scope).toBe(`${baseURL}/`);
  // clientsClaim() makes it control this page without a reload.
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null)).toMatch(/\/sw\.js$/);

  await context.setOffline(true);
  const responses: Response[] = [];
  page.on('response', (r) => responses.push(r));
  const failed: string[] = [];
  page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));

  await page.reload();
  await waitForModels(page);
  // Chromium 150 with Playwright 1.65 reports navigator.onLine true on a page reloaded in an
  // offline context (main at c1bdd59 fails the same way on this browser): the emulated flag is
  // the browser's, not ours. Being offline is proven below, by a fetch the service worker
  // cannot answer; the flag is only recorded here.
  test.info().annotations.push({ type: 'navigator.onLine after offline reload', description: String(await page.evaluate(() => navigator.onLine)) });
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

  // Really offline: a URL the service worker does not have cannot be fetched.
  const probe = await page.evaluate(async () => {
    try {
      const r = await fetch(`/__not-precached-${Date.now()}.txt`, { cache: 'no-store' });
      return `status ${r.status}`;
    } catch (e) {
      return `error ${String(e)}`;
    }
  });
  expect(probe).toMatch(/^error/);

  // Everything the page loaded came from the service worker.
  expect(responses.length).toBeGreaterThan(0);
  const notFromSw = responses.filter((r) => !r.fromServiceWorker() && !r.url().startsWith('data:') && !r.url().startsWith('blob:'));
  expect(notFromSw.map((r) => r.url())).toEqual([]);
  expect(failed.filter((f) => !f.includes('__not-precached-'))).toEqual([]);

  // The whole flow, offline.
  const name = 'photo-text.jpg';
  await loadFixture(page, name);
  await detect(page);
  expect(await maskCount(page)).toBeGreaterThan(0);
  await removeWith(page, 'telea');
  const result = await download(page, 'download-button');
  expect(result.name).toBe('photo-text-clean.png');
  const mask = await download(page, 'download-mask-button');
  const stats = await compareEdit(page, await fixtureBytes(name), result.bytes, mask.bytes);
  expect(stats.outsideChanged).toBe(0);
  expect(stats.insideChanged).toBeGreaterThan(0);

  // Editing still works offline too.
  await byTestId(page, 'mask-clear').click();
  await expect.poll(() => maskCount(page)).toBe(0);
  expect(await afterMaskChange(page, () => page.keyboard.press('Control+z'))).toBeGreaterThan(0);
});
