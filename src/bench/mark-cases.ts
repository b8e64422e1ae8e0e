/**
 * Synthetic cases for the mark-estimation benchmark, made here with sharp from the
 * held-out photos (training/splits/test-photos.txt in ../shared/data/photos):
 *   - tiled: one mark (rendered text or a drawn logo) on a lattice over a photo,
 *     sometimes resized after tiling (a lattice that is not whole pixels), then
 *     PNG or JPEG q 70–95;
 *   - batch: K photos of one size carrying the same mark at jittered positions,
 *     α 0.2–0.7, JPEG q 70–95;
 *   - periodic: clean periodic pictures (tiles, a weave, plaid), as photos would
 *     show them (lit unevenly, JPEG).
 * Marks are invented words and shapes: no third-party mark is drawn.
 * The clean reference goes through the same resize and JPEG as the marked image.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { coverage, logoShape, periodicTexture, rng } from '../engine/mark/testing';
import type { Mask, RgbaImage } from '../engine/types';
import { REPO_ROOT } from '../platform/node/paths';

export const PHOTOS_DIR = path.resolve(REPO_ROOT, '../shared/data/photos');
const WORDS = ['© Northfield Photo', 'PREVIEW', 'Sample', 'studio-kessel.com', '© A. Moreau 2026', 'PROOF'];

export interface MarkCase {
  id: string;
  watermarked: RgbaImage;
  clean: RgbaImage;
  truth: Mask;
  /** The true α and W, where known at the output's size (batches): the oracle inversion. */
  oracle?: { alpha: Float32Array; colour: number[] };
  info: Record<string, string | number>;
}

/** Photos held out from training: the test split (reported), or val (for choosing thresholds). */
export function heldOutPhotos(split: 'test' | 'val' = 'test'): string[] {
  return readFileSync(path.join(REPO_ROOT, `training/splits/${split}-photos.txt`), 'utf8').split('\n').filter(Boolean);
}

export async function photo(name: string, width: number, height: number): Promise<Float32Array> {
  const { data } = await sharp(path.join(PHOTOS_DIR, name)).removeAlpha().resize(width, height, { fit: 'cover' }).raw().toBuffer({ resolveWithObject: true });
  return Float32Array.from(data);
}

/** A mark's α on its own box: rendered text (DejaVu Sans Bold, rotated) or a drawn logo. */
export async function markAlpha(kind: 'text' | 'logo', size: number, angle: number, rand: () => number): Promise<{ w: number; h: number; alpha: Float32Array }> {
  if (kind === 'logo') {
    const w = Math.round(size * 2);
    const h = size;
    const shape = logoShape(w, h);
    const alpha = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) alpha[y * w + x] = coverage(shape, x, y);
    return { w, h, alpha };
  }
  const text = WORDS[Math.floor(rand() * WORDS.length)];
  const bw = Math.ceil(text.length * size * 0.75 + size);
  const bh = Math.ceil(bw * Math.abs(Math.sin((angle * Math.PI) / 180)) + size * 2);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${bw}" height="${bh}"><text x="${bw / 2}" y="${bh / 2 + size * 0.35}" font-family="DejaVu Sans" font-weight="bold" font-size="${size}" text-anchor="middle" fill="#fff" transform="rotate(${angle} ${bw / 2} ${bh / 2})">${text.replace('&', '&amp;')}</text></svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  let x0 = info.width;
  let y0 = info.height;
  let x1 = 0;
  let y1 = 0;
  for (let y = 0; y < info.height; y++) for (let x = 0; x < info.width; x++) {
    if (data[(y * info.width + x) * 4 + 3] === 0) continue;
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  const w = x1 - x0 + 1;
  const h = y1 - y0 + 1;
  const alpha = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) alpha[y * w + x] = data[((y + y0) * info.width + x + x0) * 4 + 3] / 255;
  return { w, h, alpha };
}

/** Blends α·W over the RGB float photo; returns the marked RGB and the α map. */
export function blend(rgb: Float32Array, w: number, h: number, alphaAt: (x: number, y: number) => number, colour: number[]): { marked: Float32Array; alpha: Float32Array } {
  const marked = rgb.slice();
  const alpha = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const a = alphaAt(x, y);
    if (a <= 0) continue;
    alpha[y * w + x] = a;
    for (let c = 0; c < 3; c++) marked[(y * w + x) * 3 + c] = (1 - a) * rgb[(y * w + x) * 3 + c] + a * colour[c];
  }
  return { marked, alpha };
}

/** Rounds to 8 bits, resizes to (tw, th) when asked, JPEG-encodes at q when given, and decodes to RGBA. */
export async function finish(rgb: Float32Array, w: number, h: number, tw: number, th: number, quality: number | null): Promise<RgbaImage> {
  let img = sharp(Buffer.from(Uint8ClampedArray.from(rgb)), { raw: { width: w, height: h, channels: 3 } });
  if (tw !== w || th !== h) img = sharp(await img.resize(tw, th, { kernel: 'cubic' }).png().toBuffer());
  const bytes = quality ? await img.jpeg({ quality }).toBuffer() : await img.png().toBuffer();
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8ClampedArray(data) };
}

async function truthMask(alpha: Float32Array, w: number, h: number, tw: number, th: number): Promise<Mask> {
  const grey = Uint8Array.from(alpha, (a) => Math.round(a * 255));
  const { data, info } = await sharp(Buffer.from(grey), { raw: { width: w, height: h, channels: 1 } }).resize(tw, th, { kernel: 'cubic' }).raw().toBuffer({ resolveWithObject: true });
  // sharp may hand a grey raw back as RGB: read the first channel of each pixel.
  return { width: tw, height: th, data: Uint8Array.from({ length: tw * th }, (_, i) => (data[i * info.channels] > 2 ? 255 : 0)) };
}

const COLOURS = [[255, 255, 255], [255, 255, 255], [255, 255, 255], [0, 0, 0], [128, 128, 128]];

export async function tiledCases(n: number, seed: number, split: 'test' | 'val' = 'test'): Promise<MarkCase[]> {
  const rand = rng(seed);
  const photos = heldOutPhotos(split);
  const out: MarkCase[] = [];
  for (let i = 0; i < n; i++) {
    const tw = 900 + Math.round(rand() * 300);
    const th = Math.round(tw * (0.66 + rand() * 0.1));
    const resized = rand() < 0.5;
    const f = resized ? 1.2 + rand() * 0.5 : 1;
    const w = Math.round(tw * f);
    const h = Math.round(th * f);
    const rgb = await photo(photos[Math.floor(rand() * photos.length)], w, h);
    const kind = rand() < 0.7 ? 'text' : 'logo';
    const mark = await markAlpha(kind, Math.round((kind === 'text' ? 24 : 40) * f), kind === 'text' ? -30 : 0, rand);
    const p = Math.round(mark.w + (30 + rand() * 80) * f);
    const q = Math.round(mark.h + (30 + rand() * 80) * f);
    const shift = Math.round(rand() * p);
    const opacity = 0.2 + rand() * 0.4;
    const colour = COLOURS[Math.floor(rand() * COLOURS.length)];
    const alphaAt = (x: number, y: number) => {
      const j = Math.floor(y / q);
      const yy = y - j * q;
      const xx = (((x - j * shift) % p) + p) % p;
      return xx < mark.w && yy < mark.h ? opacity * mark.alpha[yy * mark.w + xx] : 0;
    };
    const { marked, alpha } = blend(rgb, w, h, alphaAt, colour);
    const quality = rand() < 0.5 ? 70 + Math.round(rand() * 25) : null;
    out.push({
      id: `tiled-${i}`,
      watermarked: await finish(marked, w, h, tw, th, quality),
      clean: await finish(rgb, w, h, tw, th, quality),
      truth: await truthMask(alpha, w, h, tw, th),
      info: { kind, opacity: Math.round(opacity * 100) / 100, colour: colour.join(','), period: `${(p / f).toFixed(1)}×${(q / f).toFixed(1)}`, jpeg: quality ?? 'png', resized: resized ? f.toFixed(2) : 'no' },
    });
  }
  return out;
}

/** `batches` batches of `k` photos (640×480) sharing one mark each, jittered ±10 px. */
export async function batchCases(batches: number, k: number, seed: number, split: 'test' | 'val' = 'test'): Promise<MarkCase[][]> {
  const rand = rng(seed);
  const photos = heldOutPhotos(split);
  const W = 640;
  const H = 480;
  const out: MarkCase[][] = [];
  for (let b = 0; b < batches; b++) {
    const kind = b % 2 === 0 ? 'text' : 'logo';
    const mark = await markAlpha(kind, kind === 'text' ? 30 : 56, 0, rand);
    const opacity = 0.2 + rand() * 0.5;
    const colour = COLOURS[Math.floor(rand() * COLOURS.length)];
    const cx = Math.round(W * (0.3 + rand() * 0.4) - mark.w / 2);
    const cy = Math.round(H * (0.55 + rand() * 0.25) - mark.h / 2);
    const set: MarkCase[] = [];
    for (let i = 0; i < k; i++) {
      const rgb = await photo(photos[Math.floor(rand() * photos.length)], W, H);
      const ox = cx + Math.round((rand() - 0.5) * 20);
      const oy = cy + Math.round((rand() - 0.5) * 20);
      const alphaAt = (x: number, y: number) => {
        const xx = x - ox;
        const yy = y - oy;
        return xx >= 0 && yy >= 0 && xx < mark.w && yy < mark.h ? opacity * mark.alpha[yy * mark.w + xx] : 0;
      };
      const { marked, alpha } = blend(rgb, W, H, alphaAt, colour);
      const quality = 70 + Math.round(rand() * 25);
      set.push({
        id: `batch-${b}-${i}`,
        watermarked: await finish(marked, W, H, W, H, quality),
        clean: await finish(rgb, W, H, W, H, quality),
        truth: await truthMask(alpha, W, H, W, H),
        oracle: { alpha, colour: colour.map((c) => c / 255) },
        info: { kind, opacity: Math.round(opacity * 100) / 100, colour: colour.join(','), jpeg: quality },
      });
    }
    out.push(set);
  }
  return out;
}

export async function periodicCases(): Promise<MarkCase[]> {
  const out: MarkCase[] = [];
  for (const kind of ['tiles', 'weave', 'plaid'] as const) {
    for (const [w, h, q] of [[800, 600, 85], [1000, 700, null]] as const) {
      const t = periodicTexture(kind, w, h, w);
      const rgb = new Float32Array(w * h * 3);
      for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = t.data[i * 4 + c];
      const img = await finish(rgb, w, h, w, h, q);
      out.push({ id: `${kind}-${w}`, watermarked: img, clean: img, truth: { width: w, height: h, data: new Uint8Array(w * h) }, info: { kind, jpeg: q ?? 'png' } });
    }
  }
  return out;
}

/** A held-out photo at its own size, as RGBA. */
export async function loadPhoto(name: string): Promise<RgbaImage> {
  const { data, info } = await sharp(path.join(PHOTOS_DIR, name)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8ClampedArray(data) };
}
