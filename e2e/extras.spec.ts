import { expect, test, type Page } from '@playwright/test';
import {
  afterMaskChange,
  byTestId,
  drag,
  fixtureBytes,
  fixtures,
  imageToPage,
  loadFixture,
  loadFixtures,
  maskCount,
  openApp,
  removeWith,
  viewportBox,
} from './helpers';

test.beforeEach(async ({ page }) => {
  await openApp(page);
});

test('several files at once open as separate documents, each with its own mask', async ({ page }) => {
  await loadFixtures(page, ['photo-text.png', 'photo-text.jpg']);
  const items = byTestId(page, 'doc-item');
  await expect(items).toHaveCount(2);
  await expect(byTestId(page, 'doc-list')).toContainText('photo-text');
  // The last one opened is active; paint on it.
  await expect(items.nth(1)).toHaveAttribute('data-active', 'true');
  const jpg = fixtures['photo-text.jpg'];
  const toPage = await imageToPage(page, { width: jpg.width!, height: jpg.height! });
  const painted = await afterMaskChange(page, () => drag(page, [toPage(200, 200), toPage(800, 300)]));
  expect(painted).toBeGreaterThan(0);

  // Switching documents switches masks.
  await items.nth(0).getByRole('button').first().click();
  await expect(items.nth(0)).toHaveAttribute('data-active', 'true');
  await expect.poll(() => maskCount(page)).toBe(0);
  await items.nth(1).getByRole('button').first().click();
  await expect.poll(() => maskCount(page)).toBe(painted);
});

/** Sends `name` as a synthetic paste (ClipboardEvent with a DataTransfer holding the file). */
async function pasteFile(page: Page, name: string, type: string): Promise<void> {
  const b64 = (await fixtureBytes(name)).toString('base64');
  await page.evaluate(
    ({ b64, name, type }) => {
      const bin = atob(b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name, { type }));
      document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    },
    { b64, name, type },
  );
}

test('pasting an image opens it; dropping one on the drop zone too', async ({ page }) => {
  await pasteFile(page, 'photo-text.png', 'image/png');
  await expect(byTestId(page, 'doc-item')).toHaveCount(1);
  await expect(byTestId(page, 'status')).toHaveAttribute('data-state', /^(idle|done)$/);

  const b64 = (await fixtureBytes('photo-text.jpg')).toString('base64');
  const dataTransfer = await page.evaluateHandle((b64) => {
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'dropped.jpg', { type: 'image/jpeg' }));
    return dt;
  }, b64);
  const target = (await byTestId(page, 'drop-zone').count()) > 0 ? byTestId(page, 'drop-zone') : byTestId(page, 'viewport');
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
  await expect(byTestId(page, 'doc-item')).toHaveCount(2);
  await expect(byTestId(page, 'doc-list')).toContainText('dropped');
});

test('compare slider and holding O show the original under the mask', async ({ page }) => {
  const name = 'photo-text.png';
  await loadFixture(page, name);
  const box = fixtures[name].textBox!;
  const toPage = await imageToPage(page, { width: fixtures[name].width!, height: fixtures[name].height! });
  const cy = box.y + box.height / 2;
  await afterMaskChange(page, () => drag(page, [toPage(box.x, cy), toPage(box.x + box.width, cy)]));
  await removeWith(page, 'telea');
  // Hide the mask overlay so the probes see image pixels only.
  await page.getByRole('checkbox', { name: 'Mask overlay', exact: true }).uncheck();

  // A probe inside the painted area, away from the divider handle, and one outside the mask.
  const inside = toPage(box.x + box.width * 0.25, cy);
  const outside = toPage(box.x + box.width * 0.25, box.y + box.height + 80);
  const vb = await viewportBox(page);
  const probe = (p: { x: number; y: number }) =>
    page.screenshot({ clip: { x: Math.max(vb.x, p.x - 6), y: p.y - 3, width: 12, height: 6 }, animations: 'disabled', caret: 'hide' });

  const slider = byTestId(page, 'compare-slider');
  await slider.fill('1'); // all original
  await expect(slider).toHaveValue('1');
  const originalIn = await probe(inside);
  const originalOut = await probe(outside);
  await slider.fill('0'); // all result
  await expect(slider).toHaveValue('0');
  await expect.poll(async () => (await probe(inside)).equals(originalIn)).toBe(false);
  const resultIn = await probe(inside);
  expect((await probe(outside)).equals(originalOut)).toBe(true);

  // Hold O: the original; release: the result again.
  await page.locator('body').focus();
  await page.keyboard.down('o');
  await expect.poll(async () => (await probe(inside)).equals(originalIn)).toBe(true);
  await page.keyboard.up('o');
  await expect.poll(async () => (await probe(inside)).equals(resultIn)).toBe(true);

  // The hold-original button does the same with the pointer.
  const hold = byTestId(page, 'hold-original');
  const hb = await hold.boundingBox();
  await page.mouse.move(hb!.x + hb!.width / 2, hb!.y + hb!.height / 2);
  await page.mouse.down();
  await expect.poll(async () => (await probe(inside)).equals(originalIn)).toBe(true);
  await page.mouse.up();
  await expect.poll(async () => (await probe(inside)).equals(resultIn)).toBe(true);
});

test('hiding the mask overlay after a removal is for that image only; the next image shows its mask', async ({ page }) => {
  await loadFixtures(page, ['photo-text.png', 'photo-text.jpg']);
  const items = byTestId(page, 'doc-item');
  await expect(items).toHaveCount(2);
  const overlay = page.getByRole('checkbox', { name: 'Mask overlay', exact: true });
  const jpg = fixtures['photo-text.jpg'];
  const toPage = await imageToPage(page, { width: jpg.width!, height: jpg.height! });
  await afterMaskChange(page, () => drag(page, [toPage(200, 200), toPage(800, 300)]));
  await expect(overlay).toBeChecked();
  await removeWith(page, 'telea');
  await expect(overlay).not.toBeChecked();
  await items.nth(0).click();
  await expect(items.nth(0)).toHaveAttribute('data-active', 'true');
  await expect(overlay).toBeChecked();
  await items.nth(1).click();
  await expect(overlay).not.toBeChecked();
});

test('cancelling a removal keeps the mask and its history', async ({ page }) => {
  const name = 'photo-text.jpg';
  await loadFixture(page, name);
  const toPage = await imageToPage(page, { width: fixtures[name].width!, height: fixtures[name].height! });
  const painted = await afterMaskChange(page, () => drag(page, [toPage(100, 100), toPage(900, 650)]));
  // A mask over most of the image so the removal runs long enough to cancel.
  const inverted = await afterMaskChange(page, () => byTestId(page, 'mask-invert').click());
  expect(inverted).toBeGreaterThan(painted);

  await byTestId(page, 'method-select').selectOption('telea');
  await byTestId(page, 'remove-button').click();
  await expect(byTestId(page, 'status')).toHaveAttribute('data-state', 'removing');
  await byTestId(page, 'cancel-button').click();
  await expect(byTestId(page, 'status')).toHaveAttribute('data-state', 'idle');
  await expect(byTestId(page, 'viewport')).toHaveAttribute('data-has-result', 'false');
  await expect(byTestId(page, 'cancel-button')).toHaveCount(0);
  // A cancel is not a failure: an informational toast, never an error toast.
  await expect(page.locator('[data-testid="info-toast"][data-code="E_CANCELLED"]')).toHaveCount(1);
  await expect(byTestId(page, 'error-toast')).toHaveCount(0);

  expect(await maskCount(page)).toBe(inverted);
  expect(await afterMaskChange(page, () => byTestId(page, 'undo-button').click())).toBe(painted);
  expect(await afterMaskChange(page, () => byTestId(page, 'redo-button').click())).toBe(inverted);

  // And removal still works afterwards.
  await removeWith(page, 'telea');
});

test('turning a detected region off rebuilds the mask without it; undo brings it back', async ({ page }) => {
  await loadFixture(page, 'photo-text.jpg');
  await byTestId(page, 'detect-button').click();
  await expect(byTestId(page, 'region-item').first()).toBeVisible({ timeout: 150_000 });
  await expect(byTestId(page, 'status')).toHaveAttribute('data-state', /^(idle|done)$/);
  const detected = await maskCount(page);
  expect(detected).toBeGreaterThan(0);

  const first = byTestId(page, 'region-item').first().getByRole('checkbox');
  await expect(first).toBeChecked();
  const without = await afterMaskChange(page, () => first.uncheck());
  expect(without).toBeLessThan(detected);
  await expect(first).not.toBeChecked();

  expect(await afterMaskChange(page, () => page.keyboard.press('Control+z'))).toBe(detected);
});
