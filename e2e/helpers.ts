/// <reference lib="dom" />
/**
 * Shared steps for the browser tests. Everything goes through the UI's
 * data-testid hooks and real input events; the only back door is the read-only
 * `window.__unmark` probe (mask pixel count, zoom).
 */
import { expect, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export * from './pixels';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FixtureInfo {
  format: string;
  bytes: number;
  width?: number;
  height?: number;
  text?: string;
  /** Ink box of the watermark text in image pixels (see make-fixtures.mjs). */
  textBox?: Box;
  /** The same picture without the watermark (ground truth for removal). */
  clean?: string;
}

declare global {
  interface Window {
    __unmark?: { maskCount(): number; zoom(): number };
  }
}

export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const fixtures: Record<string, FixtureInfo> = JSON.parse(
  readFileSync(join(FIXTURES_DIR, 'fixtures.json'), 'utf8'),
) as Record<string, FixtureInfo>;

export function fixturePath(name: string): string {
  return join(FIXTURES_DIR, name);
}

export function fixtureBytes(name: string): Promise<Buffer> {
  return readFile(fixturePath(name));
}

export function textBoxOf(name: string): Box {
  const box = fixtures[name]?.textBox;
  if (!box) throw new Error(`fixture ${name} has no textBox in fixtures.json`);
  return box;
}

/** Inference is slow on small shared CPUs; the first run also compiles the wasm. */
export const MODEL_TIMEOUT = 150_000;
export const WORK_TIMEOUT = 90_000;

export const byTestId = (page: Page, id: string): Locator => page.getByTestId(id);

/**
 * Opens the app with the WASM backend forced and waits until the models are
 * loaded: the backend badge names the backend, no model progress is shown and
 * the status is neither loading nor error.
 */
export async function openApp(
  page: Page,
  opts: { backend?: 'wasm' | 'webgpu'; timeout?: number; query?: string } = {},
): Promise<void> {
  const backend = opts.backend ?? 'wasm';
  await page.goto(`/?backend=${backend}${opts.query ? `&${opts.query}` : ''}`);
  await waitForModels(page, backend, opts.timeout);
}

export async function waitForModels(page: Page, backend: 'wasm' | 'webgpu' = 'wasm', timeout = MODEL_TIMEOUT): Promise<void> {
  await expect(byTestId(page, 'backend-badge')).toContainText(backend === 'wasm' ? 'WASM' : 'WebGPU', { timeout });
  await expect(byTestId(page, 'model-progress')).toBeHidden({ timeout });
  await expect(byTestId(page, 'status')).toHaveAttribute('data-state', /^(idle|done)$/, { timeout });
  await expect(byTestId(page, 'file-input')).toBeAttached();
  await expect.poll(() => page.evaluate(() => typeof window.__unmark?.maskCount), { timeout }).toBe('function');
  await expectNoErrorToast(page);
}

export async function expectNoErrorToast(page: Page): Promise<void> {
  const toast = byTestId(page, 'error-toast');
  if ((await toast.count()) > 0) {
    const codes = await toast.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-code')}: ${e.textContent}`));
    throw new Error(`unexpected error toast(s): ${codes.join(' | ')}`);
  }
}

/** Sets the file input to one or more fixtures and waits until they are open. */
export async function loadFixtures(page: Page, names: string[]): Promise<void> {
  const items = byTestId(page, 'doc-item');
  const before = await items.count();
  await byTestId(page, 'file-input').setInputFiles(names.map(fixturePath));
  await expect(items).toHaveCount(before + names.length, { timeout: WORK_TIMEOUT });
  await expect(byTestId(page, 'viewport')).toBeVisible();
  await expect(byTestId(page, 'status')).toHaveAttribute('data-state', /^(idle|done)$/, { timeout: WORK_TIMEOUT });
  await expectNoErrorToast(page);
}

export const loadFixture = (page: Page, name: string): Promise<void> => loadFixtures(page, [name]);

export function maskCount(page: Page): Promise<number> {
  return page.evaluate(() => {
    if (!window.__unmark) throw new Error('window.__unmark is missing');
    return window.__unmark.maskCount();
  });
}

export function zoom(page: Page): Promise<number> {
  return page.evaluate(() => {
    if (!window.__unmark) throw new Error('window.__unmark is missing');
    return window.__unmark.zoom();
  });
}

export async function maskVersion(page: Page): Promise<number> {
  const v = await byTestId(page, 'viewport').getAttribute('data-mask-version');
  if (v === null) throw new Error('viewport has no data-mask-version');
  return Number(v);
}

/** Waits for the mask to change after `action`, then returns the new mask count. */
export async function afterMaskChange(page: Page, action: () => Promise<void>): Promise<number> {
  const v0 = await maskVersion(page);
  await action();
  await expect.poll(() => maskVersion(page), { timeout: WORK_TIMEOUT }).toBeGreaterThan(v0);
  return maskCount(page);
}

export async function viewportBox(page: Page): Promise<Box> {
  const box = await byTestId(page, 'viewport').boundingBox();
  if (!box) throw new Error('viewport has no bounding box');
  return box;
}

/**
 * Maps image pixels to page pixels assuming the image is fitted and centred in
 * the viewport canvas (the state after opening an image or pressing F).
 */
export async function imageToPage(page: Page, imageSize: { width: number; height: number }): Promise<(x: number, y: number) => { x: number; y: number }> {
  const vb = await viewportBox(page);
  const z = await zoom(page);
  const ox = vb.x + (vb.width - imageSize.width * z) / 2;
  const oy = vb.y + (vb.height - imageSize.height * z) / 2;
  return (x, y) => ({ x: ox + x * z, y: oy + y * z });
}

/** A drag with real mouse events (pointerdown/move/up on the viewport). */
export async function drag(page: Page, points: Array<{ x: number; y: number }>, stepsPerSegment = 8): Promise<void> {
  const [first, ...rest] = points;
  await page.mouse.move(first.x, first.y);
  await page.mouse.down();
  for (const p of rest) await page.mouse.move(p.x, p.y, { steps: stepsPerSegment });
  await page.mouse.up();
}

/** Clicks detect and waits for regions (or an error toast, which then fails the test). */
export async function detect(page: Page): Promise<void> {
  await byTestId(page, 'detect-button').click();
  const regionOrError = byTestId(page, 'region-item').first().or(byTestId(page, 'error-toast').first());
  await expect(regionOrError).toBeVisible({ timeout: MODEL_TIMEOUT });
  await expectNoErrorToast(page);
  await expect(byTestId(page, 'status')).toHaveAttribute('data-state', /^(idle|done)$/, { timeout: WORK_TIMEOUT });
}

/** Chooses a removal method, clicks remove and waits for the result. */
export async function removeWith(page: Page, method: string): Promise<void> {
  await byTestId(page, 'method-select').selectOption(method);
  await byTestId(page, 'remove-button').click();
  const viewport = byTestId(page, 'viewport');
  const resultOrError = page
    .locator('[data-testid="viewport"][data-has-result="true"]')
    .or(byTestId(page, 'error-toast').first());
  await expect(resultOrError).toBeVisible({ timeout: MODEL_TIMEOUT });
  await expectNoErrorToast(page);
  await expect(viewport).toHaveAttribute('data-has-result', 'true');
  await expect(byTestId(page, 'status')).toHaveAttribute('data-state', /^(idle|done)$/, { timeout: WORK_TIMEOUT });
}

export async function methodOptions(page: Page): Promise<string[]> {
  return byTestId(page, 'method-select')
    .locator('option')
    .evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
}

/** Clicks a download button and returns the file the browser saved. */
export async function download(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: WORK_TIMEOUT }), byTestId(page, testId).click()]);
  const failure = await dl.failure();
  if (failure) throw new Error(`download failed: ${failure}`);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), bytes: await readFile(path) };
}

/** Intersection over union and how much of `target` lies inside `found`. */
export function overlap(found: Box, target: Box): { iou: number; coverage: number } {
  const ix = Math.max(0, Math.min(found.x + found.width, target.x + target.width) - Math.max(found.x, target.x));
  const iy = Math.max(0, Math.min(found.y + found.height, target.y + target.height) - Math.max(found.y, target.y));
  const inter = ix * iy;
  const union = found.width * found.height + target.width * target.height - inter;
  return { iou: union > 0 ? inter / union : 0, coverage: inter / (target.width * target.height) };
}

export function parseBox(attr: string | null): Box | null {
  if (!attr) return null;
  const parts = attr.split(',').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) return null;
  const [x, y, width, height] = parts;
  return { x, y, width, height };
}

export interface RegionInfo {
  kind: string | null;
  confidence: number;
  box: Box | null;
}

/**
 * The detected regions as the UI lists them. The box comes from data-box="x,y,w,h"
 * when the item has it, else from its visible "W×H at X,Y" label.
 */
export async function regions(page: Page): Promise<RegionInfo[]> {
  const raw = await byTestId(page, 'region-item').evaluateAll((els) =>
    els.map((e) => ({
      kind: e.getAttribute('data-kind'),
      confidence: e.getAttribute('data-confidence'),
      box: e.getAttribute('data-box'),
      text: e.textContent ?? '',
    })),
  );
  return raw.map((r) => {
    let box = parseBox(r.box);
    const m = /(\d+)\s*[×x]\s*(\d+)\s+at\s+(\d+)\s*,\s*(\d+)/.exec(r.text);
    if (!box && m) box = { x: Number(m[3]), y: Number(m[4]), width: Number(m[1]), height: Number(m[2]) };
    return { kind: r.kind, confidence: Number(r.confidence), box };
  });
}

/** One stroke across the fixture's watermark text (its ink box from make-fixtures.mjs); resolves to the masked pixel count. */
export async function paintAcrossText(page: Page, name: string): Promise<number> {
  const info = fixtures[name];
  const toPage = await imageToPage(page, { width: info.width!, height: info.height! });
  const box = info.textBox!;
  const cy = box.y + box.height / 2;
  return afterMaskChange(page, () => drag(page, [toPage(box.x, cy), toPage(box.x + box.width, cy)]));
}

/** From the engine worker's next call on, it answers nothing and then dies with an uncaught error (a crash mid-job). */
export async function crashEngineWorkerOnNextCall(page: Page): Promise<void> {
  const engineWorker = page.workers().find((w) => w.url().includes('engine'));
  if (!engineWorker) throw new Error(`no engine worker among ${page.workers().map((w) => w.url()).join(', ')}`);
  await engineWorker.evaluate(() => {
    const scope = self as unknown as { postMessage: (...a: unknown[]) => void };
    scope.postMessage = () => undefined;
    self.addEventListener('message', () => setTimeout(() => {
      throw new Error('injected crash');
    }, 200), { once: true });
  });
}
