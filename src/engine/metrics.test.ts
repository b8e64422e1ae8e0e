import { describe, expect, it } from 'vitest';
import { createMask, fillRect } from './mask';
import { changedOutside, maskF1, maskIoU, psnr, rmseW, ssim } from './metrics';
import type { RgbaImage } from './types';

function image(w: number, h: number, f: (x: number, y: number, c: number) => number): RgbaImage {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 4; c++) data[(y * w + x) * 4 + c] = f(x, y, c);
  return { width: w, height: h, data };
}

const texture = (x: number, y: number, c: number): number => (c === 3 ? 255 : (x * 7 + y * 13 + c * 50 + ((x * y) % 17) * 5) % 256);

describe('psnr / rmseW', () => {
  it('is Infinity for identical images, whatever the alpha', () => {
    const a = image(20, 10, texture);
    const b = image(20, 10, (x, y, c) => (c === 3 ? 0 : texture(x, y, c)));
    expect(psnr(a, b)).toBe(Infinity);
    const full = createMask(20, 10);
    full.data.fill(255);
    expect(rmseW(a, b, full)).toBe(0);
    expect(psnr(a, b, full)).toBe(Infinity);
  });
  it('matches the closed form for a constant offset', () => {
    const a = image(16, 16, () => 100);
    const b = image(16, 16, () => 110);
    // MSE = 100 → 10·log10(255² / 100) = 28.1308 dB.
    expect(psnr(a, b)).toBeCloseTo(10 * Math.log10((255 * 255) / 100), 10);
    expect(psnr(a, b)).toBeCloseTo(28.1308, 3);
  });
  it('restricts to the mask (fPSNR, RMSEw)', () => {
    const a = image(10, 10, () => 50);
    const b = image(10, 10, (x, _y, c) => (x < 5 ? 50 : c === 0 ? 80 : 50)); // right half differs in red by 30
    const mask = createMask(10, 10);
    fillRect(mask, { x: 5, y: 0, width: 5, height: 10 }, 255);
    // Inside: MSE = 30²/3 = 300 per channel value.
    expect(rmseW(a, b, mask)).toBeCloseTo(Math.sqrt(300), 10);
    expect(psnr(a, b, mask)).toBeCloseTo(10 * Math.log10((255 * 255) / 300), 10);
    // Whole image: half the pixels differ → MSE 150.
    expect(psnr(a, b)).toBeCloseTo(10 * Math.log10((255 * 255) / 150), 10);
    const left = createMask(10, 10);
    fillRect(left, { x: 0, y: 0, width: 5, height: 10 }, 255);
    expect(psnr(a, b, left)).toBe(Infinity);
    expect(psnr(a, b, createMask(10, 10))).toBeNaN();
  });
  it('rejects size mismatches', () => {
    expect(() => psnr(image(2, 2, () => 0), image(2, 3, () => 0))).toThrow();
  });
});

describe('ssim', () => {
  it('is 1 for identical images and drops with noise and with inversion', () => {
    const a = image(48, 40, texture);
    expect(ssim(a, a)).toBeCloseTo(1, 10);
    let s = 1;
    const noisy = image(48, 40, (x, y, c) => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return c === 3 ? 255 : texture(x, y, c) + ((s >>> 24) % 41) - 20;
    });
    const v = ssim(a, noisy);
    expect(v).toBeLessThan(0.99);
    expect(v).toBeGreaterThan(0.3);
    const inverted = image(48, 40, (x, y, c) => (c === 3 ? 255 : 255 - texture(x, y, c)));
    expect(ssim(a, inverted)).toBeLessThan(0);
  });
  it('matches the closed form for a constant luminance shift on flat images', () => {
    const a = image(20, 20, () => 100);
    const b = image(20, 20, () => 120);
    // Zero variance: SSIM = (2·μx·μy + C1) / (μx² + μy² + C1).
    const c1 = (0.01 * 255) ** 2;
    expect(ssim(a, b)).toBeCloseTo((2 * 100 * 120 + c1) / (100 * 100 + 120 * 120 + c1), 5);
    // Smaller than the window: one global window gives the same value here.
    expect(ssim(image(5, 5, () => 100), image(5, 5, () => 120))).toBeCloseTo((2 * 100 * 120 + c1) / (100 * 100 + 120 * 120 + c1), 5);
  });
});

describe('maskIoU / maskF1', () => {
  it('binarises at 128 and computes known values', () => {
    const p = createMask(10, 1);
    const t = createMask(10, 1);
    p.data.set([255, 255, 255, 128, 127, 0, 0, 0, 0, 0]); // 4 on
    t.data.set([0, 0, 255, 255, 255, 255, 0, 0, 0, 0]); // 4 on
    // tp = 2 (idx 2, 3), fp = 2, fn = 2.
    expect(maskIoU(p, t)).toBeCloseTo(2 / 6, 12);
    expect(maskF1(p, t)).toBeCloseTo(4 / 8, 12);
    expect(maskIoU(p, p)).toBe(1);
    expect(maskIoU(createMask(3, 3), createMask(3, 3))).toBe(1);
    const full = createMask(3, 3);
    full.data.fill(255);
    expect(maskF1(full, createMask(3, 3))).toBe(0);
  });
});

describe('changedOutside', () => {
  it('counts changes only where mask == 0', () => {
    const a = image(4, 1, () => 10);
    const b = image(4, 1, (x, _y, c) => (x === 1 && c === 2 ? 16 : x === 3 ? 200 : 10));
    const mask = createMask(4, 1);
    mask.data[3] = 255; // the big change is inside the mask
    const r = changedOutside(a, b, mask);
    expect(r.share).toBeCloseTo(1 / 3, 12);
    expect(r.meanAbs).toBeCloseTo(6 / 9, 12);
    mask.data.fill(255);
    expect(changedOutside(a, b, mask)).toEqual({ share: 0, meanAbs: 0 });
  });
});
