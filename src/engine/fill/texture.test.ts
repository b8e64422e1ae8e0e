import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random';
import { patchFill } from './patch-fill';
import { textureFeatures } from './texture';

describe('textureFeatures', () => {
  it('gives the mean absolute step per axis, and never reads a hole pixel', () => {
    // Columns alternate 100 / 130: |Δx| = 30 everywhere, |Δy| = 0; a hole of 255s in the middle.
    const W = 24;
    const H = 16;
    const rgb = new Float32Array(W * H * 3);
    const hole = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        rgb.fill(x % 2 ? 130 : 100, i * 3, i * 3 + 3);
        if (x >= 10 && x < 14 && y >= 6 && y < 10) {
          hole[i] = 1;
          rgb.fill(255, i * 3, i * 3 + 3);
        }
      }
    }
    const f = textureFeatures(rgb, hole, W, H);
    for (let i = 0; i < W * H; i++) {
      const x = i % W;
      if (hole[i]) {
        expect([f[i * 2], f[i * 2 + 1]]).toEqual([0, 0]);
      } else if (x < W - 1) {
        expect(f[i * 2]).toBeCloseTo(30, 4);
        expect(f[i * 2 + 1]).toBe(0);
      }
    }
  });
});

describe('patch fill with texture features', () => {
  it('fills a stroke in fine grain with grain, though flat ground next to it matches a blurry estimate better', () => {
    // Left half: i.i.d. grain ±40 around 120; right half: flat 120. Two 8-px strokes in the grain.
    const W = 120;
    const H = 80;
    const random = seededRandom(5);
    const rgba = new Uint8ClampedArray(W * H * 4);
    const hole = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        const v = x < 60 ? 120 + Math.round((random() * 2 - 1) * 40) : 120;
        rgba.set([v, v, v, 255], i * 4);
        if (x >= 14 && x < 46 && ((y >= 24 && y < 32) || (y >= 48 && y < 56))) hole[i] = 1;
      }
    }
    const out = patchFill(rgba, W, H, hole, { seed: 1 });
    const energy = (sel: (x: number, y: number) => boolean) => {
      let s = 0;
      let n = 0;
      for (let y = 0; y < H - 1; y++) {
        for (let x = 0; x < W - 1; x++) {
          if (!sel(x, y)) continue;
          const i = y * W + x;
          s += (out[(i + 1) * 4] - out[i * 4]) ** 2 + (out[(i + W) * 4] - out[i * 4]) ** 2;
          n++;
        }
      }
      return s / n;
    };
    const inHole = (x: number, y: number) => hole[y * W + x] === 1;
    const grainRing = (x: number, y: number) => x >= 6 && x < 54 && !inHole(x, y) && ((y >= 16 && y < 40) || (y >= 40 && y < 64));
    const ratio = energy(inHole) / energy(grainRing);
    expect(ratio).toBeGreaterThan(0.7);
    expect(ratio).toBeLessThan(1.3);
  });
});
