/**
 * "Use this mask for all images": the rule for an image of another size.
 * Same size: an exact copy. Another size: nearest-neighbour, each target pixel
 * takes the source pixel at the same relative position,
 * src = floor((dst + 0.5) · srcSize / dstSize), so a mask of 0 and 255 stays
 * 0 and 255 (no new soft edge) and a mark in a corner stays in that corner.
 * Runs once per image on a click, one row lookup per row; no DOM.
 */
import type { Mask } from './types';

/** The source index for each target index along one axis. */
function axisMap(src: number, dst: number): Uint32Array {
  const map = new Uint32Array(dst);
  for (let i = 0; i < dst; i++) map[i] = Math.min(src - 1, Math.floor(((i + 0.5) * src) / dst));
  return map;
}

export function maskForSize(source: Mask, width: number, height: number): Mask {
  if (source.width === width && source.height === height) return { width, height, data: source.data.slice() };
  const data = new Uint8Array(width * height);
  const xs = axisMap(source.width, width);
  const ys = axisMap(source.height, height);
  let lastSy = -1;
  for (let y = 0; y < height; y++) {
    const sy = ys[y];
    const row = data.subarray(y * width, (y + 1) * width);
    // Upscaling repeats source rows: copy the row just made.
    if (sy === lastSy) {
      row.set(data.subarray((y - 1) * width, y * width));
      continue;
    }
    const srcRow = source.data.subarray(sy * source.width, (sy + 1) * source.width);
    for (let x = 0; x < width; x++) row[x] = srcRow[xs[x]];
    lastSy = sy;
  }
  return { width, height, data };
}
