/**
 * The hostile corpus (e2e/corpus/hostile.ts), the entries marked `browser`,
 * opened in the app one by one: a refusal shows an error toast with the same
 * code as the CLI gives, an accepted file opens at the same display size.
 */
import { expect, test } from '@playwright/test';
import { makeHostileCorpus, type CorpusEntry } from './corpus/hostile';
import { byTestId, openApp } from './helpers';

let entries: CorpusEntry[] = [];

test.beforeAll(async () => {
  entries = (await makeHostileCorpus()).filter((c) => c.browser);
});

test('at least 15 hostile files give the same outcome as in the CLI', async ({ page }) => {
  expect(entries.length).toBeGreaterThanOrEqual(15);
  await openApp(page);
  const mismatches: string[] = [];
  for (const c of entries) {
    const docs = byTestId(page, 'doc-item');
    const before = await docs.count();
    await byTestId(page, 'file-input').setInputFiles({ name: c.name, mimeType: 'application/octet-stream', buffer: c.bytes });
    const toast = byTestId(page, 'error-toast');
    await expect(toast.or(docs.nth(before))).toBeVisible({ timeout: 30_000 });
    let got: string;
    if ((await toast.count()) > 0) {
      got = (await toast.first().getAttribute('data-code')) ?? 'no code';
      await toast.first().getByRole('button').click();
      await expect(toast).toHaveCount(0);
    } else {
      const title = (await docs.nth(before).locator('.doc-select').getAttribute('title')) ?? '';
      got = `ok ${/(\d+)×(\d+)/.exec(title)?.slice(1, 3).join('×') ?? title}`;
    }
    const want = c.expect.ok ? `ok ${c.expect.width}×${c.expect.height}` : c.expect.code;
    if (got !== want) mismatches.push(`${c.name} (${c.why}): got ${got}, want ${want}`);
  }
  expect(mismatches).toEqual([]);
});
