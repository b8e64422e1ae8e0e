/**
 * PNG in the worker without the canvas. A 2D canvas stores premultiplied
 * alpha, so getImageData/putImageData round RGB wherever α < 255 and zero it
 * under α = 0 (issue 11, item 1: 85,634 of 122,176 visible pixels of an RGBA
 * gradient changed). fast-png reads and writes the stored values exactly.
 * No DOM here, so the same code is unit-tested in Node against sharp.
 */
import { decode, encode, type DecodedPng } from 'fast-png';
import { WmError } from '../../engine/errors';
import type { RgbaImage } from '../../engine/types';

/** Any PNG (grey, grey+alpha, palette, RGB, RGBA; 1-16 bits; tRNS; interlaced) → 8-bit RGBA, not premultiplied. */
export function decodePngRgba(bytes: Uint8Array): RgbaImage {
  let png: DecodedPng;
  try {
    // CRCs checked, as libspng (the CLI) does: a flipped byte is refused on both platforms.
    png = decode(bytes, { checkCrc: true });
  } catch (e) {
    throw new WmError('E_DECODE_FAILED', `Could not decode the PNG: ${(e as Error).message}. The file may be damaged.`, { cause: e });
  }
  return toRgba(png);
}

function toRgba(png: DecodedPng): RgbaImage {
  const { width, height, depth } = png;
  const out = new Uint8ClampedArray(width * height * 4);
  const n = width * height;
  if (png.palette) {
    const index = unpack(png, 1);
    // fast-png appends tRNS alpha to each palette entry ([r, g, b, a]); without tRNS entries are [r, g, b].
    for (let i = 0; i < n; i++) {
      const k = index[i];
      const c = png.palette[k];
      if (!c) throw new WmError('E_DECODE_FAILED', `This PNG is damaged: palette index ${k} is out of range.`);
      const o = i * 4;
      out[o] = c[0];
      out[o + 1] = c[1];
      out[o + 2] = c[2];
      out[o + 3] = c.length > 3 ? c[3] : 255;
    }
    return { width, height, data: out };
  }
  const ch = png.channels;
  const samples = unpack(png, ch);
  // 16-bit → 8-bit keeps the high byte, as libvips does when casting (the CLI's path).
  const to8 = depth === 16 ? (v: number) => v >> 8 : depth < 8 ? (v: number) => Math.round((v * 255) / ((1 << depth) - 1)) : (v: number) => v;
  // tRNS on grey or RGB: one colour key (in the file's bit depth) that is fully transparent.
  const key = png.transparency && png.transparency.length > 0 ? png.transparency : null;
  for (let i = 0; i < n; i++) {
    const s = i * ch;
    const o = i * 4;
    if (ch <= 2) {
      const g = to8(samples[s]);
      out[o] = g;
      out[o + 1] = g;
      out[o + 2] = g;
      out[o + 3] = ch === 2 ? to8(samples[s + 1]) : key && samples[s] === key[0] ? 0 : 255;
    } else {
      out[o] = to8(samples[s]);
      out[o + 1] = to8(samples[s + 1]);
      out[o + 2] = to8(samples[s + 2]);
      out[o + 3] =
        ch === 4
          ? to8(samples[s + 3])
          : key && key.length >= 3 && samples[s] === key[0] && samples[s + 1] === key[1] && samples[s + 2] === key[2]
            ? 0
            : 255;
    }
  }
  return { width, height, data: out };
}

/** fast-png leaves 1, 2 and 4-bit rows packed (each row padded to a byte); spread them to one sample per element. */
function unpack(png: DecodedPng, channels: number): ArrayLike<number> {
  const { width, height, depth, data } = png;
  if (depth >= 8) return data;
  const perRow = width * channels;
  const rowBytes = Math.ceil((perRow * depth) / 8);
  const out = new Uint8Array(perRow * height);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < perRow; x++) {
      const bit = x * depth;
      const byte = data[y * rowBytes + (bit >> 3)];
      out[y * perRow + x] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

/** 8-bit RGBA → PNG (RGB when fully opaque, as the CLI writes). Every stored value is kept. */
export function encodePngRgba(image: RgbaImage): Uint8Array {
  const { width, height, data } = image;
  let opaque = true;
  for (let i = 3; i < data.length; i += 4) {
    if (data[i] !== 255) {
      opaque = false;
      break;
    }
  }
  let pixels: Uint8Array;
  if (opaque) {
    pixels = new Uint8Array(width * height * 3);
    for (let i = 0, o = 0; i < data.length; i += 4, o += 3) {
      pixels[o] = data[i];
      pixels[o + 1] = data[i + 1];
      pixels[o + 2] = data[i + 2];
    }
  } else {
    pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  try {
    return encode({ width, height, data: pixels, depth: 8, channels: opaque ? 3 : 4 }, { zlib: { level: 6 } });
  } catch (e) {
    throw new WmError('E_ENCODE_FAILED', `Could not encode the PNG: ${(e as Error).message}`, { cause: e });
  }
}

/** Chunks that make a browser change the stored values, or that bring alpha. */
const NOT_PLAIN = new Set(['tRNS', 'gAMA', 'cHRM', 'iCCP', 'sBIT', 'eXIf', 'acTL']);

/**
 * An 8-bit grey or RGB PNG with no alpha, colour-space or orientation chunks:
 * the browser's own decoder gives exactly the stored values for it (nothing to
 * premultiply, nothing to convert), about twice as fast as fast-png.
 */
export function isPlainOpaquePng(b: Uint8Array): boolean {
  if (b.length < 33 || b[24] !== 8 || (b[25] !== 0 && b[25] !== 2)) return false;
  for (let pos = 33; pos + 8 <= b.length; ) {
    const len = ((b[pos] << 24) | (b[pos + 1] << 16) | (b[pos + 2] << 8) | b[pos + 3]) >>> 0;
    const type = String.fromCharCode(b[pos + 4], b[pos + 5], b[pos + 6], b[pos + 7]);
    if (type === 'IDAT') return true;
    if (NOT_PLAIN.has(type)) return false;
    pos += 12 + len;
  }
  return false;
}
