/**
 * The colour policy, one for both platforms (issue 11, item 6):
 * - a JPEG or WebP with an embedded ICC profile is converted to sRGB through
 *   it, by the platform's colour engine (lcms in sharp, skcms in Chromium;
 *   they differ by a few levels, e2e/colour.spec.ts measures it);
 * - a PNG's iCCP profile is not applied on either platform (the worker's PNG
 *   decoder has no colour engine), so PNG values are kept exactly;
 * - a CMYK JPEG without a profile uses the formula below, which is what
 *   Chromium does without colour management (Blink's JPEGImageDecoder), so the
 *   CLI gives the same bytes as the browser;
 * - everything else keeps its stored values (treated as sRGB).
 */
import type { RgbaImage } from './types';

/**
 * CMYK (C, M, Y, K in 0..255, 255 = full ink) → RGB: R = (255 - C)(255 - K) / 255,
 * rounded down, and likewise G from M and B from Y. Opaque.
 */
export function cmykToRgba(cmyk: Uint8Array, width: number, height: number): RgbaImage {
  const n = width * height;
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    const s = i * 4;
    const k = 255 - cmyk[s + 3];
    out[s] = Math.floor(((255 - cmyk[s]) * k) / 255);
    out[s + 1] = Math.floor(((255 - cmyk[s + 1]) * k) / 255);
    out[s + 2] = Math.floor(((255 - cmyk[s + 2]) * k) / 255);
    out[s + 3] = 255;
  }
  return { width, height, data: out };
}
