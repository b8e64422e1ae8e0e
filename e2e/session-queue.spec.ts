/**
 * Issue 10, "nothing lost on reload", the queue: "Detect all" over four images
 * is interrupted by a reload while some still wait. After the restore the queue
 * goes on by itself (no click), the status bar says it resumed, and every image
 * that came back ends reviewed. One waiting image's stored file is damaged
 * before the reload: it cannot be restored, so it leaves the queue with a
 * message that says so and its code.
 */
import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { readFile, writeFile } from 'node:fs/promises';
import { byTestId, fixturePath, MODEL_TIMEOUT, openApp, WORK_TIMEOUT } from './helpers';

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

test('a queue interrupted by a reload goes on by itself; an image that cannot come back leaves it with its code', async ({ page }) => {
  test.setTimeout(900_000);
  const source = await readFile(fixturePath('photo-text.png'));
  const paths = await Promise.all(
    CROPS.map(async (crop, i) => {
      const path = test.info().outputPath(`queue-${i + 1}.png`);
      await writeFile(path, await sharp(source).extract(crop).png().toBuffer());
      return path;
    }),
  );
  await openApp(page);
  await byTestId(page, 'file-input').setInputFiles(paths);
  await expect(byTestId(page, 'doc-item')).toHaveCount(CROPS.length, { timeout: WORK_TIMEOUT });

  await byTestId(page, 'batch-bar-detect').click();
  // As soon as the saved session holds the last images waiting, damage the last one's file and reload.
  await expect.poll(() => waitingStored(page, 'queue-4'), { timeout: WORK_TIMEOUT, intervals: [100] }).toBeGreaterThanOrEqual(2);
  await page.reload();

  // The damaged image does not come back, and its toast says it left the queue, with its code.
  const dropped = byTestId(page, 'error-toast').filter({ hasText: 'queue-4' });
  await expect(dropped).toHaveAttribute('data-code', 'E_UNSUPPORTED_FORMAT', { timeout: MODEL_TIMEOUT });
  await expect(dropped).toContainText('taken out of the Detect all queue');
  await expect(byTestId(page, 'doc-item')).toHaveCount(CROPS.length - 1, { timeout: WORK_TIMEOUT });

  // The others go on without a click, and the status bar says the queue resumed.
  await expect(byTestId(page, 'queue-resumed')).toContainText('Detect all resumed after the reload', { timeout: MODEL_TIMEOUT });
  await expect
    .poll(async () => (await allStates(page)).filter((s) => /^(waiting|detecting)/.test(s)).length, { timeout: CROPS.length * MODEL_TIMEOUT, intervals: [1000] })
    .toBe(0);
  expect(await allStates(page)).toEqual(Array(CROPS.length - 1).fill('review'));
  await expect(byTestId(page, 'queue-resumed')).toBeHidden();
  await expect(byTestId(page, 'error-toast')).toHaveCount(1);
});

/**
 * Once the saved session has `damage` waiting, overwrites that image's stored
 * file with bytes that are no image (in the same step, so the reload comes
 * right after); resolves to how many images the saved session holds waiting
 * for a batch (0 until then).
 */
function waitingStored(page: Page, damage: string): Promise<number> {
  return page.evaluate(
    (damage) =>
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
            const queued = (images.result as Image[]).filter((i) => byKey.get(i.key)?.job.state === 'waiting' && byKey.get(i.key)?.job.kind === 'detect');
            const target = queued.find((i) => i.name.startsWith(damage));
            if (!target || queued.length < 2) return;
            waiting = queued.length;
            tx.objectStore('images').put({ ...target, file: new Blob(['not an image at all, only text']) });
          };
        };
      }),
    damage,
  );
}
