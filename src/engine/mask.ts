/**
 * Mask editing: creation, brush strokes, rectangles, thresholding, bounding
 * boxes and the overlay. Morphology and connected components live beside it
 * and are re-exported here, so callers import everything from './mask'.
 */
import { WmError } from './errors';
import type { FloatMap, Mask, Rect } from './types';

export { connectedComponents, type Component } from './mask-components';

export type MaskOp =
  | { op: 'clear' }
  | { op: 'fill' }
  | { op: 'invert' }
  | { op: 'dilate'; px: number }
  | { op: 'erode'; px: number }
  | { op: 'feather'; px: number };

export function createMask(width: number, height: number): Mask {
  return { width, height, data: new Uint8Array(width * height) };
}

export function cloneMask(m: Mask): Mask {
  return { width: m.width, height: m.height, data: m.data.slice() };
}

export function masksEqual(a: Mask, b: Mask): boolean {
  if (a.width !== b.width || a.height !== b.height) return false;
  const da = a.data;
  const db = b.data;
  if (da.length !== db.length) return false;
  for (let i = 0; i < da.length; i++) if (da[i] !== db[i]) return false;
  return true;
}

export function countMasked(mask: Mask): number {
  return scanSet(mask.data, null);
}

/**
 * The indices of the non-zero bytes of `d`, in order: a loop over a mostly empty 12 MP
 * mask visits its few set pixels instead of every byte.
 */
export function maskedIndices(d: Uint8Array): Int32Array {
  const out = new Int32Array(scanSet(d, null));
  scanSet(d, out);
  return out;
}

/** Counts the non-zero bytes of `d` and, given `out`, writes their indices there in order. */
function scanSet(d: Uint8Array, out: Int32Array | null): number {
  let n = 0;
  let i = 0;
  // Masks are mostly empty: skip four zero bytes at a time where the view is aligned.
  if (d.byteOffset % 4 === 0) {
    const words = new Uint32Array(d.buffer, d.byteOffset, d.length >> 2);
    for (let w = 0; w < words.length; w++) {
      if (words[w] === 0) continue;
      for (let b = w << 2, end = b + 4; b < end; b++) {
        if (d[b] === 0) continue;
        if (out) out[n] = b;
        n++;
      }
    }
    i = words.length << 2;
  }
  for (; i < d.length; i++) {
    if (d[i] === 0) continue;
    if (out) out[n] = i;
    n++;
  }
  return n;
}

/** Intersects a rect (negative sizes normalised) with the mask; null when nothing is left. */
export function clipRect(rect: Rect, width: number, height: number): Rect | null {
  let { x, y, width: w, height: h } = rect;
  if (w < 0) {
    x += w;
    w = -w;
  }
  if (h < 0) {
    y += h;
    h = -h;
  }
  const x0 = Math.max(0, Math.floor(x));
  const y0 = Math.max(0, Math.floor(y));
  const x1 = Math.min(width, Math.ceil(x + w));
  const y1 = Math.min(height, Math.ceil(y + h));
  if (x1 <= x0 || y1 <= y0) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

export function fillRect(mask: Mask, rect: Rect, value: number): Rect | null {
  const r = clipRect(rect, mask.width, mask.height);
  if (!r) return null;
  const v = clampByte(value);
  for (let y = r.y; y < r.y + r.height; y++) {
    const row = y * mask.width;
    mask.data.fill(v, row + r.x, row + r.x + r.width);
  }
  return r;
}

/**
 * Round brush swept from (x0, y0) to (x1, y1), in image pixel coordinates where
 * pixel (i, j) spans [i, i+1) × [j, j+1), so pointer positions map directly. A pixel
 * is painted when its centre lies within `radius` of the segment. The radius is
 * raised to √½ so that a tiny brush always paints the pixel under the pointer.
 *
 * Each row's intersection with the capsule is one interval (the capsule is
 * convex), found analytically, so the cost is the painted area plus the rows,
 * not the segment's bounding box.
 */
export function stampLine(
  mask: Mask,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  radius: number,
  value: number,
): Rect | null {
  const { width, height, data } = mask;
  const r = Math.max(radius, Math.SQRT1_2);
  const r2 = r * r;
  const v = clampByte(value);
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  const rLen = r * Math.sqrt(len2);
  const yStart = Math.max(0, Math.ceil(Math.min(y0, y1) - r - 0.5));
  const yEnd = Math.min(height - 1, Math.floor(Math.max(y0, y1) + r - 0.5));
  let minX = width;
  let maxX = -1;
  let minY = height;
  let maxY = -1;
  for (let y = yStart; y <= yEnd; y++) {
    const yc = y + 0.5;
    let a = Infinity;
    let b = -Infinity;
    // The two end discs.
    const e0 = r2 - (yc - y0) * (yc - y0);
    if (e0 >= 0) {
      const h = Math.sqrt(e0);
      a = Math.min(a, x0 - h);
      b = Math.max(b, x0 + h);
    }
    const e1 = r2 - (yc - y1) * (yc - y1);
    if (e1 >= 0) {
      const h = Math.sqrt(e1);
      a = Math.min(a, x1 - h);
      b = Math.max(b, x1 + h);
    }
    // The swept rectangle: |cross| <= r·len and 0 <= dot <= len², both linear in u = x − x0.
    if (len2 > 0) {
      const vv = yc - y0;
      let lo = -Infinity;
      let hi = Infinity;
      // cross = dx·v − dy·u ∈ [−rLen, rLen]
      if (dy !== 0) {
        const p = (dx * vv - rLen) / dy;
        const q = (dx * vv + rLen) / dy;
        lo = Math.max(lo, Math.min(p, q));
        hi = Math.min(hi, Math.max(p, q));
      } else if (Math.abs(dx * vv) > rLen) {
        hi = -Infinity;
      }
      // dot = dx·u + dy·v ∈ [0, len²]
      if (dx !== 0) {
        const p = -dy * vv / dx;
        const q = (len2 - dy * vv) / dx;
        lo = Math.max(lo, Math.min(p, q));
        hi = Math.min(hi, Math.max(p, q));
      } else if (dy * vv < 0 || dy * vv > len2) {
        hi = -Infinity;
      }
      if (lo <= hi) {
        a = Math.min(a, x0 + lo);
        b = Math.max(b, x0 + hi);
      }
    }
    if (a > b) continue;
    const xa = Math.max(0, Math.ceil(a - 0.5));
    const xb = Math.min(width - 1, Math.floor(b - 0.5));
    if (xa > xb) continue;
    data.fill(v, y * width + xa, y * width + xb + 1);
    if (xa < minX) minX = xa;
    if (xb > maxX) maxX = xb;
    if (y < minY) minY = y;
    maxY = y;
  }
  if (maxX < 0) return null;
  return { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

/**
 * Rects that together cover every pixel `stampLine` with the same arguments can
 * write (not clipped to the mask): the segment cut into pieces at most `piece`
 * long, each piece's box grown by the radius and a pixel. A long diagonal stroke
 * gives a chain of small boxes, not its whole bounding box, so a gesture that
 * copies what it is about to write (engine/history.ts) copies near the stroke.
 */
export function stampLineRects(x0: number, y0: number, x1: number, y1: number, radius: number, piece = 64): Rect[] {
  const r = Math.max(radius, Math.SQRT1_2) + 1;
  // Not finite (never from a pointer): one rect over any mask, so nothing written goes unannounced.
  if (![x0, y0, x1, y1, r].every(Number.isFinite)) return [{ x: -(2 ** 30), y: -(2 ** 30), width: 2 ** 31, height: 2 ** 31 }];
  // Capped: past the cap the pieces are longer, still covering, just looser.
  const n = Math.min(1024, Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / piece)));
  const rects: Rect[] = [];
  for (let i = 0; i < n; i++) {
    const ax = x0 + ((x1 - x0) * i) / n;
    const ay = y0 + ((y1 - y0) * i) / n;
    const bx = i === n - 1 ? x1 : x0 + ((x1 - x0) * (i + 1)) / n;
    const by = i === n - 1 ? y1 : y0 + ((y1 - y0) * (i + 1)) / n;
    const left = Math.floor(Math.min(ax, bx) - r);
    const top = Math.floor(Math.min(ay, by) - r);
    rects.push({ x: left, y: top, width: Math.ceil(Math.max(ax, bx) + r) - left, height: Math.ceil(Math.max(ay, by) + r) - top });
  }
  return rects;
}

export function upsampleThreshold(map: FloatMap, threshold: number, width: number, height: number): Mask {
  const out = createMask(width, height);
  const mw = map.width;
  const mh = map.height;
  if (mw <= 0 || mh <= 0 || width <= 0 || height <= 0) return out;
  if (map.data.length < mw * mh) throw new WmError('E_MASK_MISMATCH', 'The map is smaller than its size says.');
  const src = map.data;
  const cx0 = new Int32Array(width);
  const cx1 = new Int32Array(width);
  const cfx = new Float32Array(width);
  const sx = mw / width;
  for (let x = 0; x < width; x++) {
    const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), mw - 1);
    const i0 = Math.floor(fx);
    cx0[x] = i0;
    cx1[x] = Math.min(i0 + 1, mw - 1);
    cfx[x] = fx - i0;
  }
  const sy = mh / height;
  const d = out.data;
  // One vertically blended low-res row per output row; then a 1-D lerp per pixel.
  const blended = new Float32Array(mw);
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), mh - 1);
    const j0 = Math.floor(fy);
    const j1 = Math.min(j0 + 1, mh - 1);
    const wy = fy - j0;
    const r0 = j0 * mw;
    const r1 = j1 * mw;
    for (let i = 0; i < mw; i++) blended[i] = src[r0 + i] + (src[r1 + i] - src[r0 + i]) * wy;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const a = blended[cx0[x]];
      if (a + (blended[cx1[x]] - a) * cfx[x] >= threshold) d[row + x] = 255;
    }
  }
  return out;
}

export function maskBBox(mask: Mask, rect?: Rect): Rect | null {
  const area = rect ? clipRect(rect, mask.width, mask.height) : { x: 0, y: 0, width: mask.width, height: mask.height };
  if (!area || area.width === 0 || area.height === 0) return null;
  const { data, width } = mask;
  const xs = area.x;
  const xe = area.x + area.width;
  let minX = xe;
  let maxX = xs - 1;
  let minY = -1;
  let maxY = -1;
  for (let y = area.y; y < area.y + area.height; y++) {
    const row = y * width;
    let first = -1;
    for (let x = xs; x < xe; x++) {
      if (data[row + x] !== 0) {
        first = x;
        break;
      }
    }
    if (first < 0) continue;
    if (minY < 0) minY = y;
    maxY = y;
    if (first < minX) minX = first;
    // Only the part right of the current maxX can widen the box.
    for (let x = xe - 1; x > maxX; x--) {
      if (data[row + x] !== 0) {
        maxX = x;
        break;
      }
    }
  }
  if (minY < 0) return null;
  return { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * RGBA overlay of the mask inside `rect` (must lie inside the mask): constant
 * colour, alpha = mask value. Writes whole pixels through a Uint32Array view;
 * the byte order of a 32-bit word depends on the platform's endianness.
 */
export function maskToOverlayRgba(
  mask: Mask,
  rect: Rect,
  rgb: [number, number, number],
  out?: Uint8ClampedArray,
): Uint8ClampedArray {
  const { x: rx, y: ry, width: rw, height: rh } = rect;
  if (rx < 0 || ry < 0 || rw < 0 || rh < 0 || rx + rw > mask.width || ry + rh > mask.height) {
    throw new WmError('E_MASK_MISMATCH', `The overlay rect ${rw}×${rh}+${rx}+${ry} is outside the ${mask.width}×${mask.height} mask.`);
  }
  const n = rw * rh;
  const dst = out ?? new Uint8ClampedArray(n * 4);
  if (dst.length !== n * 4) throw new WmError('E_MASK_MISMATCH', `The overlay buffer holds ${dst.length} bytes; ${n * 4} needed.`);
  const r = clampByte(rgb[0]);
  const g = clampByte(rgb[1]);
  const b = clampByte(rgb[2]);
  const src = mask.data;
  const mw = mask.width;
  if (dst.byteOffset % 4 === 0) {
    const words = new Uint32Array(dst.buffer, dst.byteOffset, n);
    const base = LITTLE_ENDIAN ? (b << 16) | (g << 8) | r : ((r << 24) | (g << 16) | (b << 8)) >>> 0;
    let i = 0;
    for (let y = ry; y < ry + rh; y++) {
      const row = y * mw + rx;
      for (let x = 0; x < rw; x++) {
        const a = src[row + x];
        words[i++] = LITTLE_ENDIAN ? (base | (a << 24)) >>> 0 : (base | a) >>> 0;
      }
    }
    return dst;
  }
  // A caller-provided view at an unaligned offset cannot take a Uint32Array.
  let o = 0;
  for (let y = ry; y < ry + rh; y++) {
    const row = y * mw + rx;
    for (let x = 0; x < rw; x++) {
      dst[o++] = r;
      dst[o++] = g;
      dst[o++] = b;
      dst[o++] = src[row + x];
    }
  }
  return dst;
}

function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}
