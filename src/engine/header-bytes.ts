/**
 * Byte-level pieces shared by the header readers (validate.ts, jpeg-header.ts):
 * the raw header shape, the two header errors, EXIF orientation and integer reads.
 */
import { WmError } from './errors';
import type { ImageFormat } from './types';

export const FORMAT_NAMES: Record<ImageFormat, string> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP' };

export interface RawHeader {
  width: number;
  height: number;
  orientation: number;
  hasAlpha: boolean | null;
  frames?: number;
  cmyk?: boolean;
  hasIcc?: boolean;
}

export function truncated(format: ImageFormat): WmError {
  return new WmError('E_TRUNCATED', `This ${FORMAT_NAMES[format]} file ends inside its header.`);
}

export function corrupt(format: ImageFormat, why: string): WmError {
  return new WmError('E_UNSUPPORTED_FORMAT', `This ${FORMAT_NAMES[format]} file is damaged: ${why}.`);
}

/**
 * Orientation (tag 0x0112) from IFD0 of a TIFF structure in b[base, end). Broken
 * EXIF is common and harmless for us, so any inconsistency yields 1, not an error.
 */
export function exifOrientation(b: Uint8Array, base: number, end: number): number {
  if (base + 8 > end) return 1;
  const order = ascii(b, base, 2);
  if (order !== 'II' && order !== 'MM') return 1;
  const le = order === 'II';
  const u16 = (o: number): number => (le ? b[o] | (b[o + 1] << 8) : (b[o] << 8) | b[o + 1]);
  const u32 = (o: number): number => (le ? (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000 : b[o] * 0x1000000 + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]));
  if (u16(base + 2) !== 42) return 1;
  const ifd = base + u32(base + 4);
  if (ifd + 2 > end) return 1;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > end) return 1;
    if (u16(e) !== 0x0112) continue;
    // SHORT (3) is the spec; some writers use LONG (4).
    const type = u16(e + 2);
    const v = type === 3 ? u16(e + 8) : type === 4 ? u32(e + 8) : 0;
    return v >= 1 && v <= 8 ? v : 1;
  }
  return 1;
}

// ---- helpers --------------------------------------------------------------

export function ascii(b: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = 0; i < n && at + i < b.length; i++) s += String.fromCharCode(b[at + i]);
  return s;
}

export function u32be(b: Uint8Array, o: number): number {
  return b[o] * 0x1000000 + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
}

export function u32le(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
}

export function u24le(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
}

export function u16le(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}

