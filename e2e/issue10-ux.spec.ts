/**
 * Issue 10's small UX faults: the model progress went backwards, a removal
 * opened on an unfinished-looking 50/50 split, the status bar showed another
 * image's status, and numbers followed the system's locale ("23.375 px" on a
 * German system) instead of the UI's language.
 */
import { expect, test } from '@playwright/test';
import { byTestId, detect, loadFixtures, openApp, paintAcrossText, removeWith } from './helpers';
import { uncovered } from './layout';

const PNG = 'photo-text.png';

for (const size of [{ width: 1440, height: 900 }, { width: 1280, height: 800 }]) {
  test(`after Detect, Remove is on screen and uncovered at ${size.width}×${size.height}`, async ({ page }) => {
    await page.setViewportSize(size);
    await openApp(page);
    await loadFixtures(page, ['photo-text.jpg']);
    await detect(page);
    // The JPEG's detection lists three regions: the list and its hint are at their tallest here.
    await expect(byTestId(page, 'region-item')).not.toHaveCount(0);
    await expect(byTestId(page, 'remove-button')).toBeInViewport({ ratio: 1 });
    expect(await uncovered(byTestId(page, 'remove-button'))).toBe(true);
  });
}

declare global {
  interface Window {
    __progressSeen?: { value: number; label: string }[];
  }
}

test('the model progress bar never goes backwards', async ({ page }) => {
  // Record every value the bar shows, from the first render on.
  await page.addInitScript(() => {
    const seen: { value: number; label: string }[] = [];
    window.__progressSeen = seen;
    const record = () => {
      const bar = document.querySelector<HTMLProgressElement>('[data-testid="model-progress"]');
      if (bar && bar.hasAttribute('value')) seen.push({ value: bar.value, label: bar.parentElement?.textContent ?? '' });
    };
    new MutationObserver(record).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  await openApp(page);
  const seen = await page.evaluate(() => window.__progressSeen ?? []);
  test.info().annotations.push({ type: 'progress', description: JSON.stringify(seen.map((s) => s.label)) });
  expect(seen.length).toBeGreaterThan(0);
  for (let i = 1; i < seen.length; i++) {
    expect(seen[i].value, `went from "${seen[i - 1].label}" to "${seen[i].label}"`).toBeGreaterThanOrEqual(seen[i - 1].value);
  }
});

test('after a removal the view shows the result; the status bar speaks for the image on screen', async ({ page }) => {
  await openApp(page);
  await loadFixtures(page, [PNG, 'photo-text.jpg']);
  const item = (i: number) => byTestId(page, 'doc-item').nth(i);
  await item(0).locator('.doc-select').click();
  await paintAcrossText(page, PNG);
  await removeWith(page, 'telea');
  // The divider sits at the left edge: all of the view is the result.
  await expect(byTestId(page, 'compare-slider')).toHaveValue('0');
  await expect(byTestId(page, 'status')).toContainText('Removed in');

  await item(1).locator('.doc-select').click();
  await expect(item(1)).toHaveAttribute('data-active', 'true');
  await expect(byTestId(page, 'status')).not.toContainText('Removed');
  await item(0).locator('.doc-select').click();
  await expect(byTestId(page, 'status')).toContainText('Removed in');
});

test.describe('on a German system', () => {
  test.use({ locale: 'de-DE' });

  test('numbers are written in the UI language (English), not the system locale', async ({ page }) => {
    await openApp(page);
    expect(await page.evaluate(() => (23375).toLocaleString())).toBe('23.375');
    await loadFixtures(page, [PNG]);
    const n = await paintAcrossText(page, PNG);
    expect(n).toBeGreaterThan(1000);
    const en = new Intl.NumberFormat('en').format(n);
    await expect(page.getByText(`${en} px masked`)).toBeVisible();
  });
});
