/**
 * Marks in the app: a tiled semi-transparent mark is found by "Find all like
 * this", masked, inverted by removal (pixels outside the mask bit-identical to
 * an independent decode by sharp, the mark's pixels closer to the clean picture
 * than the input), and saved as a mark PNG; a failed estimate keeps the mask
 * and its history.
 */
import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { readFile, writeFile } from 'node:fs/promises';
import type { RgbaImage } from '../src/engine/types';
import { composite, coverage, logoShape, noisePhoto, tiledAlpha } from '../src/engine/mark/testing';
import {
  afterMaskChange,
  byTestId,
  detect,
  download,
  drag,
  expectNoErrorToast,
  imageToPage,
  loadFixture,
  maskCount,
  maskVersion,
  openApp,
  removeWith,
  WORK_TIMEOUT,
} from './helpers';

const W = 640;
const H = 480;

/** The clean picture, the same with a tiled white logo at 45 % over it, and the true α. */
function tiledFixture() {
  const photo = noisePhoto(W, H, 7);
  const { image, alpha } = composite(photo, tiledAlpha(logoShape(70, 40), [128, 0], [37, 84], 0.45), [1, 1, 1]);
  return { photo, image, alpha };
}

async function writePng(path: string, image: RgbaImage): Promise<string> {
  await writeFile(path, await sharp(Buffer.from(image.data.buffer), { raw: { width: image.width, height: image.height, channels: 4 } }).png().toBuffer());
  return path;
}

/** One logo (120×60 box) at 50 % white, placed at each spot: a mark shared by a batch, or scattered copies in one image. */
function placedFixture(seed: number, spots: [number, number][], size = 120) {
  const photo = noisePhoto(W, H, seed);
  const shape = logoShape(size, size / 2);
  return { photo, ...composite(photo, (x, y) => Math.max(...spots.map(([sx, sy]) => coverage(shape, x - sx, y - sy))) * 0.5, [1, 1, 1]) };
}

/** Share of the true mark's pixels (α > 0.05) that a mask PNG covers. */
async function recall(page: Page, alpha: Float32Array): Promise<number> {
  const mask = await greyOf((await download(page, 'download-mask-button')).bytes);
  let truth = 0;
  let covered = 0;
  for (let p = 0; p < alpha.length; p++) {
    if (alpha[p] <= 0.05) continue;
    truth++;
    if (mask[p] > 0) covered++;
  }
  return covered / truth;
}

async function rgbaOf(bytes: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

async function greyOf(bytes: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  return Buffer.from(data.filter((_, i) => i % info.channels === 0));
}

const findLike = (page: Page) => page.getByRole('button', { name: 'Find all like this', exact: true });
const learn = (page: Page) => page.getByRole('button', { name: 'Learn this mark from all images', exact: true });

test('Find all like this masks a tiled mark; removal inverts it and leaves the rest bit-identical', async ({ page }, info) => {
  const { photo, image, alpha } = tiledFixture();
  const marked = await writePng(info.outputPath('tiled-mark.png'), image);

  await openApp(page);
  await byTestId(page, 'file-input').setInputFiles(marked);
  await expect(byTestId(page, 'doc-item')).toHaveCount(1, { timeout: WORK_TIMEOUT });
  await expect(byTestId(page, 'status')).toHaveAttribute('data-state', /^(idle|done)$/, { timeout: WORK_TIMEOUT });

  const count = await afterMaskChange(page, () => findLike(page).click());
  await expectNoErrorToast(page);
  const preview = byTestId(page, 'mark-preview');
  await expect(preview).toBeVisible();
  await expect(preview).toHaveAttribute('data-source', 'repeats');
  const opacity = Number(await preview.getAttribute('data-opacity'));
  expect(opacity).toBeGreaterThan(0.35);
  expect(opacity).toBeLessThan(0.55);
  expect(count).toBeGreaterThan(0);

  // The mask covers the tiled marks: nearly every pixel with α > 0.05, and little of the picture around them.
  const mask = await greyOf((await download(page, 'download-mask-button')).bytes);
  let truth = 0;
  let covered = 0;
  let spill = 0;
  for (let p = 0; p < W * H; p++) {
    if (alpha[p] > 0.05) {
      truth++;
      if (mask[p] > 0) covered++;
    } else if (alpha[p] === 0 && mask[p] > 0) spill++;
  }
  expect(covered / truth).toBeGreaterThan(0.95);
  expect(spill).toBeLessThan(truth);

  await removeWith(page, 'telea');
  await expect(byTestId(page, 'region-methods').locator('[data-method="repeats"]')).toBeVisible();

  const out = await rgbaOf((await download(page, 'download-button')).bytes);
  const input = await rgbaOf(Buffer.from(await sharp(marked).toBuffer()));
  expect([out.width, out.height]).toEqual([W, H]);
  let changedOutside = 0;
  let errIn = 0;
  let errOut = 0;
  for (let p = 0; p < W * H; p++) {
    const o = p * 4;
    if (mask[p] === 0) {
      for (let c = 0; c < 4; c++) if (out.data[o + c] !== input.data[o + c]) changedOutside++;
    } else if (alpha[p] > 0.05) {
      for (let c = 0; c < 3; c++) {
        errIn += Math.abs(input.data[o + c] - photo.data[o + c]);
        errOut += Math.abs(out.data[o + c] - photo.data[o + c]);
      }
    }
  }
  expect(changedOutside).toBe(0);
  // Inversion, not a fill: far closer to the clean picture than the marked input.
  expect(errOut).toBeLessThan(errIn / 4);

  // Saved marks: the estimate goes to IndexedDB and comes back out as a 16-bit PNG (RGB = W, A = α) and its sidecar.
  await byTestId(page, 'save-mark-button').click();
  await expect(byTestId(page, 'saved-mark')).toHaveCount(1);
  const [png, json] = await Promise.all([
    page.waitForEvent('download', { predicate: (d) => d.suggestedFilename().endsWith('.png') }),
    page.waitForEvent('download', { predicate: (d) => d.suggestedFilename().endsWith('.json') }),
    page.getByRole('button', { name: /^Export / }).click(),
  ]);
  const meta = await sharp(await png.path()).metadata();
  expect(meta.depth).toBe('ushort');
  expect(meta.hasAlpha).toBe(true);
  const sidecar = JSON.parse(await readFile(await json.path(), 'utf8')) as { format: string; opacity: number };
  expect(sidecar.format).toBe('unmark-mark');
  expect(Math.abs(sidecar.opacity - opacity)).toBeLessThan(0.01);
  await expectNoErrorToast(page);
});

test('Detect finds every repeat of a tiled mark as one "pattern" region; Remove inverts it', async ({ page }, info) => {
  const { alpha } = tiledFixture();
  const marked = await writePng(info.outputPath('tiled-detect.png'), tiledFixture().image);

  await openApp(page);
  await byTestId(page, 'file-input').setInputFiles(marked);
  await expect(byTestId(page, 'doc-item')).toHaveCount(1, { timeout: WORK_TIMEOUT });
  await detect(page);
  const tiled = byTestId(page, 'region-item').and(page.locator('[data-kind="pattern"][data-verdict="overlay"]'));
  await expect(tiled).toHaveCount(1);
  await expect(byTestId(page, 'mark-preview')).toHaveAttribute('data-source', 'repeats');
  await expect(byTestId(page, 'status')).toContainText('tiled mark');
  expect(await recall(page, alpha)).toBeGreaterThan(0.95);

  await removeWith(page, 'telea');
  await expect(byTestId(page, 'region-methods').locator('[data-method="repeats"]')).toBeVisible();
  await expectNoErrorToast(page);
});

test('Learn this mark from one open image fails with E_MARK_TOO_FEW and keeps the mask and its history', async ({ page }) => {
  await openApp(page);
  await loadFixture(page, 'photo-text.png');
  await byTestId(page, 'tool-box').click();
  const at = await imageToPage(page, { width: 640, height: 480 });
  const boxed = await afterMaskChange(page, () => drag(page, [at(100, 100), at(300, 200)]));
  expect(boxed).toBeGreaterThan(0);
  const version = await maskVersion(page);

  await learn(page).click();
  await expect(byTestId(page, 'error-toast')).toHaveAttribute('data-code', 'E_MARK_TOO_FEW', { timeout: WORK_TIMEOUT });
  await expect(byTestId(page, 'status')).toHaveAttribute('data-state', 'error');
  expect(await maskCount(page)).toBe(boxed);
  expect(await maskVersion(page)).toBe(version);
  await expect(byTestId(page, 'mark-preview')).toHaveCount(0);

  // The box is still the last step in the history: undo takes it off, redo puts it back.
  await byTestId(page, 'undo-button').click();
  await expect.poll(() => maskCount(page)).toBe(0);
  await byTestId(page, 'redo-button').click();
  await expect.poll(() => maskCount(page)).toBe(boxed);
});

test('Find all like this from a drawn box finds scattered copies; removal fits each one', async ({ page }, info) => {
  const { photo, image, alpha } = placedFixture(21, [[40, 30], [420, 60], [150, 260], [480, 370]], 100);
  const file = await writePng(info.outputPath('scattered.png'), image);
  await openApp(page);
  await byTestId(page, 'file-input').setInputFiles(file);
  await expect(byTestId(page, 'doc-item')).toHaveCount(1, { timeout: WORK_TIMEOUT });
  await byTestId(page, 'tool-box').click();
  const at = await imageToPage(page, { width: W, height: H });
  const boxed = await afterMaskChange(page, () => drag(page, [at(34, 24), at(146, 84)]));

  const count = await afterMaskChange(page, () => findLike(page).click());
  await expectNoErrorToast(page);
  await expect(byTestId(page, 'mark-preview')).toHaveAttribute('data-source', 'selection');
  expect(count).toBeGreaterThan(boxed);
  expect(await recall(page, alpha)).toBeGreaterThan(0.9);

  await removeWith(page, 'telea');
  await expect(byTestId(page, 'region-methods').locator('[data-method="one-colour"]')).toBeVisible();
  const out = await rgbaOf((await download(page, 'download-button')).bytes);
  let errIn = 0;
  let errOut = 0;
  for (let p = 0; p < W * H; p++) {
    if (alpha[p] <= 0.05 || p % W < 160) continue; // the copies found by matching, not the one in the box
    for (let c = 0; c < 3; c++) {
      errIn += Math.abs(image.data[p * 4 + c] - photo.data[p * 4 + c]);
      errOut += Math.abs(out.data[p * 4 + c] - photo.data[p * 4 + c]);
    }
  }
  expect(errOut).toBeLessThan(errIn / 2);
});

test('Learn this mark from all images learns one mark over three; saved, exported, imported and found in a new image', async ({ page }, info) => {
  const spots: [number, number][] = [[200, 150], [230, 170], [180, 140]];
  const batch = spots.map((spot, k) => placedFixture(30 + k, [spot]));
  const files = await Promise.all(batch.map((b, k) => writePng(info.outputPath(`batch-${k}.png`), b.image)));
  await openApp(page);
  await byTestId(page, 'file-input').setInputFiles(files);
  await expect(byTestId(page, 'doc-item')).toHaveCount(3, { timeout: WORK_TIMEOUT });
  await expect(byTestId(page, 'status')).toHaveAttribute('data-state', /^(idle|done)$/, { timeout: WORK_TIMEOUT });

  await afterMaskChange(page, () => learn(page).click());
  await expectNoErrorToast(page);
  await expect(byTestId(page, 'mark-preview')).toHaveAttribute('data-source', 'shared');
  // The active document is the last one opened.
  expect(await recall(page, batch[2].alpha)).toBeGreaterThan(0.9);
  await removeWith(page, 'telea');
  await expect(byTestId(page, 'region-methods').locator('[data-method="shared"]')).toBeVisible();

  await byTestId(page, 'save-mark-button').click();
  await expect(byTestId(page, 'saved-mark')).toHaveCount(1);
  const [png, json] = await Promise.all([
    page.waitForEvent('download', { predicate: (d) => d.suggestedFilename().endsWith('.png') }),
    page.waitForEvent('download', { predicate: (d) => d.suggestedFilename().endsWith('.json') }),
    page.getByRole('button', { name: /^Export / }).click(),
  ]);
  const pngPath = info.outputPath('mark.png');
  const jsonPath = info.outputPath('mark.json');
  await png.saveAs(pngPath);
  await json.saveAs(jsonPath);
  await byTestId(page, 'mark-file-input').setInputFiles([pngPath, jsonPath]);
  await expect(byTestId(page, 'saved-mark')).toHaveCount(2);
  await expectNoErrorToast(page);

  // A new image with the mark somewhere else: the imported mark is found there by matching.
  const other = placedFixture(99, [[400, 300]]);
  await byTestId(page, 'file-input').setInputFiles(await writePng(info.outputPath('other.png'), other.image));
  await expect(byTestId(page, 'doc-item')).toHaveCount(4, { timeout: WORK_TIMEOUT });
  await afterMaskChange(page, () => page.getByRole('button', { name: 'Use saved mark mark' }).click());
  await expectNoErrorToast(page);
  await expect(byTestId(page, 'mark-preview')).toHaveAttribute('data-source', 'saved');
  expect(await recall(page, other.alpha)).toBeGreaterThan(0.9);
});

test('cancelling Find all like this keeps the mask and its history; the restarted engine finds the mark', async ({ page }, info) => {
  const photo = noisePhoto(1280, 960, 5);
  const { image } = composite(photo, tiledAlpha(logoShape(140, 80), [256, 0], [74, 168], 0.45), [1, 1, 1]);
  const file = await writePng(info.outputPath('big-tiled.png'), image);
  await openApp(page);
  await byTestId(page, 'file-input').setInputFiles(file);
  await expect(byTestId(page, 'doc-item')).toHaveCount(1, { timeout: WORK_TIMEOUT });
  await byTestId(page, 'tool-box').click();
  const at = await imageToPage(page, { width: 1280, height: 960 });
  const boxed = await afterMaskChange(page, () => drag(page, [at(20, 20), at(200, 120)]));
  const version = await maskVersion(page);

  await findLike(page).click();
  await byTestId(page, 'cancel-button').click();
  await expect(byTestId(page, 'info-toast').and(page.locator('[data-code="E_CANCELLED"]'))).toBeVisible({ timeout: WORK_TIMEOUT });
  await expect(byTestId(page, 'status')).toHaveAttribute('data-state', 'idle');
  expect(await maskCount(page)).toBe(boxed);
  expect(await maskVersion(page)).toBe(version);
  await expect(byTestId(page, 'mark-preview')).toHaveCount(0);
  await byTestId(page, 'undo-button').click();
  await expect.poll(() => maskCount(page)).toBe(0);
  await byTestId(page, 'redo-button').click();
  await expect.poll(() => maskCount(page)).toBe(boxed);

  // The engine may have been restarted to stop it: the image is sent again and the mark is found.
  const count = await afterMaskChange(page, () => findLike(page).click());
  await expectNoErrorToast(page);
  await expect(byTestId(page, 'mark-preview')).toHaveAttribute('data-source', 'repeats');
  expect(count).toBeGreaterThan(boxed);
});
