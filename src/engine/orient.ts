/**
 * EXIF orientation applied to decoded pixels, for decoders that ignore it
 * (Chromium's WebP decoder, our PNG decoder). Values as in EXIF 2.32, tag
 * 0x0112: 1 as stored, 2 mirrored, 3 rotated 180°, 4 flipped, 5 transposed,
 * 6 rotated 90° clockwise, 7 transversed, 8 rotated 90° counter-clockwise.
 */
import type { RgbaImage } from './types';

/** Returns a new image in display orientation; orientation 1 (or unknown) returns the input. */
export function orientRgba(image: RgbaImage, orientation: number): RgbaImage {
  if (orientation < 2 || orientation > 8) return image;
  const { width: w, height: h } = image;
  const swap = orientation >= 5;
  const ow = swap ? h : w;
  const oh = swap ? w : h;
  // One 32-bit word per pixel: the channels move together.
  const src = new Uint32Array(image.data.buffer, image.data.byteOffset, w * h);
  const out = new Uint8ClampedArray(ow * oh * 4);
  const dst = new Uint32Array(out.buffer);
  for (let dy = 0; dy < oh; dy++) {
    for (let dx = 0; dx < ow; dx++) {
      let sx: number;
      let sy: number;
      switch (orientation) {
        case 2: sx = w - 1 - dx; sy = dy; break;
        case 3: sx = w - 1 - dx; sy = h - 1 - dy; break;
        case 4: sx = dx; sy = h - 1 - dy; break;
        case 5: sx = dy; sy = dx; break;
        case 6: sx = dy; sy = h - 1 - dx; break;
        case 7: sx = w - 1 - dy; sy = h - 1 - dx; break;
        default: sx = w - 1 - dy; sy = dx; break; // 8
      }
      dst[dy * ow + dx] = src[sy * w + sx];
    }
  }
  return { width: ow, height: oh, data: out };
}
