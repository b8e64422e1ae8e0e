import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { psnr } from '../metrics';
import type { Mask, RgbaImage } from '../types';
import type { MarkField } from './field';
import { denoiseInverted } from './denoise';
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

describe('denoiseInverted fast path', () => {
  /** The bilateral mean as the module's comment defines it, with the border branch's arithmetic at every pixel. */
  function reference(src: RgbaImage, alpha255: Uint8Array): Uint8ClampedArray {
    const { width: w, height: h } = src;
    const R = 2;
    const spatial = new Float32Array(25);
    for (let dy = -R; dy <= R; dy++) for (let dx = -R; dx <= R; dx++) spatial[(dy + R) * 5 + dx + R] = Math.exp(-(dx * dx + dy * dy) / (2 * 1.5 ** 2));
    const range = new Float32Array(1024);
    for (let j = 0; j < 1024; j++) range[j] = Math.exp(-((j / 4) ** 2) / (2 * 16 ** 2));
    const d = src.data;
    const out = d.slice();
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const a255 = alpha255[y * w + x];
        if (!a255) continue;
        const a = a255 / 255;
        const o = (y * w + x) * 4;
        const scale = (4 / 3) * (1 - a);
        let [ws, sr, sg, sb] = [0, 0, 0, 0];
        for (let yy = Math.max(0, y - R); yy <= Math.min(h - 1, y + R); yy++) {
          for (let xx = Math.max(0, x - R); xx <= Math.min(w - 1, x + R); xx++) {
            const q = (yy * w + xx) * 4;
            const dd = Math.abs(d[q] - d[o]) + Math.abs(d[q + 1] - d[o + 1]) + Math.abs(d[q + 2] - d[o + 2]);
            const j = (dd * scale + 0.5) | 0;
            const wt = spatial[(yy - y + R) * 5 + xx - x + R] * range[Math.min(1023, j)];
            sr += wt * d[q];
            sg += wt * d[q + 1];
            sb += wt * d[q + 2];
            ws += wt;
          }
        }
        const mix = (1 - (1 - a) * (1 - a)) / ws;
        out[o] = d[o] + mix * (sr - ws * d[o]);
        out[o + 1] = d[o + 1] + mix * (sg - ws * d[o + 1]);
        out[o + 2] = d[o + 2] + mix * (sb - ws * d[o + 2]);
      }
    }
    return out;
  }

  it('gives the plain definition bit for bit, inside the image and at its border', () => {
    const image = noisePhoto(96, 64, 5);
    const alpha255 = new Uint8Array(96 * 64);
    // Every α level, on pixels inside and along all four borders.
    for (let p = 0; p < alpha255.length; p++) if (p % 3 !== 1) alpha255[p] = 1 + (p * 37) % 255;
    const want = reference(image, alpha255);
    const got = { ...image, data: image.data.slice() };
    denoiseInverted(got, alpha255);
    let differ = 0;
    for (let i = 0; i < want.length; i++) if (got.data[i] !== want[i]) differ++;
    expect(differ).toBe(0);
    // And it did something: the reference is not the input.
    expect(want.some((v, i) => v !== image.data[i])).toBe(true);
  });
});
