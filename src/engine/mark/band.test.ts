import { describe, expect, it } from 'vitest';
import type { Region, RgbaImage } from '../types';
import { findBands } from './band';
import { findBars } from './bar';
import { removeWithMarks } from './remove';
import { deadLeaves, periodicTexture } from './testing';

const W = 480;
const H = 360;
const TOP = 320;

/** A footer bar from row TOP down, α and W one colour, with opaque dark "text" blocks on it. */
function footer(photo: RgbaImage, alpha: number, colour: [number, number, number]): RgbaImage {
  const data = new Uint8ClampedArray(photo.data);
  for (let y = TOP; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 4;
      const text = y >= TOP + 12 && y < TOP + 28 && x % 40 < 24 && x > 120 && x < 360;
      for (let c = 0; c < 3; c++) data[i + c] = text ? 20 : Math.round((1 - alpha) * photo.data[i + c] + alpha * colour[c]);
    }
  }
  return { width: W, height: H, data };
}

const region = (x: number, y: number, width: number, height: number): Region => ({ id: 1, kind: 'text', confidence: 0.9, box: { x, y, width, height }, area: width * height, enabled: true });

describe('findBands (footer and header bars of one colour)', () => {
  it.each([
    [0.75, [240, 240, 240]],
    [0.85, [30, 30, 60]],
  ] as const)('finds a footer at α %f over a photo, with its opacity and colour', (alpha, colour) => {
    const bands = findBands(footer(deadLeaves(W, H, 5), alpha, [...colour]));
    expect(bands).toHaveLength(1);
    const [b] = bands;
    expect(Math.abs(b.rect.y - TOP)).toBeLessThanOrEqual(2);
    expect(b.rect.y + b.rect.height).toBe(H);
    expect(b.rect.x).toBe(0);
    expect(b.rect.width).toBe(W);
    expect(Math.abs(b.opacity - alpha)).toBeLessThan(0.05);
    for (let c = 0; c < 3; c++) expect(Math.abs(b.colour[c] - colour[c])).toBeLessThan(12);
  });

  it('reads a solid footer as solid where ringing carries the picture a few rows into it', () => {
    const photo = deadLeaves(W, H, 5);
    const data = new Uint8ClampedArray(photo.data);
    for (let y = TOP; y < H; y++) {
      // As JPEG ringing at a strong edge: the picture leaks into the bar's first rows, fading.
      const alpha = [0.7, 0.8, 0.9, 0.95][y - TOP] ?? 0.99;
      for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) data[(y * W + x) * 4 + c] = Math.round((1 - alpha) * photo.data[(y * W + x) * 4 + c] + alpha * 235);
    }
    const [b] = findBands({ width: W, height: H, data });
    expect(b.opacity).toBeGreaterThan(0.95);
  });

  it("refuses the picture's own edges: another, duller texture below a line, and shading", () => {
    const top = deadLeaves(W, H, 5);
    const other = deadLeaves(W, H, 9);
    const horizon = new Uint8ClampedArray(top.data);
    const shaded = new Uint8ClampedArray(top.data);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = (y * W + x) * 4;
        for (let c = 0; c < 3; c++) {
          if (y >= TOP) horizon[i + c] = 0.3 * other.data[i + c] + 0.7 * 200;
          // Contrast falling smoothly to a third towards the bottom, around a grey.
          shaded[i + c] = 128 + (top.data[i + c] - 128) * (1 - (2 / 3) * (y / H));
        }
      }
    }
    expect(findBands({ width: W, height: H, data: horizon })).toEqual([]);
    expect(findBands({ width: W, height: H, data: shaded })).toEqual([]);
    expect(findBands(top)).toEqual([]);
  });
});

describe('findBands on periodic pictures', () => {
  it.each(['tiles', 'weave', 'plaid'] as const)('finds no bar in %s, whose straight edges repeat', (kind) => {
    expect(findBands(periodicTexture(kind, 800, 600))).toEqual([]);
  });
});

describe('findBars', () => {
  const image = footer(deadLeaves(W, H, 5), 0.75, [240, 240, 240]);

  it('gives a bar that a detected region stands on as a region of its own: the whole bar, an overlay', () => {
    const [bar, ...rest] = findBars(image, [region(130, TOP + 10, 220, 20)]).map((b) => b.region);
    expect(rest).toEqual([]);
    expect(bar.verdict).toBe('overlay');
    expect(bar.mask.data[(H - 1) * W + 5]).toBe(255);
    expect(bar.mask.data[(TOP + 4) * W + W - 3]).toBe(255);
    expect(bar.mask.data[(TOP - 6) * W + 200]).toBe(0);
  });

  it('ignores a bar that no detected region stands on', () => {
    expect(findBars(image, [])).toEqual([]);
    expect(findBars(image, [region(100, 40, 120, 30)])).toEqual([]);
  });
});

describe('barField', () => {
  it('inverts the picture under a footer and leaves what is printed on it to the fill', async () => {
    const photo = deadLeaves(W, H, 5);
    const image = footer(photo, 0.75, [240, 240, 240]);
    const [bar] = findBars(image, [region(130, TOP + 10, 220, 20)]);
    const { field } = bar;
    expect(Math.abs(field.bounds.y - TOP)).toBeLessThanOrEqual(1);
    // The printed blocks (opaque, dark) are α 1; the bar's plain part is its opacity.
    expect(field.alphaAt(130, TOP + 20)).toBe(1);
    expect(Math.abs(field.alphaAt(20, TOP + 30) - 0.75)).toBeLessThan(0.05);
    expect(field.alphaAt(20, TOP - 3)).toBe(0);
    const out = (await removeWithMarks(image, null, [{ field, method: 'one-colour' }], { kind: 'telea' })).image;
    // Inside the bar, away from the print and its edge: the picture comes back.
    let se = 0;
    let n = 0;
    for (let y = TOP + 3; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (y >= TOP + 9 && y < TOP + 31 && x > 110 && x < 370) continue;
        for (let c = 0; c < 3; c++) se += (out.data[(y * W + x) * 4 + c] - photo.data[(y * W + x) * 4 + c]) ** 2;
        n += 3;
      }
    }
    // (The input scores about 10 dB there; the inversion is 29 with this estimate of α.)
    expect(10 * Math.log10((255 * 255) / (se / n))).toBeGreaterThan(27);
    // Above the bar nothing changed.
    for (let i = 0; i < (TOP - 2) * W * 4; i++) if (out.data[i] !== image.data[i]) throw new Error(`pixel ${i >> 2} above the bar changed`);
  });
});
