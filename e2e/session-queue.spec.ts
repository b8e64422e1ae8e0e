/**
 * Issue 10, "nothing lost on reload", the queue: "Detect all" over four images
 * is interrupted by a reload while some still wait. After the restore the queue
 * goes on by itself (no click), the status bar says it resumed, and every image
 * that came back ends reviewed. One waiting image's stored file is damaged
 * before the reload: it cannot be restored, so it leaves the queue with a
 * message that says so and its code. "Remove all" likewise: the images still
 * waiting get their results after the reload without a click.
 */
import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { readFile, writeFile } from 'node:fs/promises';
import { afterMaskChange, byTestId, drag, expectNoErrorToast, fixturePath, imageToPage, MODEL_TIMEOUT, openApp, WORK_TIMEOUT } from './helpers';

/** Crops of photo-text.png in which triage keeps "© SAMPLE STOCK" a mark (the first of batch.spec's). */
const CROPS = [
  { left: 0, top: 0, width: 640, height: 480 },
  { left: 60, top: 200, width: 560, height: 120 },
  { left: 10, top: 60, width: 620, height: 400 },
  { left: 0, top: 40, width: 640, height: 440 },
];

/** Every image's queue state (and error code), in strip order. */
const allStates = (page: Page) =>
  byTestId(page, 'doc-status').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-state')}${e.getAttribute('data-code') ? ` ${e.getAttribute('data-code')}` : ''}`));

/** Writes the crops (`copies` times over) as `queue-<n>.png` in the test's output folder; resolves to their paths. */
async function writeCrops(copies = 1): Promise<string[]> {
  const source = await readFile(fixturePath('photo-text.png'));
  return Promise.all(
    Array.from({ length: copies }, () => CROPS).flat().map(async (crop, i) => {
      const path = test.info().outputPath(`queue-${i + 1}.png`);
      await writeFile(path, await sharp(source).extract(crop).png().toBuffer());
      return path;
    }),
  );
}

/** Waits until no image waits or runs (the queue is done). */
async function settle(page: Page, n: number): Promise<void> {
  await expect
    .poll(async () => (await allStates(page)).filter((s) => /^(waiting|detecting|removing)/.test(s)).length, { timeout: n * MODEL_TIMEOUT, intervals: [1000] })
    .toBe(0);
}

test('a queue interrupted by a reload goes on by itself; an image that cannot come back leaves it with its code', async ({ page }) => {
  test.setTimeout(900_000);
  // Twelve images: Detect takes well under a second on each, and the session saves a fast queue every 2 s at least.
  const paths = await writeCrops(3);
  const n = paths.length;
  const lastName = `queue-${n}`;
  await openApp(page);
  await byTestId(page, 'file-input').setInputFiles(paths);
  await expect(byTestId(page, 'doc-item')).toHaveCount(n, { timeout: WORK_TIMEOUT });

  await byTestId(page, 'batch-bar-detect').click();
  // As soon as the saved session holds the last images waiting, damage the last one's file and reload.
  await expect.poll(() => waitingStored(page, 'detect', lastName), { timeout: WORK_TIMEOUT, intervals: [100] }).toBeGreaterThanOrEqual(2);
  await page.reload();

  // The damaged image does not come back, and its toast says it left the queue, with its code.
  const dropped = byTestId(page, 'error-toast').filter({ hasText: lastName });
  await expect(dropped).toHaveAttribute('data-code', 'E_UNSUPPORTED_FORMAT', { timeout: MODEL_TIMEOUT });
  await expect(dropped).toContainText('taken out of the Detect all queue');
  await expect(byTestId(page, 'doc-item')).toHaveCount(n - 1, { timeout: WORK_TIMEOUT });

  // The others go on without a click, and the status bar says the queue resumed.
  await expect(byTestId(page, 'queue-resumed')).toContainText('Detect all resumed after the reload', { timeout: MODEL_TIMEOUT });
  await settle(page, n - 1);
  expect(await allStates(page)).toEqual(Array(n - 1).fill('review'));
  await expect(byTestId(page, 'queue-resumed')).toBeHidden();
  await expect(byTestId(page, 'error-toast')).toHaveCount(1);
});

test('"Remove all" interrupted by a reload goes on by itself: the images still waiting get their results', async ({ page }) => {
  test.setTimeout(900_000);
  const paths = await writeCrops();
  await openApp(page);
  await byTestId(page, 'file-input').setInputFiles(paths);
  await expect(byTestId(page, 'doc-item')).toHaveCount(CROPS.length, { timeout: WORK_TIMEOUT });

  // A box over most of the last image (640×440), then that mask on every image: each removal takes seconds.
  const last = byTestId(page, 'doc-item').last();
  await last.locator('.doc-select').click();
  await expect(last).toHaveAttribute('data-active', 'true');
  await page.keyboard.press('r');
  const toPage = await imageToPage(page, { width: 640, height: 440 });
  expect(await afterMaskChange(page, () => drag(page, [toPage(40, 40), toPage(600, 400)]))).toBeGreaterThan(150_000);
  await byTestId(page, 'mask-to-all').click();
  await expect(byTestId(page, 'status')).toContainText('This mask is now on the other images', { timeout: WORK_TIMEOUT });
  // Masks saved first: saving a mask asks the worker, which the removals then keep busy.
  await expect(byTestId(page, 'session-state')).toHaveAttribute('data-state', 'saved', { timeout: WORK_TIMEOUT });

  await byTestId(page, 'batch-bar-remove').click();
  await expect.poll(() => waitingStored(page, 'remove'), { timeout: WORK_TIMEOUT, intervals: [100] }).toBeGreaterThanOrEqual(2);
  await page.reload();

  await expect(byTestId(page, 'doc-item')).toHaveCount(CROPS.length, { timeout: MODEL_TIMEOUT });
  await expect(byTestId(page, 'queue-resumed')).toContainText('Remove all resumed after the reload', { timeout: MODEL_TIMEOUT });
  await settle(page, CROPS.length);
  expect(await allStates(page)).toEqual(Array(CROPS.length).fill('done'));
  // Every image has its result (the strip's ✓), the ones removed before the reload and after it.
  await expect(page.locator('[data-testid="doc-item"] .doc-done')).toHaveCount(CROPS.length);
  await expect(byTestId(page, 'queue-resumed')).toBeHidden();
  await expectNoErrorToast(page);
});

/**
 * Resolves to how many images the saved session holds waiting for a `kind`
 * batch (0 until at least two wait). With `damage`: only once that image is
 * among them, and then its stored file is overwritten with bytes that are no
 * image (in the same step, so the reload comes right after).
 */
function waitingStored(page: Page, kind: 'detect' | 'remove', damage?: string): Promise<number> {
  return page.evaluate(
    ({ kind, damage }) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('unmark-session');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['state', 'images'], 'readwrite');
          const states = tx.objectStore('state').getAll();
          const images = tx.objectStore('images').getAll();
          let waiting = 0;
          tx.oncomplete = () => resolve(waiting);
          tx.onerror = () => reject(tx.error);
          images.onsuccess = () => {
            type Image = { key: string; name: string; file: Blob };
            type State = { key: string; job: { state: string; kind?: string } };
            const byKey = new Map((states.result as State[]).map((s) => [s.key, s]));
            const queued = (images.result as Image[]).filter((i) => byKey.get(i.key)?.job.state === 'waiting' && byKey.get(i.key)?.job.kind === kind);
            const target = damage === undefined ? null : queued.find((i) => i.name.startsWith(damage));
            if ((damage !== undefined && !target) || queued.length < 2) return;
            waiting = queued.length;
            if (target) tx.objectStore('images').put({ ...target, file: new Blob(['not an image at all, only text']) });
          };
        };
      }),
    { kind, damage },
  );
}
