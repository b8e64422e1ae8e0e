/**
 * Issue 10, languages: on a French system the UI is in French with French
 * numbers; the "Language" select switches to English (words and numbers), and
 * the choice outlives a reload.
 */
import { expect, test } from '@playwright/test';
import { byTestId, loadFixtures, openApp, paintAcrossText, removeWith, WORK_TIMEOUT } from './helpers';

const PNG = 'photo-text.png';

test.describe('on a French system', () => {
  test.use({ locale: 'fr-FR' });

  test('the UI is French with French numbers; English from the Language select, kept after a reload', async ({ page }) => {
    await openApp(page);
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    const language = page.getByRole('combobox', { name: 'Language' });
    await expect(language).toHaveValue('fr');
    await expect(byTestId(page, 'drop-zone').getByRole('button', { name: 'Choisir des images' })).toBeVisible();

    await loadFixtures(page, [PNG]);
    await expect(page.getByRole('button', { name: 'Détecter le filigrane' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Tout détecter' })).toBeVisible();
    await expect(page.getByRole('checkbox', { name: 'Surimpression du masque', exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Pinceau', exact: true })).toBeVisible();

    const n = await paintAcrossText(page, PNG);
    expect(n).toBeGreaterThan(1000);
    // French groups thousands with a narrow no-break space: "2 345", never "2,345".
    const fr = new Intl.NumberFormat('fr').format(n);
    expect(fr).not.toBe(new Intl.NumberFormat('en').format(n));
    await expect(page.getByText(`${fr} px masqués`)).toBeVisible();

    await removeWith(page, 'telea');
    // The time always has one decimal: a decimal comma in French.
    await expect(byTestId(page, 'status')).toHaveText(/^Effacé en \d+,\d s/);
    await expect(page.getByRole('button', { name: 'Effacer', exact: true })).toBeVisible();

    await language.selectOption('en');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('button', { name: 'Detect watermark' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Detect all' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Remove', exact: true })).toBeVisible();
    await expect(page.getByRole('checkbox', { name: 'Mask overlay', exact: true })).toBeVisible();
    const en = new Intl.NumberFormat('en').format(n);
    await expect(page.getByText(`${en} px masked`)).toBeVisible();

    // Let the session save, so the reload brings the image back too.
    await expect(byTestId(page, 'session-state')).toHaveAttribute('data-state', 'saved', { timeout: WORK_TIMEOUT });
    await openApp(page);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('combobox', { name: 'Language' })).toHaveValue('en');
    await expect(byTestId(page, 'doc-item')).toHaveCount(1, { timeout: 60_000 });
    await expect(page.getByRole('button', { name: 'Detect all' })).toBeVisible();
    await expect(page.getByText(`${en} px masked`)).toBeVisible({ timeout: 60_000 });
  });
});
