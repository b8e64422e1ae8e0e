/** Synthetic inputs for the speed benchmarks (timing does not depend on content much; these look like photos with a mark). */
import type { Mask, RgbaImage } from '../engine/types';

/** A gradient with fine texture and a bright text-like band, as RGBA. */
export function syntheticPhoto(width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const n = ((x * 7 + y * 13) % 17) - 8;
      data[i] = (x / width) * 200 + 30 + n;
      data[i + 1] = (y / height) * 180 + 40 + n;
      data[i + 2] = ((x + y) / (width + height)) * 160 + 60 - n;
      data[i + 3] = 255;
    }
  }
  // "Text": short bright strokes in the middle, so detectors see something mark-like.
  const y0 = Math.round(height * 0.45);
  const y1 = Math.round(height * 0.55);
  for (let y = y0; y < y1; y++) {
    for (let x = Math.round(width * 0.2); x < width * 0.8; x++) {
      if (Math.floor(x / Math.max(2, width / 80)) % 3 === 0) continue;
      const i = (y * width + x) * 4;
      data[i] = data[i] * 0.4 + 150;
      data[i + 1] = data[i + 1] * 0.4 + 150;
      data[i + 2] = data[i + 2] * 0.4 + 150;
    }
  }
  return { width, height, data };
}

/** A mask with a centred rectangle covering `share` of each side. */
export function centredMask(width: number, height: number, share: number): Mask {
  const data = new Uint8Array(width * height);
  const w = Math.round(width * share);
  const h = Math.round(height * share);
  const x0 = Math.round((width - w) / 2);
  const y0 = Math.round((height - h) / 2);
  for (let y = y0; y < y0 + h; y++) data.fill(255, y * width + x0, y * width + x0 + w);
  return { width, height, data };
}
