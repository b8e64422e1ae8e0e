/**
 * A result kept as what it changed (issue 10, item 3). Removal never writes a
 * pixel outside what it was asked to change, so a result is its document's
 * pixels plus a patch: one bit per pixel (changed or not) and the RGBA of the
 * changed pixels, both deflated. A result let go is rebuilt exactly from the
 * document (decoded again from its file) and the patch. With 10 % of a 12 MP
 * photo changed the patch is about 4 MB; the PNG this replaces was about 20 MB,
 * and 200 of those grew the tab by 20 MB an image. Where much of the image
 * changed (a tiled mark inverted everywhere) PNG packs a photo better than raw
 * values do, so above MAX_PATCH_SHARE there is no patch and the caller keeps
 * its PNG. Pure: no DOM, no worker globals (result-patch.test.ts runs in Node).
 */
import { deflateSync, inflateSync } from 'fflate';
import type { RgbaImage } from '../engine/types';

export interface ResultPatch {
  width: number;
  height: number;
  /** Pixels that differ from the document. */
  changed: number;
  /** Deflated, one bit per pixel, row-major, least significant bit first. */
  bits: Uint8Array;
  /** Deflated RGBA of the changed pixels, in pixel order. */
  values: Uint8Array;
}

export const MAX_PATCH_SHARE = 0.25;

/** The patch from `original` to `result` (same size), or null when more than MAX_PATCH_SHARE of the pixels differ. */
export function makePatch(original: RgbaImage, result: RgbaImage): ResultPatch | null {
  const { width, height } = result;
  if (original.width !== width || original.height !== height) return null;
  const n = width * height;
  const a = original.data;
  const b = result.data;
  const bits = new Uint8Array((n + 7) >> 3);
  let changed = 0;
  for (let p = 0, i = 0; p < n; p++, i += 4) {
    if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2] || a[i + 3] !== b[i + 3]) {
      bits[p >> 3] |= 1 << (p & 7);
      changed++;
    }
  }
  if (changed > MAX_PATCH_SHARE * n) return null;
  const values = new Uint8Array(changed * 4);
  for (let p = 0, k = 0; p < n; p++) {
    if (!(bits[p >> 3] & (1 << (p & 7)))) continue;
    values.set(b.subarray(p * 4, p * 4 + 4), k);
    k += 4;
  }
  // Level 1: this runs in the worker after every removal.
  return { width, height, changed, bits: deflateSync(bits, { level: 1 }), values: deflateSync(values, { level: 1 }) };
}

/** The result again: a copy of `original` with the patch's pixels written. */
export function applyPatch(original: RgbaImage, patch: ResultPatch): RgbaImage {
  if (original.width !== patch.width || original.height !== patch.height) throw new Error('applyPatch: the document does not match the patch');
  const n = patch.width * patch.height;
  const bits = inflateSync(patch.bits, { out: new Uint8Array((n + 7) >> 3) });
  const values = inflateSync(patch.values, { out: new Uint8Array(patch.changed * 4) });
  const data = new Uint8ClampedArray(original.data);
  for (let p = 0, k = 0; p < n; p++) {
    if (!(bits[p >> 3] & (1 << (p & 7)))) continue;
    data.set(values.subarray(k, k + 4), p * 4);
    k += 4;
  }
  return { width: patch.width, height: patch.height, data };
}

/** Bytes the patch holds. */
export const patchBytes = (p: ResultPatch): number => p.bits.byteLength + p.values.byteLength;
