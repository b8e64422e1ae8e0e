import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random';
import { patchFill } from './patch-fill';
import { textureFeatures } from './texture';

const W = 160;
const H = 120;

/** Left of SPLIT: grey 128 with ±40 pixel noise; right of it: flat grey 128. The two halves have the same mean colour. */
const SPLIT = 96;
function halves(seed: number): Uint8ClampedArray {
  const random = seededRandom(seed);
  const out = new Uint8ClampedArray(W * H * 4);
  for (let i = 0; i < W * H; i++) {
    const v = i % W < SPLIT ? 128 + Math.round((random() * 2 - 1) * 40) : 128;
    out.set([v, v, v, 255], i * 4);
  }
  return out;
}

/** Mean squared horizontal and vertical difference of the red channel over the selected pixels. */
function energy(rgba: Uint8ClampedArray, sel: (x: number, y: number) => boolean): number {
  let s = 0;
  let n = 0;
  for (let y = 1; y < H - 1; y++) {
    for (let x = 1; x < W - 1; x++) {
      if (!sel(x, y)) continue;
      const i = (y * W + x) * 4;
      s += (rgba[i + 4] - rgba[i]) ** 2 + (rgba[i + W * 4] - rgba[i]) ** 2;
      n++;
    }
  }
  return s / n;
}

describe('texture features for the patch distance', () => {
  it('are the mean absolute gradients of the known pixels: 0 on flat ground, large on noise, 0 in the hole', () => {
    const img = halves(3);
    const rgb = new Float32Array(W * H * 3);
    for (let i = 0; i < W * H; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = img[i * 4 + c];
    const hole = new Uint8Array(W * H);
    hole[60 * W + 40] = 1;
    const f = textureFeatures(rgb, hole, W, H);
    expect(f[(60 * W + 140) * 2]).toBe(0);
    expect(f[(60 * W + 140) * 2 + 1]).toBe(0);
    expect(f[(30 * W + 40) * 2]).toBeGreaterThan(15);
    expect(f[(30 * W + 40) * 2 + 1]).toBeGreaterThan(15);
    expect(f[(60 * W + 40) * 2]).toBe(0);
  });

  it('fill a hole in grain with grain, although flat patches of the same mean colour lie next to it', () => {
    const img = halves(3);
    // A 40 × 40 hole in the noisy half whose right edge is 8 px from the flat half.
    const x0 = SPLIT - 48;
    const y0 = 40;
    const inHole = (x: number, y: number) => x >= x0 && x < x0 + 40 && y >= y0 && y < y0 + 40;
    const fill = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (inHole(x, y)) fill[y * W + x] = 255;
    const out = patchFill(img, W, H, fill, { seed: 1 });
    const ring = (x: number, y: number) => x < SPLIT && !inHole(x, y) && x >= x0 - 12 && x < x0 + 52 && y >= y0 - 12 && y < y0 + 52;
    const ratio = energy(out, inHole) / energy(out, ring);
    // Measured: 0.91 with the features, 0.01 (a flat fill) with colours alone.
    expect(ratio).toBeGreaterThan(0.6);
  });
});
