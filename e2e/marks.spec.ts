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
import { composite, logoShape, noisePhoto, tiledAlpha } from '../src/engine/mark/testing';
import {
  afterMaskChange,
  byTestId,
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
  const marked = info.outputPath('tiled-mark.png');
  await writeFile(marked, await sharp(Buffer.from(image.data.buffer), { raw: { width: W, height: H, channels: 4 } }).png().toBuffer());

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
