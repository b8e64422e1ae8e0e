import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random';
import { pushPull } from './push-pull';

describe('pushPull', () => {
  const w = 37;
  const h = 23;
  const rand = seededRandom(4);
  const hole = Uint8Array.from({ length: w * h }, (_, i) => ((i % w) > 10 && (i % w) < 20 && i > 5 * w ? 1 : rand() < 0.2 ? 1 : 0));
  // The same values as four interleaved channels, as three and as one: each channel is filled on its own.
  const four = Float32Array.from({ length: w * h * 4 }, () => rand());
  const rgb = Float32Array.from({ length: w * h * 3 }, (_, k) => four[Math.floor(k / 3) * 4 + (k % 3)]);
  const one = Float32Array.from({ length: w * h }, (_, i) => four[i * 4 + 3]);

  it('fills the hole and leaves the rest alone', () => {
    const out = pushPull(rgb, hole, w, h);
    let changed = 0;
    for (let i = 0; i < w * h; i++) {
      for (let c = 0; c < 3; c++) {
        if (!hole[i]) expect(out[i * 3 + c]).toBe(rgb[i * 3 + c]);
        else if (out[i * 3 + c] !== rgb[i * 3 + c]) changed++;
        expect(out[i * 3 + c]).toBeGreaterThanOrEqual(0);
        expect(out[i * 3 + c]).toBeLessThanOrEqual(1);
      }
    }
    expect(changed).toBeGreaterThan(100);
  });

  it('gives the same bits with one, three and four channels', () => {
    const all = pushPull(four, hole, w, h, 4);
    const three = pushPull(rgb, hole, w, h, 3);
    const single = pushPull(one, hole, w, h, 1);
    let differ = 0;
    for (let i = 0; i < w * h; i++) {
      for (let c = 0; c < 3; c++) if (three[i * 3 + c] !== all[i * 4 + c]) differ++;
      if (single[i] !== all[i * 4 + 3]) differ++;
    }
    expect(differ).toBe(0);
  });
});
