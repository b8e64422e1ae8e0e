import { describe, expect, it } from 'vitest';
import { psnr } from '../metrics';
import type { Mask, Rect, RgbaImage } from '../types';
import { invertMarks } from './invert';
import { fitOneColour } from './single';
import { composite, coverage, logoShape, noisePhoto } from './testing';

const W = 320;
const H = 240;
const box: Rect = { x: 90, y: 80, width: 140, height: 80 };
const boxMask = (): Mask => {
  const m: Mask = { width: W, height: H, data: new Uint8Array(W * H) };
  for (let y = box.y; y < box.y + box.height; y++) m.data.fill(255, y * W + box.x, y * W + box.x + box.width);
  return m;
};
const shape = logoShape(120, 60);
const markAt = (x: number, y: number) => coverage(shape, x - 100, y - 90);

describe('one instance, one colour', () => {
  it('calls a semi-transparent one-colour mark an overlay and inverts it', () => {
    const photo = noisePhoto(W, H, 3);
    const { image, alpha } = composite(photo, (x, y) => 0.35 * markAt(x, y), [1, 1, 1]);
    const fit = fitOneColour(image, boxMask(), box);
    expect(fit.verdict).toBe('overlay');
    expect(fit.opacity).toBeGreaterThan(0.2);
    expect(fit.opacity).toBeLessThan(0.5);
    const truth: Mask = { width: W, height: H, data: Uint8Array.from(alpha, (a) => (a > 0 ? 255 : 0)) };
    const out = invertMarks(image, [fit.field!], { limit: boxMask() });
    expect(psnr(out.image, photo, truth) - psnr(image, photo, truth)).toBeGreaterThan(6);
  });

  it('calls opaque black text on white paper opaque, and leaves it to a fill', () => {
    const paper: RgbaImage = { width: W, height: H, data: new Uint8ClampedArray(W * H * 4).fill(246) };
    const { image } = composite(paper, (x, y) => markAt(x, y), [0.05, 0.05, 0.05]);
    const fit = fitOneColour(image, boxMask(), box);
    expect(fit.verdict).toBe('opaque');
    expect(fit.field).toBeNull();
  });

  it('calls a region of multicoloured content not a blend', () => {
    const photo = noisePhoto(W, H, 8);
    const data = new Uint8ClampedArray(photo.data);
    for (let y = 95; y < 145; y++) for (let x = 100; x < 220; x++) {
      const o = (y * W + x) * 4;
      data[o] = (x * 37) % 255;
      data[o + 1] = (y * 53) % 255;
      data[o + 2] = ((x + y) * 17) % 255;
    }
    const fit = fitOneColour({ width: W, height: H, data }, boxMask(), box);
    expect(fit.verdict).toBe('not-a-blend');
  });
});
