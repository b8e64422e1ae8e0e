/**
 * Test fixtures made on the fly with sharp: photos-like gradients with a drawn
 * watermark (an SVG composited by sharp), the mask of exactly where it was
 * drawn, and broken files. Used by the CLI tests.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

export interface Fixture {
  /** The watermarked image file. */
  file: string;
  /** 8-bit mask PNG, white where the mark was drawn (dilated by a few px). */
  maskFile: string;
  width: number;
  height: number;
}

/** A smooth colour gradient with some texture, as raw RGB. */
export function gradientRgb(width: number, height: number, seed = 1): Buffer {
  const buf = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const n = Math.sin((x * 0.37 + y * 0.11) * seed) * 6;
      buf[i] = Math.max(0, Math.min(255, (x / width) * 200 + 30 + n));
      buf[i + 1] = Math.max(0, Math.min(255, (y / height) * 180 + 40 + n));
      buf[i + 2] = Math.max(0, Math.min(255, ((x + y) / (width + height)) * 160 + 60 - n));
    }
  }
  return buf;
}

function markSvg(width: number, height: number, text: string, fill: string, box: { x: number; y: number; w: number; h: number }): string {
  const size = Math.round(box.h * 0.75);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <rect x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}" fill="none"/>
  <text x="${box.x + box.w / 2}" y="${box.y + box.h * 0.78}" font-family="DejaVu Sans, sans-serif" font-weight="bold"
    font-size="${size}" text-anchor="middle" fill="${fill}">${text}</text>
</svg>`;
}

export interface MakeOptions {
  width?: number;
  height?: number;
  format?: 'png' | 'jpeg' | 'webp';
  text?: string;
  seed?: number;
}

/** Write `<dir>/<name>` (watermarked) and `<maskDir>/<maskName>` (its mask). */
export async function makeWatermarked(file: string, maskFile: string, opts: MakeOptions = {}): Promise<Fixture> {
  const width = opts.width ?? 640;
  const height = opts.height ?? 480;
  const box = { x: Math.round(width * 0.15), y: Math.round(height * 0.4), w: Math.round(width * 0.7), h: Math.round(height * 0.2) };
  const text = opts.text ?? 'SAMPLE';
  const base = sharp(gradientRgb(width, height, opts.seed ?? 1), { raw: { width, height, channels: 3 } });
  const overlay = Buffer.from(markSvg(width, height, text, 'rgba(255,255,255,0.6)', box));
  const marked = base.composite([{ input: overlay, left: 0, top: 0 }]);
  await mkdir(path.dirname(file), { recursive: true });
  const format = opts.format ?? 'png';
  const encoded =
    format === 'jpeg' ? marked.jpeg({ quality: 92 }) : format === 'webp' ? marked.webp({ lossless: true }) : marked.png();
  await writeFile(file, await encoded.toBuffer());
  // The mask: the same text drawn opaque white on black, grown so anti-aliased edges are covered.
  const maskSvg = Buffer.from(markSvg(width, height, text, '#ffffff', box));
  const mask = await sharp({ create: { width, height, channels: 3, background: '#000000' } })
    .composite([{ input: maskSvg, left: 0, top: 0 }])
    .toColourspace('b-w')
    .dilate(3)
    .threshold(1)
    .png()
    .toBuffer();
  await mkdir(path.dirname(maskFile), { recursive: true });
  await writeFile(maskFile, mask);
  return { file, maskFile, width, height };
}

/** A text file with an image extension. */
export async function makeNotAnImage(file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, 'this is not an image\n'.repeat(20));
}

/** A JPEG cut off in the middle of its entropy-coded data. */
export async function makeTruncatedJpeg(file: string): Promise<void> {
  const full = await sharp(gradientRgb(320, 240), { raw: { width: 320, height: 240, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, full.subarray(0, Math.floor(full.length * 0.6)));
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const BIN = new URL('../../bin/unmark.mjs', import.meta.url);

/** Run `node bin/unmark.mjs …` as a subprocess in `cwd`. */
export function runCli(args: readonly string[], cwd: string, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [fileURLToPath(BIN), ...args],
      { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: '0' } },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
        if (error && code === -1) reject(error);
        else resolve({ code, stdout, stderr });
      },
    );
  });
}
