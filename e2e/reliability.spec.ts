/**
 * Issue 11 in the browser: alpha kept exactly, a corrupt or half-downloaded
 * model shown, WebP orientation, the size checked before reading. Pixels are
 * checked in Node with sharp (node-pixels.ts), never with the app's decoder.
 */
import { open, rm } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import {
  afterMaskChange,
  byTestId,
  download,
  drag,
  fixtureBytes,
  fixturePath,
  imageToPage,
  loadFixture,
  maskCount,
  openApp,
  removeWith,
  waitForModels,
  crashEngineWorkerOnNextCall,
} from './helpers';
import { outsideMask } from './node-pixels';

/** 382×320 RGBA: alpha ramps 0..255 across x, colour varies everywhere, including under α = 0. */
async function rgbaGradientPng(): Promise<Buffer> {
  const w = 382;
  const h = 320;
  const raw = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      raw[o] = (x * 5 + y) & 255;
      raw[o + 1] = (y * 3 + 17) & 255;
      raw[o + 2] = (x + y * 7) & 255;
      raw[o + 3] = Math.round((x / (w - 1)) * 255);
    }
  }
  return sharp(raw, { raw: { width: w, height: h, channels: 4 } }).png().toBuffer();
}

// RGBA PNG (fast-png), RGBA WebP (libwebp in WASM), and an opaque RGB PNG (the browser's own decoder).
for (const variant of ['RGBA PNG', 'RGBA WebP', 'opaque PNG'] as const) {
  test(`item 1: an ${variant} keeps every value outside the mask, RGB under α = 0 included (checked with sharp)`, async ({ page }) => {
    await openApp(page);
    const png = await rgbaGradientPng();
    const input =
      variant === 'RGBA PNG'
        ? png
        : variant === 'RGBA WebP'
          ? await sharp(png).webp({ lossless: true, exact: true }).toBuffer()
          : await sharp(png).removeAlpha().png().toBuffer();
    const format = variant === 'RGBA WebP' ? 'webp' : 'png';
    await byTestId(page, 'file-input').setInputFiles({ name: `ramp.${format}`, mimeType: `image/${format}`, buffer: input });
    await expect(byTestId(page, 'doc-item')).toHaveCount(1);
    const toPage = await imageToPage(page, { width: 382, height: 320 });
    expect(await afterMaskChange(page, () => drag(page, [toPage(150, 150), toPage(230, 170)]))).toBeGreaterThan(0);
    await removeWith(page, 'telea');
    const result = await download(page, 'download-button');
    const mask = await download(page, 'download-mask-button');
    const s = await outsideMask(input, result.bytes, mask.bytes);
    test.info().annotations.push({ type: 'alpha', description: JSON.stringify(s) });
    expect(s.inside).toBeGreaterThan(0);
    expect(s.outside).toBeGreaterThan(100_000);
    expect(s.outsideChanged, `values changed outside the mask (${s.hiddenRgbChanged} of them RGB under α = 0), first ${JSON.stringify(s.firstChange)}`).toBe(0);
  });
}

test('item 3: a WebP with EXIF orientation 6 opens turned, and its pixels match sharp', async ({ page }) => {
  await openApp(page);
  const stored = sharp(await rgbaGradientPng()).removeAlpha().resize(300, 200);
  const input = await stored.webp({ lossless: true }).withMetadata({ orientation: 6 }).toBuffer();
  await byTestId(page, 'file-input').setInputFiles({ name: 'turned.webp', mimeType: 'image/webp', buffer: input });
  const doc = byTestId(page, 'doc-item').first();
  await expect(doc.locator('.doc-select')).toHaveAttribute('title', /200×300/);
  const toPage = await imageToPage(page, { width: 200, height: 300 });
  await afterMaskChange(page, () => drag(page, [toPage(60, 100), toPage(140, 120)]));
  await removeWith(page, 'telea');
  const s = await outsideMask(input, (await download(page, 'download-button')).bytes, (await download(page, 'download-mask-button')).bytes);
  expect([s.width, s.height]).toEqual([200, 300]);
  expect(s.outsideChanged, JSON.stringify(s.firstChange)).toBe(0);
});

test('item 4: a 3 GB file is refused by its size, without reading it', async ({ page }, testInfo) => {
  await openApp(page);
  // Sparse: no disk used. Playwright hands the browser the path, so nothing is read unless the app reads it.
  const file = testInfo.outputPath('huge.png');
  const fh = await open(file, 'w');
  await fh.write(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  await fh.truncate(3 * 1024 ** 3);
  await fh.close();
  const t0 = Date.now();
  await byTestId(page, 'file-input').setInputFiles(file);
  const toast = byTestId(page, 'error-toast');
  await expect(toast).toHaveCount(1, { timeout: 20_000 });
  await expect(toast).toHaveAttribute('data-code', 'E_FILE_TOO_LARGE');
  expect(Date.now() - t0).toBeLessThan(10_000);
  await rm(file);
});

/** Serves `file` from public/models with `change` applied to its bytes. */
async function tamperModel(page: import('@playwright/test').Page, file: string, change: (b: Buffer) => Buffer): Promise<void> {
  await page.route(`**/models/${file}`, async (route) => {
    const res = await route.fetch();
    const body = change(await res.body());
    await route.fulfill({ status: 200, headers: { ...res.headers(), 'content-length': String(body.length) }, body });
  });
}

test('item 2: one model with one flipped byte is named, with what still works', async ({ page }) => {
  await tamperModel(page, 'ppocr-v4-det.onnx', (b) => {
    const c = Buffer.from(b);
    c[c.length >> 1] ^= 0x01;
    return c;
  });
  await page.goto('/?backend=wasm');
  await waitForModels(page);
  const item = byTestId(page, 'model-warning-item');
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('data-model', 'ppocr-v4-det');
  await expect(item).toHaveAttribute('data-code', 'E_MODEL_HASH_MISMATCH');
  await expect(byTestId(page, 'model-warning-still-works')).toContainText('Detection uses wm-detector only');
  await expect(byTestId(page, 'status')).toContainText('not usable');
});

test('fault: a model served cut off halfway is named (E_MODEL_SIZE_MISMATCH), the rest works', async ({ page }) => {
  await tamperModel(page, 'wm-remover.onnx', (b) => b.subarray(0, b.length >> 1));
  await page.goto('/?backend=wasm');
  await waitForModels(page);
  const item = byTestId(page, 'model-warning-item');
  await expect(item).toHaveAttribute('data-model', 'wm-remover');
  await expect(item).toHaveAttribute('data-code', 'E_MODEL_SIZE_MISMATCH');
  await expect(byTestId(page, 'model-warning-still-works')).toContainText('classical method');
});

test('item 9: past the memory budget an image is refused with E_MEMORY_BUDGET; closing one makes room', async ({ page }) => {
  // photo-text.png is 640×480: about 2.5 MB each by the estimate; a 6 MB budget holds two.
  await openApp(page, { query: 'maxMemMB=6' });
  const docs = byTestId(page, 'doc-item');
  for (let i = 0; i < 2; i++) {
    await byTestId(page, 'file-input').setInputFiles(fixturePath('photo-text.png'));
    await expect(docs).toHaveCount(i + 1);
  }
  await byTestId(page, 'file-input').setInputFiles(fixturePath('photo-text.png'));
  const toast = byTestId(page, 'error-toast');
  await expect(toast).toHaveAttribute('data-code', 'E_MEMORY_BUDGET');
  await expect(toast).toContainText('Close some images');
  await expect(docs).toHaveCount(2);
  await toast.getByRole('button').click();
  await docs.first().getByRole('button', { name: /^Close/ }).click();
  await expect(docs).toHaveCount(1);
  await byTestId(page, 'file-input').setInputFiles(fixturePath('photo-text.png'));
  await expect(docs).toHaveCount(2);
  await expect(toast).toHaveCount(0);
});

test('fault: the worker dies in the middle of a removal: image, mask and history survive, the next run works', async ({ page }) => {
  await openApp(page);
  await loadFixture(page, 'photo-text.png');
  const toPage = await imageToPage(page, { width: 640, height: 480 });
  const painted = await afterMaskChange(page, () => drag(page, [toPage(150, 260), toPage(480, 290)]));
  expect(painted).toBeGreaterThan(0);
  await crashEngineWorkerOnNextCall(page);
  await byTestId(page, 'method-select').selectOption('telea');
  await byTestId(page, 'remove-button').click();
  const toast = byTestId(page, 'error-toast');
  await expect(toast).toHaveAttribute('data-code', 'E_WORKER_CRASHED', { timeout: 30_000 });
  await expect(byTestId(page, 'viewport')).not.toHaveAttribute('data-has-result', 'true');
  await expect(byTestId(page, 'doc-item')).toHaveCount(1);
  expect(await maskCount(page)).toBe(painted);
  await toast.getByRole('button').click();
  // History: the stroke can be undone and redone.
  await page.keyboard.press('Control+z');
  await expect.poll(() => maskCount(page)).toBe(0);
  await page.keyboard.press('Control+Shift+z');
  await expect.poll(() => maskCount(page)).toBe(painted);
  // The next run works, on a new worker that got the image back from the kept file.
  await removeWith(page, 'telea');
  const s = await outsideMask(await fixtureBytes('photo-text.png'), (await download(page, 'download-button')).bytes, (await download(page, 'download-mask-button')).bytes);
  expect(s.inside).toBeGreaterThan(0);
  expect(s.outsideChanged).toBe(0);
});

test.describe('storage quota', () => {
  test.use({ serviceWorkers: 'allow' });

  test('fault: Cache storage over quota: offline use is reported unavailable, the app works online', async ({ page, context }) => {
    // Every Cache write in the service worker fails as a full disk makes it fail.
    await context.route('**/sw.js', async (route) => {
      const res = await route.fetch();
      const patch = `{ const full = () => Promise.reject(new DOMException('injected: quota exceeded', 'QuotaExceededError'));
        Cache.prototype.put = full; Cache.prototype.add = full; Cache.prototype.addAll = full; }\n`;
      await route.fulfill({ response: res, body: patch + (await res.text()) });
    });
    await openApp(page);
    await expect(byTestId(page, 'offline-state')).toHaveAttribute('data-state', 'unavailable', { timeout: 60_000 });
    expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
    await loadFixture(page, 'photo-text.png');
    const toPage = await imageToPage(page, { width: 640, height: 480 });
    await afterMaskChange(page, () => drag(page, [toPage(150, 260), toPage(480, 290)]));
    await removeWith(page, 'telea');
  });

  test('without the fault the same page says it works offline', async ({ page }) => {
    await openApp(page);
    await expect(byTestId(page, 'offline-state')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  });
});
