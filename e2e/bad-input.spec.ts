import { expect, test, type Page } from '@playwright/test';
import { afterMaskChange, byTestId, drag, fixturePath, fixtures, imageToPage, loadFixture, maskCount, openApp } from './helpers';

/** Opens a bad file, expects an error toast with `code`, closes it, and checks nothing was opened. */
async function expectRejected(page: Page, name: string, code: string): Promise<void> {
  const docsBefore = await byTestId(page, 'doc-item').count();
  await byTestId(page, 'file-input').setInputFiles(fixturePath(name));
  const toast = byTestId(page, 'error-toast');
  await expect(toast).toHaveCount(1, { timeout: 60_000 });
  await expect(toast).toHaveAttribute('data-code', code);
  await expect(byTestId(page, 'status')).toHaveAttribute('data-state', 'error');
  await expect(byTestId(page, 'doc-item')).toHaveCount(docsBefore);
  await toast.getByRole('button').click();
  await expect(toast).toHaveCount(0);
}

/** A good image still opens and can be painted on after an error. */
async function expectStillWorks(page: Page): Promise<void> {
  const name = 'photo-text.png';
  await loadFixture(page, name);
  const toPage = await imageToPage(page, { width: fixtures[name].width!, height: fixtures[name].height! });
  const before = await maskCount(page);
  const after = await afterMaskChange(page, () => drag(page, [toPage(100, 100), toPage(300, 150)]));
  expect(after).toBeGreaterThan(before);
}

test.beforeEach(async ({ page }) => {
  await openApp(page);
});

test('a truncated JPEG is refused with E_TRUNCATED, then a good file works', async ({ page }) => {
  await expectRejected(page, 'truncated.jpg', 'E_TRUNCATED');
  await expectStillWorks(page);
});

test('a text file named .png is refused with E_UNSUPPORTED_FORMAT, then a good file works', async ({ page }) => {
  await expectRejected(page, 'not-an-image.png', 'E_UNSUPPORTED_FORMAT');
  await expectStillWorks(page);
});

test('both bad files in a row, then a good one', async ({ page }) => {
  await expectRejected(page, 'not-an-image.png', 'E_UNSUPPORTED_FORMAT');
  await expectRejected(page, 'truncated.jpg', 'E_TRUNCATED');
  await expectStillWorks(page);
});

test.describe('configurable limits', () => {
  test('?maxMP lowers the pixel limit: a 0.31 MP image is refused with E_DIMENSIONS_TOO_LARGE', async ({ page }) => {
    await openApp(page, { query: 'maxMP=0.2' });
    await expectRejected(page, 'photo-text.png', 'E_DIMENSIONS_TOO_LARGE');
  });

  test('an invalid limit is an E_BAD_OPTION error, not a silent default', async ({ page }) => {
    await openApp(page, { query: 'maxMB=-3' });
    await expectRejected(page, 'photo-text.png', 'E_BAD_OPTION');
  });
});
