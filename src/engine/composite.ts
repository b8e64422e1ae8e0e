/** Pasting model output back into the full-resolution image. */
import { WmError } from './errors';
import type { Mask, Rect, RgbaImage } from './types';

/**
 * Blends the `core` part of a crop (RGBA, `inputRect` sized, in image coordinates)
 * into `dst` through the mask: m = 0 leaves the pixel bit-identical, m = 255 takes
 * the crop's RGB, soft values blend as round((dst·(255−m) + crop·m) / 255). Alpha is
 * never written, so transparency survives removal.
 */
export function pasteCrop(dst: RgbaImage, crop: Uint8ClampedArray, inputRect: Rect, core: Rect, mask: Mask): void {
  if (mask.width !== dst.width || mask.height !== dst.height) {
    throw new WmError('E_MASK_MISMATCH', `The mask is ${mask.width}×${mask.height} but the image is ${dst.width}×${dst.height}.`);
  }
  if (crop.length !== inputRect.width * inputRect.height * 4) {
    throw new WmError('E_PROCESSING', `The crop holds ${crop.length} bytes; a ${inputRect.width}×${inputRect.height} RGBA crop needs ${inputRect.width * inputRect.height * 4}.`);
  }
  if (
    core.x < inputRect.x ||
    core.y < inputRect.y ||
    core.x + core.width > inputRect.x + inputRect.width ||
    core.y + core.height > inputRect.y + inputRect.height ||
    core.x < 0 ||
    core.y < 0 ||
    core.x + core.width > dst.width ||
    core.y + core.height > dst.height
  ) {
    throw new WmError('E_PROCESSING', 'The tile core must lie inside both its input rect and the image.');
  }
  const out = dst.data;
  const m = mask.data;
  const W = dst.width;
  const cw = inputRect.width;
  for (let y = core.y; y < core.y + core.height; y++) {
    const mRow = y * W;
    const cRow = (y - inputRect.y) * cw - inputRect.x;
    for (let x = core.x; x < core.x + core.width; x++) {
      const a = m[mRow + x];
      if (a === 0) continue;
      const o = (mRow + x) * 4;
      const c = (cRow + x) * 4;
      if (a === 255) {
        out[o] = crop[c];
        out[o + 1] = crop[c + 1];
        out[o + 2] = crop[c + 2];
      } else {
        // (v + 127) / 255 floored is round(v / 255): v / 255 never ends in exactly .5.
        // Integer maths avoids Uint8ClampedArray's round-half-to-even on floats.
        const b = 255 - a;
        out[o] = ((out[o] * b + crop[c] * a + 127) / 255) | 0;
        out[o + 1] = ((out[o + 1] * b + crop[c + 1] * a + 127) / 255) | 0;
        out[o + 2] = ((out[o + 2] * b + crop[c + 2] * a + 127) / 255) | 0;
      }
    }
  }
}
