import { expect, test, type Request } from '@playwright/test';
import { afterMaskChange, detect, download, drag, fixtures, imageToPage, loadFixture, openApp, removeWith } from './helpers';

// Let the service worker run so its precache requests are recorded too.
test.use({ serviceWorkers: 'allow' });

test('a full session makes no request outside the app origin', async ({ page, context, baseURL }) => {
  const seen: Array<{ url: string; from: string; method?: string }> = [];
  const record = (from: string) => (r: Request) =>
    seen.push({ url: r.url(), from: r.serviceWorker() ? 'service-worker' : from, method: r.method() });
  // Context-level events include the page, its dedicated workers and (Chromium)
  // the service worker; the page-level ones are recorded as a cross-check.
  context.on('request', record('context'));
  page.on('request', record('page'));
  page.on('websocket', (ws) => seen.push({ url: ws.url(), from: 'websocket' }));
  const bad: string[] = [];
  context.on('response', (r) => {
    if (r.status() >= 400) bad.push(`${r.status()} ${r.url()}`);
  });
  context.on('requestfailed', (r) => bad.push(`failed ${r.url()} ${r.failure()?.errorText ?? ''}`));
  context.on('serviceworker', (sw) => seen.push({ url: sw.url(), from: 'service-worker-script' }));

  await openApp(page);
  await page.evaluate(async () => navigator.serviceWorker.ready);

  const name = 'photo-text.jpg';
  await loadFixture(page, name);
  await detect(page);
  const toPage = await imageToPage(page, { width: fixtures[name].width!, height: fixtures[name].height! });
  await afterMaskChange(page, () => drag(page, [toPage(100, 100), toPage(300, 160)]));
  await removeWith(page, 'telea');
  await download(page, 'download-button');
  await download(page, 'download-mask-button');

  // Resource timing from the page, in case something bypassed the protocol events.
  const timing = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
  for (const url of timing) seen.push({ url, from: 'resource-timing' });

  const origin = new URL(baseURL!).origin;
  const foreign = seen.filter(({ url }) => {
    if (url.startsWith('data:') || url.startsWith('blob:')) return false;
    return new URL(url).origin !== origin;
  });
  expect(foreign, `requests outside ${origin}`).toEqual([]);

  // Nothing is sent anywhere, not even to the app's own server: only reads.
  const writes = seen.filter((r) => r.method !== undefined && r.method !== 'GET' && r.method !== 'HEAD');
  expect(writes, 'requests that could carry data out').toEqual([]);

  // And everything the app asked for exists (a missing icon or chunk shows up here).
  expect(bad).toEqual([]);

  // The recording works: it saw the app, ORT's wasm and the model files,
  // including the ones the engine worker fetches.
  const urls = seen.map((s) => s.url);
  expect(urls.some((u) => u.endsWith('.wasm'))).toBe(true);
  expect(urls.some((u) => u.endsWith('.onnx'))).toBe(true);
  expect(urls.some((u) => u.includes('manifest.json'))).toBe(true);
});
