import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { psnr } from '../metrics';
import type { Mask, RgbaImage } from '../types';
import type { MarkField } from './field';
import { invertMarks } from './invert';
import { composite, coverage, logoShape, noisePhoto } from './testing';

const W = 320;
const H = 240;
const shape = logoShape(160, 80);

async function jpeg(image: RgbaImage, quality: number): Promise<RgbaImage> {
  const bytes = await sharp(Buffer.from(image.data), { raw: { width: W, height: H, channels: 4 } }).removeAlpha().jpeg({ quality }).toBuffer();
  const { data } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: W, height: H, data: new Uint8ClampedArray(data) };
}

describe('denoising after inversion', () => {
  it('takes back part of the JPEG error the inversion amplifies, with the true α and W (≥ 1 dB inside the mark)', async () => {
    const photo = noisePhoto(W, H, 21);
    const alphaAt = (x: number, y: number) => 0.6 * coverage(shape, x - 80, y - 80);
    const { image, alpha } = composite(photo, alphaAt, [1, 1, 1]);
    const marked = await jpeg(image, 80);
    // The reference is the photo through the same JPEG: what a perfect inversion could give back.
    const clean = await jpeg(photo, 80);
    const field: MarkField = { colour: [1, 1, 1], bounds: { x: 0, y: 0, width: W, height: H }, alphaAt };
    const mask: Mask = { width: W, height: H, data: Uint8Array.from(alpha, (a) => (a > 0.01 ? 255 : 0)) };
    const plain = psnr(invertMarks(marked, [field], { denoise: false }).image, clean, mask);
    const denoised = psnr(invertMarks(marked, [field]).image, clean, mask);
    expect(denoised).toBeGreaterThan(plain + 1);
  });

  it('changes only pixels it inverted', () => {
    const photo = noisePhoto(W, H, 22);
    const alphaAt = (x: number, y: number) => 0.5 * coverage(shape, x - 80, y - 80);
    const { image } = composite(photo, alphaAt, [1, 1, 1]);
    const out = invertMarks(image, [{ colour: [1, 1, 1], bounds: { x: 0, y: 0, width: W, height: H }, alphaAt }]);
    let differ = 0;
    let inverted = 0;
    for (let p = 0; p < W * H; p++) {
      if (out.changed.data[p]) inverted++;
      else for (let c = 0; c < 4; c++) if (out.image.data[p * 4 + c] !== image.data[p * 4 + c]) differ++;
    }
    expect(inverted).toBeGreaterThan(1000);
    expect(differ).toBe(0);
  });
});
