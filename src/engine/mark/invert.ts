/**
 * Inverts J = (1 − α)·I + α·W wherever a mark field has α ≥ alphaMin
 * (../../../../shared/notes/blend-inversion.md). Where α > alphaMax the division
 * would amplify noise and JPEG error, so those pixels are left for a fill and
 * returned in `opaque`. Pixels with α < alphaMin, and pixels outside `limit`
 * when one is given, are never written; alpha is never written.
 */
import { throwIfAborted } from '../errors';
import type { Mask, RgbaImage } from '../types';
import { denoiseInverted } from './denoise';
import type { MarkField } from './field';

export interface InvertOptions {
  /** Below this α a pixel is left exactly as it is. */
  alphaMin?: number;
  /** Above this α the pixel goes to `opaque` for a fill instead. */
  alphaMax?: number;
  /** When given, only pixels with limit > 0 may change (the user's mask). */
  limit?: Mask;
  /** Pull inverted pixels towards an edge-preserving local mean, by how much the inversion amplified their noise (denoise.ts). Default true. */
  denoise?: boolean;
}

export interface InvertResult {
  image: RgbaImage;
  /** 255 where the blend was inverted. */
  changed: Mask;
  /** 255 where α was too high to invert: fill these. */
  opaque: Mask;
  changedCount: number;
  opaqueCount: number;
}

export const ALPHA_MIN = 0.01;
export const ALPHA_MAX = 0.9;

export function invertMarks(image: RgbaImage, fields: readonly MarkField[], opts: InvertOptions = {}, signal?: AbortSignal): InvertResult {
  const alphaMin = opts.alphaMin ?? ALPHA_MIN;
  const alphaMax = opts.alphaMax ?? ALPHA_MAX;
  const { width, height } = image;
  const out = image.data.slice();
  const changed = new Uint8Array(width * height);
  const opaque = new Uint8Array(width * height);
  let changedCount = 0;
  let opaqueCount = 0;
  const denoise = opts.denoise !== false;
  const limit = opts.limit?.data;
  const alpha255 = denoise ? new Uint8Array(width * height) : null;
  for (const field of fields) {
    const b = field.bounds;
    const [wr, wg, wb] = field.colour.map((c) => c * 255);
    const x0 = Math.max(0, b.x);
    const x1 = Math.min(width, b.x + b.width);
    const row = field.alphaRow ? new Float32Array(Math.max(0, x1 - x0)) : null;
    for (let y = Math.max(0, b.y); y < Math.min(height, b.y + b.height); y++) {
      if ((y & 63) === 0) throwIfAborted(signal);
      if (row) field.alphaRow!(y, x0, x1, row);
      for (let x = x0; x < x1; x++) {
        // α first: most pixels of a field's bounds hold none.
        const a = row ? row[x - x0] : field.alphaAt(x, y);
        if (!(a >= alphaMin)) continue;
        const p = y * width + x;
        if (changed[p] || opaque[p]) continue;
        if (limit && limit[p] === 0) continue;
        if (a > alphaMax) {
          opaque[p] = 255;
          opaqueCount++;
          continue;
        }
        const k = 1 / (1 - a);
        const o = p * 4;
        out[o] = (image.data[o] - a * wr) * k;
        out[o + 1] = (image.data[o + 1] - a * wg) * k;
        out[o + 2] = (image.data[o + 2] - a * wb) * k;
        changed[p] = 255;
        changedCount++;
        if (alpha255) alpha255[p] = Math.max(1, Math.round(a * 255));
      }
    }
  }
  const result: RgbaImage = { width, height, data: out };
  if (alpha255 && changedCount > 0) denoiseInverted(result, alpha255);
  return {
    image: result,
    changed: { width, height, data: changed },
    opaque: { width, height, data: opaque },
    changedCount,
    opaqueCount,
  };
}
