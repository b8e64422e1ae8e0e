/**
 * Issue 13: white anti-aliased text on a smooth sky, JPEG-compressed, filled by
 * Telea through the pipeline. Before the fix the fill carried coloured streaks:
 * chroma variance 8.9 (Cb) and 8.1 (Cr) levels² inside the mask, from the
 * halo/ringing used as boundary and OpenCV's per-channel ±√2 gradient kicks.
 * The clean JPEG of the same sky has 0.7 and 0.2.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { coverage } from '../mark/testing';
import { removeMarks } from '../remove';
import type { Mask, RgbaImage } from '../types';

const W = 320;
const H = 160;
const sky = (x: number, y: number) => [70 + 0.12 * x + 0.1 * y, 130 + 0.08 * x + 0.2 * y, 235 - 0.05 * x - 0.1 * y];

/** "A O F /" drawn as 6.4-px strokes: bars and a ring. */
function letters(x: number, y: number): number {
  const bar = (x0: number, y0: number, x1: number, y1: number) => {
    const dx = x1 - x0;
    const dy = y1 - y0;
    const len = Math.hypot(dx, dy);
    const t = ((x - x0) * dx + (y - y0) * dy) / (len * len);
    return t >= 0 && t <= 1 && Math.abs(((x - x0) * dy - (y - y0) * dx) / len) <= 3.2;
  };
  const ring = Math.abs(Math.hypot(x - 150, y - 80) - 36) <= 3.2;
  return ring || bar(40, 120, 70, 40) || bar(70, 40, 100, 120) || bar(52, 90, 88, 90) || bar(210, 40, 210, 120) || bar(210, 40, 250, 40) || bar(210, 80, 240, 80) || bar(265, 120, 295, 40) ? 1 : 0;
}

async function markedSky(ink: [number, number, number] = [255, 255, 255]): Promise<{ image: RgbaImage; alpha: Float32Array }> {
  const rgb = new Uint8Array(W * H * 3);
  const alpha = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const a = coverage(letters, x, y);
      alpha[y * W + x] = a;
      const s = sky(x, y);
      for (let c = 0; c < 3; c++) rgb[(y * W + x) * 3 + c] = Math.round((1 - a) * s[c] + a * ink[c]);
    }
  }
  const jpeg = await sharp(Buffer.from(rgb), { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 75 }).toBuffer();
  const { data } = await sharp(jpeg).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { image: { width: W, height: H, data: new Uint8ClampedArray(data) }, alpha };
}

/** Variance (levels²) of the BT.601 chroma of (fill − true sky) over the mask, and its mean. */
function chromaVariance(out: RgbaImage, mask: Mask): { cb: number; cr: number; meanCb: number; meanCr: number } {
  let n = 0;
  let sb = 0;
  let sbb = 0;
  let sr = 0;
  let srr = 0;
  for (let i = 0; i < W * H; i++) {
    if (!mask.data[i]) continue;
    const s = sky(i % W, Math.floor(i / W));
    const r = out.data[i * 4] - s[0];
    const g = out.data[i * 4 + 1] - s[1];
    const b = out.data[i * 4 + 2] - s[2];
    const cb = -0.1687 * r - 0.3313 * g + 0.5 * b;
    const cr = 0.5 * r - 0.4187 * g - 0.0813 * b;
    sb += cb;
    sbb += cb * cb;
    sr += cr;
    srr += cr * cr;
    n++;
  }
  return { cb: sbb / n - (sb / n) ** 2, cr: srr / n - (sr / n) ** 2, meanCb: sb / n, meanCr: sr / n };
}

describe('fill colour on a JPEG sky (issue 13 streaks)', () => {
  for (const [name, threshold] of [['the whole anti-aliased glyph', 0.02], ['the glyph core (α > 0.5)', 0.5]] as const) {
    it(`Telea through the pipeline, mask = ${name}: chroma variance below 3 levels²`, async () => {
      const { image, alpha } = await markedSky();
      const mask: Mask = { width: W, height: H, data: Uint8Array.from(alpha, (a) => (a > threshold ? 255 : 0)) };
      const out = (await removeMarks(image, mask, { kind: 'telea' })).image;
      const v = chromaVariance(out, mask);
      expect(v.cb).toBeLessThan(3);
      expect(v.cr).toBeLessThan(3);
      // Only the mask is written: the halo that was filled around it is left as it was.
      for (let i = 0; i < W * H; i++) if (!mask.data[i]) expect(out.data[i * 4 + 1]).toBe(image.data[i * 4 + 1]);
    });
  }

  it('the patch fill through the pipeline, yellow glyphs: no yellow tint from the chroma JPEG bled around them', async () => {
    // 4:2:0 spreads the ink's colour a few pixels out; before bleachEdgeChroma
    // (halo.ts) the patch fill matched and carried it: mean Cb −3.4 levels (yellow
    // is low in blue), Cb variance 3.1 levels²; now 1.2 and 1.0.
    const { image, alpha } = await markedSky([250, 200, 0]);
    const mask: Mask = { width: W, height: H, data: Uint8Array.from(alpha, (a) => (a > 0.02 ? 255 : 0)) };
    const v = chromaVariance((await removeMarks(image, mask, { kind: 'patch' })).image, mask);
    expect(Math.abs(v.meanCb)).toBeLessThan(2);
    expect(v.cb).toBeLessThan(2);
  });
});
