/**
 * Cases for the fill benchmark (issue 13), made with sharp from held-out photos:
 *   - opaque: a mark at α = 1 (rendered text 28–64 px or a drawn logo; white,
 *     black or a colour), PNG or JPEG q 75–95 (the clean reference goes through
 *     the same JPEG); the true mask is where α > 0, the whole anti-aliased glyph;
 *   - thin: the same with small text (11–18 px), the strokes Telea is meant for;
 *   - box: a large box (48–160 × 32–120 px) to fill with nothing under it, the
 *     input greyed there, as a user's box request over a corner stamp.
 * `split` picks the photo list: 'val' to choose the routing, 'test' to report.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { rng } from '../engine/mark/testing';
import type { Mask, RgbaImage } from '../engine/types';
import { REPO_ROOT } from '../platform/node/paths';
import { markAlpha, photo } from './mark-cases';

export type FillFamily = 'opaque' | 'thin' | 'box';

export interface FillCase {
  id: string;
  family: FillFamily;
  watermarked: RgbaImage;
  clean: RgbaImage;
  truth: Mask;
}

const COLOURS = [[255, 255, 255], [255, 255, 255], [0, 0, 0], [220, 30, 40], [250, 200, 0]];
const W = 640;
const H = 480;

function photos(split: 'val' | 'test'): string[] {
  return readFileSync(path.join(REPO_ROOT, `training/splits/${split}-photos.txt`), 'utf8').split('\n').filter(Boolean);
}

async function encode(rgb: Float32Array, quality: number | null): Promise<RgbaImage> {
  const img = sharp(Buffer.from(Uint8ClampedArray.from(rgb)), { raw: { width: W, height: H, channels: 3 } });
  const bytes = quality ? await img.jpeg({ quality }).toBuffer() : await img.png().toBuffer();
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8ClampedArray(data) };
}

export async function fillCases(family: FillFamily, n: number, seed: number, split: 'val' | 'test'): Promise<FillCase[]> {
  const rand = rng(seed + (family === 'opaque' ? 0 : family === 'thin' ? 1000 : 2000));
  const list = photos(split);
  const out: FillCase[] = [];
  for (let i = 0; i < n; i++) {
    const rgb = await photo(list[Math.floor(rand() * list.length)], W, H);
    const marked = rgb.slice();
    const truth = new Uint8Array(W * H);
    if (family === 'box') {
      const bw = 48 + Math.round(rand() * 112);
      const bh = 32 + Math.round(rand() * 88);
      const x0 = Math.round(rand() * (W - bw));
      const y0 = Math.round(rand() * (H - bh));
      for (let y = y0; y < y0 + bh; y++) {
        for (let x = x0; x < x0 + bw; x++) {
          truth[y * W + x] = 255;
          marked.fill(128, (y * W + x) * 3, (y * W + x) * 3 + 3);
        }
      }
    } else {
      const kind = family === 'thin' || rand() < 0.7 ? 'text' : 'logo';
      const size = family === 'thin' ? 11 + Math.round(rand() * 7) : kind === 'text' ? 28 + Math.round(rand() * 36) : 40 + Math.round(rand() * 40);
      const mark = await markAlpha(kind, size, 0, rand);
      const colour = COLOURS[Math.floor(rand() * COLOURS.length)];
      const ox = Math.round(rand() * Math.max(0, W - mark.w));
      const oy = Math.round(rand() * Math.max(0, H - mark.h));
      for (let y = 0; y < Math.min(mark.h, H - oy); y++) {
        for (let x = 0; x < Math.min(mark.w, W - ox); x++) {
          const a = mark.alpha[y * mark.w + x];
          if (a <= 0) continue;
          const p = (oy + y) * W + ox + x;
          truth[p] = 255;
          for (let c = 0; c < 3; c++) marked[p * 3 + c] = (1 - a) * rgb[p * 3 + c] + a * colour[c];
        }
      }
    }
    const quality = rand() < 0.5 ? 75 + Math.round(rand() * 20) : null;
    out.push({ id: `${family}-${i}`, family, watermarked: await encode(marked, quality), clean: await encode(rgb, quality), truth: { width: W, height: H, data: truth } });
  }
  return out;
}
