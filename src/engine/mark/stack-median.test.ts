import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random';
import type { RgbaImage } from '../types';
import { pixelStack } from './cell-stack';
import { stackMedian } from './stack-median';

/** Random bytes from `levels` values 16 apart or 1 apart, so medians land on ties and coarse-bin edges. */
function image(width: number, height: number, seed: number, step: number): RgbaImage {
  const rand = seededRandom(seed);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i & 3) === 3 ? 255 : Math.min(255, Math.floor(rand() * (256 / step)) * step + (step > 1 ? 15 : 0));
  return { width, height, data };
}

describe('stackMedian on a pixel-exact stack', () => {
  // Counted medians (bytesRow) against selection over the same Float32 rows (row), to the bit;
  // border-cut instances give each grid point its own count, odd and even.
  for (const [w, h, step, hnf] of [
    [61, 47, 16, { a: 9, b: 4, c: 7 }],
    [50, 40, 1, { a: 8, b: 0, c: 6 }],
    [33, 29, 64, { a: 5, b: 2, c: 4 }],
  ] as const) {
    it(`matches selection (${w}×${h}, values ${step} apart, cell ${hnf.a}×${hnf.c})`, () => {
      const stack = pixelStack(image(w, h, w * h, step), hnf);
      expect(stack.bytesRow).toBeTypeOf('function');
      const counted = stackMedian(stack);
      const selected = stackMedian({ ...stack, bytesRow: undefined });
      expect(stack.count).toBeGreaterThan(stack.whole ?? 0); // cut instances: counts differ per point
      expect(Array.from(counted.medJ)).toEqual(Array.from(selected.medJ));
      expect(counted.spread).toEqual(selected.spread);
      expect(counted.cache.map((c) => Array.from(c))).toEqual(selected.cache.map((c) => Array.from(c)));
      expect(counted.medJ.some((v) => Number.isNaN(v))).toBe(false);
    });
  }
});
