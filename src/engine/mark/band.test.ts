import { describe, expect, it } from 'vitest';
import type { Region, RgbaImage } from '../types';
import { barRegions, findBands } from './band';
import { deadLeaves } from './testing';

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

describe('barRegions', () => {
  const image = footer(deadLeaves(W, H, 5), 0.75, [240, 240, 240]);

  it('gives a bar that a detected region stands on as a region of its own: the whole bar, an overlay', () => {
    const [bar, ...rest] = barRegions(image, [region(130, TOP + 10, 220, 20)]);
    expect(rest).toEqual([]);
    expect(bar.verdict).toBe('overlay');
    expect(bar.mask.data[(H - 1) * W + 5]).toBe(255);
    expect(bar.mask.data[(TOP + 4) * W + W - 3]).toBe(255);
    expect(bar.mask.data[(TOP - 6) * W + 200]).toBe(0);
  });

  it('ignores a bar that no detected region stands on', () => {
    expect(barRegions(image, [])).toEqual([]);
    expect(barRegions(image, [region(100, 40, 120, 30)])).toEqual([]);
  });
});
