/**
 * Issue 10, "a reload loses everything": masks painted on two images, and a
 * result, come back after a reload (same mask pixel counts, the same PNG bytes
 * from Download); "Clear session" empties it, and a reload then stays empty.
 * The undo history comes back too: Undo and Redo after a reload give the same
 * masks (the mask PNG download, byte for byte) and labels as before it; a
 * session saved without one (before histories were kept) restores its mask alone.
 * The queue across a reload: session-queue.spec.ts.
 */
import { expect, test, type Page } from '@playwright/test';
import {
  afterMaskChange,
  byTestId,
  download,
  drag,
  expectNoErrorToast,
  fixtures,
  imageToPage,
  loadFixtures,
  maskCount,
  openApp,
  paintAcrossText,
  removeWith,
  waitForModels,
  WORK_TIMEOUT,
} from './helpers';

const PNG = 'photo-text.png';
const JPG = 'photo-text.jpg';

const item = (page: Page, i: number) => byTestId(page, 'doc-item').nth(i);

async function select(page: Page, i: number): Promise<void> {
  await item(page, i).locator('.doc-select').click();
  await expect(item(page, i)).toHaveAttribute('data-active', 'true');
}

test('masks on two images and a result survive a reload; Clear session empties it', async ({ page }) => {
  test.setTimeout(600_000);
  await openApp(page);
  await loadFixtures(page, [PNG, JPG]);

  // The JPEG is active (opened last): paint it, then the PNG, and clean the PNG.
  await select(page, 1);
  const jpgCount = await paintAcrossText(page, JPG);
  await select(page, 0);
  const pngCount = await paintAcrossText(page, PNG);
  expect(jpgCount).toBeGreaterThan(1000);
  expect(pngCount).toBeGreaterThan(1000);
  expect(jpgCount).not.toBe(pngCount);
  await removeWith(page, 'telea');
  const before = await download(page, 'download-button');
  await expect(byTestId(page, 'session-state')).toHaveAttribute('data-state', 'saved', { timeout: WORK_TIMEOUT });

  await page.reload();
  await waitForModels(page);
  await expect(byTestId(page, 'doc-item')).toHaveCount(2, { timeout: WORK_TIMEOUT });
  await expect(byTestId(page, 'status')).not.toContainText('Restoring', { timeout: WORK_TIMEOUT });
  await expectNoErrorToast(page);

  // The PNG was active: it comes back active, with its mask and its result.
  await expect(item(page, 0)).toHaveAttribute('data-active', 'true');
  expect(await maskCount(page)).toBe(pngCount);
  await expect(byTestId(page, 'viewport')).toHaveAttribute('data-has-result', 'true');
  await expect(item(page, 0).getByTestId('doc-status')).toHaveAttribute('data-state', 'done');
  await expect(item(page, 1).getByTestId('doc-status')).toHaveAttribute('data-state', 'review');
  const after = await download(page, 'download-button');
  expect(after.name).toBe(before.name);
  expect(Buffer.compare(after.bytes, before.bytes), 'the restored result downloads the same PNG bytes').toBe(0);

  await select(page, 1);
  expect(await maskCount(page)).toBe(jpgCount);

  // Masks stay editable after the restore, with their history: undo takes the one stroke off.
  await expect(byTestId(page, 'undo-button')).toBeEnabled();
  expect(await afterMaskChange(page, () => byTestId(page, 'undo-button').click())).toBe(0);

  await byTestId(page, 'clear-session').click();
  await expect(byTestId(page, 'doc-item')).toHaveCount(0);
  // Nothing is left in the browser's storage either.
  expect(await storedImages(page)).toBe(0);
  await page.reload();
  await waitForModels(page);
  await expect(byTestId(page, 'status')).not.toContainText('Restoring');
  await expect(byTestId(page, 'doc-item')).toHaveCount(0);
});

/** Reloads and waits until the saved session is back on screen, with no error. */
async function reloadSession(page: Page, images: number): Promise<void> {
  await expect(byTestId(page, 'session-state')).toHaveAttribute('data-state', 'saved', { timeout: WORK_TIMEOUT });
  await page.reload();
  await waitForModels(page);
  await expect(byTestId(page, 'doc-item')).toHaveCount(images, { timeout: WORK_TIMEOUT });
  await expect(byTestId(page, 'status')).not.toContainText('Restoring', { timeout: WORK_TIMEOUT });
  await expectNoErrorToast(page);
}

test('the undo history survives a reload: Undo and Redo give the same masks and labels as before it', async ({ page }) => {
  test.setTimeout(600_000);
  await openApp(page);
  await loadFixtures(page, [PNG]);
  const undo = byTestId(page, 'undo-button');
  const redo = byTestId(page, 'redo-button');
  const mask = async () => (await download(page, 'download-mask-button')).bytes;

  const one = await paintAcrossText(page, PNG);
  const oneMask = await mask();
  const toPage = await imageToPage(page, { width: fixtures[PNG].width!, height: fixtures[PNG].height! });
  const two = await afterMaskChange(page, () => drag(page, [toPage(100, 400), toPage(500, 420)]));
  expect(two).toBeGreaterThan(one + 1000);
  const twoMask = await mask();
  const undoTitle = await undo.getAttribute('title');
  expect(undoTitle).toContain('Brush');

  await reloadSession(page, 1);
  expect(await maskCount(page)).toBe(two);
  expect(Buffer.compare(await mask(), twoMask), 'the restored mask is the one saved').toBe(0);
  await expect(undo).toHaveAttribute('title', undoTitle!);
  await expect(redo).toBeDisabled();

  // Undo once: the one-stroke mask, pixel for pixel; Redo: the two strokes again.
  expect(await afterMaskChange(page, () => undo.click())).toBe(one);
  expect(Buffer.compare(await mask(), oneMask), 'Undo after the reload gives the one-stroke mask').toBe(0);
  await expect(redo).toBeEnabled();
  expect(await afterMaskChange(page, () => redo.click())).toBe(two);
  expect(Buffer.compare(await mask(), twoMask), 'Redo gives the two strokes back').toBe(0);
  // Both strokes are steps: two undos reach the empty mask, and no further.
  expect(await afterMaskChange(page, () => undo.click())).toBe(one);
  expect(await afterMaskChange(page, () => undo.click())).toBe(0);
  await expect(undo).toBeDisabled();
  expect(await afterMaskChange(page, () => redo.click())).toBe(one);

  // A session saved before histories were kept (no journal record): the mask alone, nothing to undo.
  await reloadSession(page, 1);
  expect(await maskCount(page)).toBe(one);
  await expect(redo).toBeEnabled();
  expect(await storedJournals(page, 'clear')).toBe(1);
  await page.reload();
  await waitForModels(page);
  await expect(byTestId(page, 'doc-item')).toHaveCount(1, { timeout: WORK_TIMEOUT });
  await expect(byTestId(page, 'status')).not.toContainText('Restoring', { timeout: WORK_TIMEOUT });
  await expectNoErrorToast(page);
  expect(await maskCount(page)).toBe(one);
  await expect(undo).toBeDisabled();
  await expect(redo).toBeDisabled();
});

test('a full disk: a clear E_STORAGE_FULL, everything on screen kept, and the saved session is the last whole one', async ({ page }) => {
  test.setTimeout(300_000);
  await openApp(page);
  await loadFixtures(page, [PNG]);
  const pngCount = await paintAcrossText(page, PNG);
  await expect(byTestId(page, 'session-state')).toHaveAttribute('data-state', 'saved', { timeout: WORK_TIMEOUT });

  // From now on every write is refused as a full disk refuses it.
  await page.evaluate(() => {
    IDBObjectStore.prototype.put = function put(): IDBRequest {
      throw new DOMException('injected: quota exceeded', 'QuotaExceededError');
    };
  });
  await loadFixtures(page, [JPG]).catch(() => undefined);
  await expect(byTestId(page, 'doc-item')).toHaveCount(2);
  const jpgCount = await paintAcrossText(page, JPG);
  await expect(byTestId(page, 'error-toast').filter({ hasText: 'storage is full' })).toHaveAttribute('data-code', 'E_STORAGE_FULL', { timeout: WORK_TIMEOUT });
  await expect(byTestId(page, 'session-state')).toHaveAttribute('data-state', 'full');
  expect(await maskCount(page)).toBe(jpgCount);
  await expect(byTestId(page, 'undo-button')).toBeEnabled();

  // Nothing of the second image was half-written: the reload brings back the first, whole.
  await page.reload();
  await waitForModels(page);
  await expect(byTestId(page, 'status')).not.toContainText('Restoring', { timeout: WORK_TIMEOUT });
  await expect(byTestId(page, 'doc-item')).toHaveCount(1);
  expect(await maskCount(page)).toBe(pngCount);
  expect(await storedImages(page)).toBe(1);
});

/** How many image files the saved session holds (IndexedDB 'unmark-session', store 'images'). */
function storedImages(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('unmark-session');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('images')) return resolve(-1);
          const req = db.transaction('images').objectStore('images').count();
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        };
      }),
  );
}

/** How many undo histories the saved session holds (store 'journals'); 'clear' deletes them first, as an older session has none. */
function storedJournals(page: Page, mode: 'count' | 'clear' = 'count'): Promise<number> {
  return page.evaluate(
    (mode) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('unmark-session');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const store = db.transaction('journals', 'readwrite').objectStore('journals');
          const req = store.count();
          req.onsuccess = () => {
            const n = req.result;
            if (mode === 'count') return resolve(n);
            const cleared = store.clear();
            cleared.onsuccess = () => resolve(n);
            cleared.onerror = () => reject(cleared.error);
          };
          req.onerror = () => reject(req.error);
        };
      }),
    mode,
  );
}
