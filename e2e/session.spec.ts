/**
 * Issue 10, "a reload loses everything": masks painted on two images, and a
 * result, come back after a reload (same mask pixel counts, the same PNG bytes
 * from Download); "Clear session" empties it, and a reload then stays empty.
 */
import { expect, test, type Page } from '@playwright/test';
import {
  byTestId,
  download,
  expectNoErrorToast,
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

  // Masks stay editable after the restore: undo has nothing before the restored state.
  await expect(byTestId(page, 'undo-button')).toBeDisabled();

  await byTestId(page, 'clear-session').click();
  await expect(byTestId(page, 'doc-item')).toHaveCount(0);
  // Nothing is left in the browser's storage either.
  expect(await storedImages(page)).toBe(0);
  await page.reload();
  await waitForModels(page);
  await expect(byTestId(page, 'status')).not.toContainText('Restoring');
  await expect(byTestId(page, 'doc-item')).toHaveCount(0);
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
