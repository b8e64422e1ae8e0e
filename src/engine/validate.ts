/**
 * Input validation from the file's bytes alone, before any decoder runs: the
 * format comes from magic bytes (never the extension) and the dimensions from the
 * headers, so an oversized or broken file is refused without decoding it.
 */
import { WmError } from './errors';
import { ascii, corrupt, exifOrientation, FORMAT_NAMES, truncated, u16le, u24le, u32be, u32le, type RawHeader } from './header-bytes';
import { jpegHasEnd, readJpeg } from './jpeg-header';
import type { Limits } from './limits';
import type { ImageFormat } from './types';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  /** EXIF orientation 1..8 (1 when absent) */
  orientation: number;
  /** width/height after applying orientation (5..8 swap) */
  displayWidth: number;
  displayHeight: number;
  hasAlpha: boolean | null;
  /** Frames in an animated PNG (acTL) or WebP (ANIM); 1 for a still image. */
  frames: number;
  /** JPEG with four colour components (CMYK or YCCK). */
  cmyk: boolean;
  /** An embedded ICC profile: JPEG APP2 ICC_PROFILE, WebP VP8X ICC flag. PNG iCCP is not applied (false). */
  hasIcc: boolean;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  return null;
}

export function readHeader(bytes: Uint8Array): ImageHeader {
  const format = sniffFormat(bytes);
  if (!format) throw new WmError('E_UNSUPPORTED_FORMAT', 'This file is not a JPEG, PNG or WebP image.');
  const raw = format === 'jpeg' ? readJpeg(bytes) : format === 'png' ? readPng(bytes) : readWebp(bytes);
  const swap = raw.orientation >= 5;
  return {
    format,
    width: raw.width,
    height: raw.height,
    orientation: raw.orientation,
    displayWidth: swap ? raw.height : raw.width,
    displayHeight: swap ? raw.width : raw.height,
    hasAlpha: raw.hasAlpha,
    frames: raw.frames ?? 1,
    cmyk: raw.cmyk ?? false,
    hasIcc: raw.hasIcc ?? false,
  };
}

/**
 * The size check alone, from a stat or File.size, so that an oversized file is
 * refused before a single byte is read (issue 11, item 4: a 1.5 GB file used
 * to take 8 s and 1.6 GB of memory to be refused, a 3 GB one failed to read).
 */
export function checkFileSize(size: number, limits: Pick<Limits, 'maxBytes'>): void {
  if (size === 0) throw new WmError('E_EMPTY_FILE', 'This file is empty.');
  if (size > limits.maxBytes) {
    throw new WmError('E_FILE_TOO_LARGE', `This file is ${formatBytes(size)}; the limit is ${formatBytes(limits.maxBytes)}.`);
  }
}

export function validateInput(bytes: Uint8Array, limits: Limits): ImageHeader {
  checkFileSize(bytes.length, limits);
  const format = sniffFormat(bytes);
  const accepted = joinNames(limits.formats.map((f) => FORMAT_NAMES[f]));
  if (!format) throw new WmError('E_UNSUPPORTED_FORMAT', `This file is not a ${accepted} image.`);
  if (!limits.formats.includes(format)) {
    throw new WmError('E_UNSUPPORTED_FORMAT', `${FORMAT_NAMES[format]} files are not accepted here; use ${accepted}.`);
  }
  const header = readHeader(bytes);
  const complete = format === 'jpeg' ? jpegHasEnd(bytes) : format === 'png' ? pngHasEnd(bytes) : webpIsComplete(bytes);
  if (!complete) {
    throw new WmError('E_TRUNCATED', `This ${FORMAT_NAMES[format]} file is incomplete: it ends before the image does. Was the download or copy interrupted?`);
  }
  if (header.frames > 1) {
    throw new WmError(
      'E_ANIMATED',
      `This is an animated ${FORMAT_NAMES[format]} (${header.frames} frames). Only still images can be edited; export the frame you want as a still image first.`,
    );
  }
  const { width: w, height: h } = header;
  if (w <= 0 || h <= 0) {
    throw new WmError('E_DIMENSIONS_TOO_LARGE', `This image says it is ${w} × ${h} pixels, which is not a usable size.`);
  }
  // The side limits are about memory and model tiling, not layout, so an image that
  // fits when turned 90° (a portrait photo against landscape limits) is accepted.
  const fits = (w <= limits.maxWidth && h <= limits.maxHeight) || (h <= limits.maxWidth && w <= limits.maxHeight);
  if (!fits) {
    throw new WmError(
      'E_DIMENSIONS_TOO_LARGE',
      `This image is ${w} × ${h} pixels; the largest accepted is ${limits.maxWidth} × ${limits.maxHeight}.`,
    );
  }
  if (w * h > limits.maxPixels) {
    throw new WmError(
      'E_DIMENSIONS_TOO_LARGE',
      `This image has ${formatMegapixels(w * h)} (${w} × ${h}); the limit is ${formatMegapixels(limits.maxPixels)}.`,
    );
  }
  return header;
}

// ---- PNG ------------------------------------------------------------------

function readPng(b: Uint8Array): RawHeader {
  if (b.length < 33) throw truncated('png');
  if (ascii(b, 12, 4) !== 'IHDR') throw corrupt('png', 'the first chunk is not IHDR');
  const width = u32be(b, 16);
  const height = u32be(b, 20);
  const colourType = b[25];
  // Colour types 4 and 6 carry alpha; the others only via a tRNS chunk before IDAT.
  let hasAlpha = colourType === 4 || colourType === 6;
  let orientation = 1;
  let frames = 1;
  let pos = 33;
  while (pos + 8 <= b.length) {
    const len = u32be(b, pos);
    const type = ascii(b, pos + 4, 4);
    if (type === 'IDAT' || type === 'IEND') break;
    if (type === 'tRNS') hasAlpha = true;
    // APNG: acTL before the first IDAT announces the frame count.
    if (type === 'acTL' && len >= 8 && pos + 16 <= b.length) frames = Math.max(1, u32be(b, pos + 8));
    if (type === 'eXIf' && pos + 8 + len <= b.length) orientation = exifOrientation(b, pos + 8, pos + 8 + len);
    pos += 12 + len;
  }
  return { width, height, orientation, hasAlpha, frames };
}

/** Walks the chunk lengths to IEND; a file cut short runs out of bytes first. */
function pngHasEnd(b: Uint8Array): boolean {
  let pos = 8;
  while (pos + 12 <= b.length) {
    const len = u32be(b, pos);
    if (ascii(b, pos + 4, 4) === 'IEND') return true;
    pos += 12 + len;
  }
  return false;
}

// ---- WebP -----------------------------------------------------------------

function readWebp(b: Uint8Array): RawHeader {
  if (b.length < 30) throw truncated('webp');
  const chunk = ascii(b, 12, 4);
  const d = 20; // chunk payload
  if (chunk === 'VP8 ') {
    // Frame tag (3 bytes), start code 9D 01 2A, then 14-bit width and height.
    if (b[d + 3] !== 0x9d || b[d + 4] !== 0x01 || b[d + 5] !== 0x2a) throw corrupt('webp', 'the VP8 start code is missing');
    return { width: u16le(b, d + 6) & 0x3fff, height: u16le(b, d + 8) & 0x3fff, orientation: 1, hasAlpha: false };
  }
  if (chunk === 'VP8L') {
    if (b[d] !== 0x2f) throw corrupt('webp', 'the VP8L signature is missing');
    const bits = u32le(b, d + 1);
    return {
      width: (bits & 0x3fff) + 1,
      height: ((bits >>> 14) & 0x3fff) + 1,
      orientation: 1,
      // The alpha_is_used hint; a decoder may still find the alpha fully opaque.
      hasAlpha: ((bits >>> 28) & 1) === 1,
    };
  }
  if (chunk === 'VP8X') {
    return {
      width: u24le(b, d + 4) + 1,
      height: u24le(b, d + 7) + 1,
      orientation: (b[d] & 0x08) !== 0 ? webpExifOrientation(b) : 1,
      hasAlpha: (b[d] & 0x10) !== 0,
      hasIcc: (b[d] & 0x20) !== 0,
      // The animation flag; the frames are ANMF chunks, counted for the message.
      frames: (b[d] & 0x02) !== 0 ? Math.max(2, countChunks(b, 'ANMF')) : 1,
    };
  }
  throw corrupt('webp', `the first chunk is '${ascii(b, 12, 4)}', not VP8, VP8L or VP8X`);
}

/**
 * Orientation from the extended format's EXIF chunk, which comes after the image
 * data. It is the file's own tag; whether a decoder applies it is the caller's
 * concern (the decoded size tells).
 */
function webpExifOrientation(b: Uint8Array): number {
  let pos = 12;
  while (pos + 8 <= b.length) {
    const len = u32le(b, pos + 4);
    if (ascii(b, pos, 4) === 'EXIF') {
      const start = pos + 8;
      const end = Math.min(b.length, start + len);
      // Some writers keep JPEG's "Exif\0\0" prefix before the TIFF header.
      const tiff = ascii(b, start, 4) === 'Exif' ? start + 6 : start;
      return exifOrientation(b, tiff, end);
    }
    pos += 8 + len + (len & 1);
  }
  return 1;
}

function countChunks(b: Uint8Array, type: string): number {
  let n = 0;
  for (let pos = 12; pos + 8 <= b.length; ) {
    const len = u32le(b, pos + 4);
    if (ascii(b, pos, 4) === type) n++;
    pos += 8 + len + (len & 1);
  }
  return n;
}

function webpIsComplete(b: Uint8Array): boolean {
  // RIFF size counts from byte 8; writers pad odd sizes, so one byte short is tolerated.
  const riffEnd = 8 + u32le(b, 4);
  return riffEnd <= b.length + ((riffEnd & 1) === 1 ? 1 : 0);
}

/** "12.3 MB" with binary megabytes, matching how the limits are written (10 × 1024²). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${trimZero((n / 1024).toFixed(1))} KB`;
  return `${trimZero((n / (1024 * 1024)).toFixed(1))} MB`;
}

function formatMegapixels(px: number): string {
  return `${trimZero((px / 1e6).toFixed(1))} MP`;
}

function trimZero(s: string): string {
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}

function joinNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}
