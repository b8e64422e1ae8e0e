import { expect, test } from '@playwright/test';
import { afterMaskChange, byTestId, drag, fixtures, imageToPage, loadFixture, maskCount, maskVersion, openApp, viewportBox, zoom } from './helpers';

const NAME = 'photo-text.png';
const SIZE = { width: fixtures[NAME].width!, height: fixtures[NAME].height! };

test.beforeEach(async ({ page }) => {
  await openApp(page);
  await loadFixture(page, NAME);
});

test('brush, undo, zoom, redo, eraser and box edit the mask with real pointer events', async ({ page }) => {
  expect(await maskCount(page)).toBe(0);
  const toPage = await imageToPage(page, SIZE);

  // Brush (the default tool; B selects it explicitly).
  await page.keyboard.press('b');
  const c0 = await maskCount(page);
  const c1 = await afterMaskChange(page, () => drag(page, [toPage(100, 120), toPage(300, 140), toPage(500, 120)]));
  expect(c1).toBeGreaterThan(c0);
  // A 400 px long stroke with a brush tens of pixels wide paints thousands of pixels.
  expect(c1).toBeGreaterThan(4000);

  // A second stroke, so undo has something to go back to that is not empty.
  const c2 = await afterMaskChange(page, () => drag(page, [toPage(120, 360), toPage(520, 380)]));
  expect(c2).toBeGreaterThan(c1);

  // Ctrl+Z restores the count before the second stroke exactly.
  const undone = await afterMaskChange(page, () => page.keyboard.press('Control+z'));
  expect(undone).toBe(c1);

  // Zooming with the wheel is a view change: it must not clear redo.
  const z0 = await zoom(page);
  const vb = await viewportBox(page);
  await page.mouse.move(vb.x + vb.width / 2, vb.y + vb.height / 2);
  const v = await maskVersion(page);
  await page.mouse.wheel(0, -400);
  await expect.poll(() => zoom(page)).not.toBe(z0);
  expect(await maskVersion(page)).toBe(v);
  expect(await maskCount(page)).toBe(c1);
  await expect(byTestId(page, 'redo-button')).toBeEnabled();

  // Ctrl+Shift+Z re-applies the second stroke exactly.
  const redone = await afterMaskChange(page, () => page.keyboard.press('Control+Shift+z'));
  expect(redone).toBe(c2);

  // Undo again, then Ctrl+Y redoes too.
  expect(await afterMaskChange(page, () => page.keyboard.press('Control+z'))).toBe(c1);
  expect(await afterMaskChange(page, () => page.keyboard.press('Control+y'))).toBe(c2);

  // Back to the fitted view so image coordinates map again.
  await page.keyboard.press('f');
  await expect.poll(() => zoom(page)).toBeCloseTo(z0, 5);
  const fitted = await imageToPage(page, SIZE);

  // Eraser over part of the first stroke removes pixels.
  await page.keyboard.press('e');
  const erased = await afterMaskChange(page, () => drag(page, [fitted(150, 128), fitted(450, 130)]));
  expect(erased).toBeLessThan(c2);
  expect(erased).toBeGreaterThan(0);

  // Box tool adds a filled rectangle in an empty part of the image; its area in
  // image pixels matches the dragged rectangle within rounding.
  await page.keyboard.press('r');
  const bx0 = 40, by0 = 200, bx1 = 200, by1 = 300;
  const boxed = await afterMaskChange(page, () => drag(page, [fitted(bx0, by0), fitted(bx1, by1)]));
  const expected = (bx1 - bx0) * (by1 - by0);
  expect(boxed - erased).toBeGreaterThan(0.85 * expected);
  expect(boxed - erased).toBeLessThan(1.2 * expected);

  // Undo takes the box off exactly.
  expect(await afterMaskChange(page, () => page.keyboard.press('Control+z'))).toBe(erased);
});

test('toolbar buttons select tools, and clear/invert/undo/redo buttons work', async ({ page }) => {
  const toPage = await imageToPage(page, SIZE);
  await byTestId(page, 'tool-brush').click();
  const painted = await afterMaskChange(page, () => drag(page, [toPage(200, 200), toPage(440, 280)]));
  expect(painted).toBeGreaterThan(0);

  const inverted = await afterMaskChange(page, () => byTestId(page, 'mask-invert').click());
  // Soft (anti-aliased) brush edges stay > 0 when inverted, so this is a bound, not an equality.
  expect(inverted).toBeGreaterThanOrEqual(SIZE.width * SIZE.height - painted);
  expect(inverted).toBeLessThan(SIZE.width * SIZE.height);

  expect(await afterMaskChange(page, () => byTestId(page, 'undo-button').click())).toBe(painted);
  expect(await afterMaskChange(page, () => byTestId(page, 'redo-button').click())).toBe(inverted);

  expect(await afterMaskChange(page, () => byTestId(page, 'mask-clear').click())).toBe(0);
  expect(await afterMaskChange(page, () => byTestId(page, 'undo-button').click())).toBe(inverted);

  // Dilate grows and erode shrinks a mask that is not the whole image.
  await afterMaskChange(page, () => byTestId(page, 'undo-button').click());
  expect(await maskCount(page)).toBe(painted);
  const grown = await afterMaskChange(page, () => byTestId(page, 'mask-dilate').click());
  expect(grown).toBeGreaterThan(painted);
  const shrunk = await afterMaskChange(page, () => byTestId(page, 'mask-erode').click());
  expect(shrunk).toBeLessThan(grown);

  // The hand tool pans: dragging moves nothing in the mask.
  await byTestId(page, 'tool-hand').click();
  const v = await maskVersion(page);
  await drag(page, [toPage(320, 240), toPage(360, 260)]);
  expect(await maskVersion(page)).toBe(v);
  expect(await maskCount(page)).toBe(shrunk);
});
