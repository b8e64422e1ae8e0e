/**
 * Issue 10, batch: six images opened at once go through "Detect all",
 * "Remove all" and "Download all". The ZIP holds one `<name>-clean.png` per
 * image at full size, and every pixel outside that image's mask is identical to
 * sharp's decode of the input (node-pixels.ts: a decoder independent of the
 * app's canvas path). Each mask is read the way remove.spec does: the image's
 * own "Mask" download.
 */
import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { strFromU8, unzipSync } from 'fflate';
import { readFile, writeFile } from 'node:fs/promises';
import {
  afterMaskChange,
  byTestId,
  download,
  drag,
  expectNoErrorToast,
  fixturePath,
  fixtures,
  imageToPage,
  loadFixtures,
  maskCount,
  MODEL_TIMEOUT,
  openApp,
  WORK_TIMEOUT,
  crashEngineWorkerOnNextCall,
} from './helpers';
import { uncovered } from './layout';
import { outsideMask } from './node-pixels';

/**
 * Crops of photo-text.png of different sizes, each holding the whole
 * "© SAMPLE STOCK" (x 84..564, y 240..281) where triage keeps it a mark
 * (checked with `unmark detect`: some crops make it read as print, and are left out).
 */
const CROPS = [
  { left: 0, top: 0, width: 640, height: 480 },
  { left: 60, top: 200, width: 560, height: 120 },
  { left: 10, top: 60, width: 620, height: 400 },
  { left: 0, top: 40, width: 640, height: 440 },
  { left: 0, top: 0, width: 640, height: 400 },
  { left: 0, top: 80, width: 640, height: 360 },
];

async function makeInputs(dir: (name: string) => string): Promise<{ name: string; path: string; bytes: Buffer; width: number; height: number }[]> {
  const source = await readFile(fixturePath('photo-text.png'));
  return Promise.all(
    CROPS.map(async (crop, i) => {
      const name = `batch-${i + 1}`;
      const bytes = await sharp(source).extract(crop).png().toBuffer();
      const path = dir(`${name}.png`);
      await writeFile(path, bytes);
      return { name, path, bytes, width: crop.width, height: crop.height };
    }),
  );
}

const states = (page: Page, state: string) => page.locator(`[data-testid="doc-status"][data-state="${state}"]`);

/** Every image's queue state (and error code), in strip order. */
const allStates = (page: Page) =>
  byTestId(page, 'doc-status').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-state')}${e.getAttribute('data-code') ? ` ${e.getAttribute('data-code')}` : ''}`));

/** Waits until the queue is empty (nothing waiting or running), then expects every image in `state`. */
async function settle(page: Page, state: string, n: number): Promise<void> {
  await expect
    .poll(async () => (await allStates(page)).filter((s) => /^(waiting|detecting|removing)/.test(s)).length, { timeout: n * MODEL_TIMEOUT, intervals: [1000] })
    .toBe(0);
  expect(await allStates(page)).toEqual(Array(n).fill(state));
}

test.use({ viewport: { width: 1440, height: 900 } });

test('Detect all, Remove all and Download all: one full-size <name>-clean.png per image, unmasked pixels identical to an independent decode', async ({ page }) => {
  test.setTimeout(900_000);
  const inputs = await makeInputs((n) => test.info().outputPath(n));
  await openApp(page);
  await byTestId(page, 'file-input').setInputFiles(inputs.map((i) => i.path));
  await expect(byTestId(page, 'doc-item')).toHaveCount(CROPS.length, { timeout: WORK_TIMEOUT });
  await expect(states(page, 'idle')).toHaveCount(CROPS.length);
  // Nothing to download yet: the button says so by being disabled.
  await expect(page.getByRole('button', { name: 'Download all' })).toBeDisabled();

  await page.getByRole('button', { name: 'Detect all' }).click();
  // While it runs the queue is visible: one image detecting, the rest waiting or reviewed.
  await expect(states(page, 'waiting').or(states(page, 'detecting')).first()).toBeVisible();
  await settle(page, 'review', CROPS.length);
  await expectNoErrorToast(page);
  // Issue 10: after Detect, Remove is on screen at 1440×900, and nothing covers it.
  await expect(byTestId(page, 'remove-button')).toBeInViewport({ ratio: 1 });
  expect(await uncovered(byTestId(page, 'remove-button'))).toBe(true);

  await page.getByRole('button', { name: 'Remove all' }).click();
  await settle(page, 'done', CROPS.length);
  await expectNoErrorToast(page);
  // The status bar speaks for the image on screen.
  await expect(byTestId(page, 'status')).toHaveAttribute('data-state', /^(idle|done)$/);

  const zip = await download(page, 'batch-bar-download');
  expect(zip.name).toBe('unmark-clean.zip');
  const entries = unzipSync(new Uint8Array(zip.bytes));
  expect(Object.keys(entries).sort()).toEqual(inputs.map((i) => `${i.name}-clean.png`).sort());

  for (const input of inputs) {
    await page.locator(`[data-testid="doc-item"][data-name="${input.name}"] .doc-select`).click();
    await expect(page.locator(`[data-testid="doc-item"][data-name="${input.name}"]`)).toHaveAttribute('data-active', 'true');
    const mask = await download(page, 'download-mask-button');
    expect(mask.name).toBe(`${input.name}-mask.png`);
    const png = Buffer.from(entries[`${input.name}-clean.png`]);
    expect(strFromU8(png.subarray(1, 4), true)).toBe('PNG');
    const stats = await outsideMask(input.bytes, png, mask.bytes);
    test.info().annotations.push({ type: input.name, description: JSON.stringify({ ...stats, firstChange: undefined }) });
    expect({ width: stats.width, height: stats.height }).toEqual({ width: input.width, height: input.height });
    expect(stats.inside, `${input.name}: the mask should cover the watermark`).toBeGreaterThan(1000);
    expect(stats.outsideChanged, `${input.name}: pixels outside the mask changed, first ${JSON.stringify(stats.firstChange)}`).toBe(0);
    // The single Download hands out the same bytes as the ZIP.
    const single = await download(page, 'download-button');
    expect(single.name).toBe(`${input.name}-clean.png`);
    expect(Buffer.compare(single.bytes, png)).toBe(0);
  }
});

test('"Use this mask for all images": an exact copy on the same size, nearest-neighbour scaled on another; one undo step each', async ({ page }) => {
  const png = fixtures['photo-text.png']; // 640×480
  const jpg = fixtures['photo-text.jpg']; // 1024×768: 1.6× each way
  await openApp(page);
  await loadFixtures(page, ['photo-text.png', 'photo-text.jpg']);
  const item = (i: number) => byTestId(page, 'doc-item').nth(i);
  await item(0).locator('.doc-select').click();
  await expect(item(0)).toHaveAttribute('data-active', 'true');
  // A box of 160×100 image pixels with the box tool.
  await page.keyboard.press('r');
  const toPage = await imageToPage(page, { width: png.width!, height: png.height! });
  const painted = await afterMaskChange(page, () => drag(page, [toPage(40, 200), toPage(200, 300)]));
  expect(painted).toBeGreaterThan(0.85 * 160 * 100);

  await expect(byTestId(page, 'mask-to-all')).toHaveAttribute('title', /nearest-neighbour/);
  await byTestId(page, 'mask-to-all').click();
  await item(1).locator('.doc-select').click();
  await expect(item(1)).toHaveAttribute('data-active', 'true');
  const scaled = await maskCount(page);
  // Nearest-neighbour keeps the share of the image: 1.6² times the pixels, within rounding at the edges.
  expect(scaled / painted).toBeGreaterThan(2.56 * 0.95);
  expect(scaled / painted).toBeLessThan(2.56 * 1.05);
  expect(jpg.width! / png.width!).toBe(1.6);
  // One undoable step on that image: undo gives its own (empty) mask back.
  expect(await afterMaskChange(page, () => byTestId(page, 'undo-button').click())).toBe(0);
});

test('a failed image is marked failed with its code, the queue goes on, and its mask stays', async ({ page }) => {
  test.setTimeout(600_000);
  const inputs = (await makeInputs((n) => test.info().outputPath(n))).slice(0, 3);
  await openApp(page);
  await byTestId(page, 'file-input').setInputFiles(inputs.map((i) => i.path));
  await expect(byTestId(page, 'doc-item')).toHaveCount(3, { timeout: WORK_TIMEOUT });
  await byTestId(page, 'batch-bar-detect').click();
  await settle(page, 'review', 3);
  const first = byTestId(page, 'doc-item').first();
  await first.locator('.doc-select').click();
  const firstMask = await maskCount(page);
  expect(firstMask).toBeGreaterThan(0);

  // The next call the worker gets (the first image's removal) never answers, and the worker dies (as reliability.spec does).
  await crashEngineWorkerOnNextCall(page);
  await byTestId(page, 'batch-bar-remove').click();
  await expect.poll(() => allStates(page), { timeout: 3 * MODEL_TIMEOUT, intervals: [1000] }).toEqual(['failed E_WORKER_CRASHED', 'done', 'done']);
  await expect(first.getByTestId('doc-status')).toContainText('E_WORKER_CRASHED');
  // Its mask and history are as they were; the status bar speaks for it.
  expect(await maskCount(page)).toBe(firstMask);
  await expect(byTestId(page, 'status')).toHaveAttribute('data-state', 'error');
  await expect(byTestId(page, 'undo-button')).toBeEnabled();

  // Remove all again takes only the failed one.
  await byTestId(page, 'batch-bar-remove').click();
  await settle(page, 'done', 3);
});

test('cancel: one waiting image leaves the queue; Cancel all stops the rest, and nothing is failed or lost', async ({ page }) => {
  test.setTimeout(600_000);
  const inputs = await makeInputs((n) => test.info().outputPath(n));
  await openApp(page);
  await byTestId(page, 'file-input').setInputFiles(inputs.map((i) => i.path));
  await expect(byTestId(page, 'doc-item')).toHaveCount(CROPS.length, { timeout: WORK_TIMEOUT });

  // The last image is still waiting when its own Cancel is pressed: it is skipped, the others go on.
  await byTestId(page, 'batch-bar-detect').click();
  await page.getByRole('button', { name: `Cancel ${inputs[5].name}` }).click();
  await expect
    .poll(async () => (await allStates(page)).filter((s) => /^(waiting|detecting)/.test(s)).length, { timeout: CROPS.length * MODEL_TIMEOUT })
    .toBe(0);
  expect(await allStates(page)).toEqual([...Array(5).fill('review'), 'idle']);

  // Cancel all right after Remove all starts: no image waits or runs afterwards, none is
  // failed, the ones not reached keep their mask for review, and no error is shown.
  await byTestId(page, 'batch-bar-remove').click();
  await byTestId(page, 'batch-bar-cancel').click();
  await expect(byTestId(page, 'batch-bar-cancel')).toBeHidden({ timeout: WORK_TIMEOUT });
  const after = await allStates(page);
  expect(after.filter((s) => /^(waiting|detecting|removing|failed)/.test(s))).toEqual([]);
  expect(after.filter((s) => s === 'review').length).toBeGreaterThanOrEqual(3);
  expect(after[5]).toBe('idle');
  await expectNoErrorToast(page);
  await expect(byTestId(page, 'batch-bar-detect')).toBeEnabled();
});
