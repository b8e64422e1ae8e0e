/** Mask editing and morphology. Implementations: see engine/README.md. */
import { WmError } from './errors';
import type { FloatMap, Mask, Rect } from './types';

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
  const d = mask.data;
  let n = 0;
  let i = 0;
  // Masks are mostly empty: skip four zero bytes at a time where the view is aligned.
  if (d.byteOffset % 4 === 0) {
    const words = new Uint32Array(d.buffer, d.byteOffset, d.length >> 2);
    for (let w = 0; w < words.length; w++) {
      if (words[w] === 0) continue;
      const b = w << 2;
      if (d[b] !== 0) n++;
      if (d[b + 1] !== 0) n++;
      if (d[b + 2] !== 0) n++;
      if (d[b + 3] !== 0) n++;
    }
    i = words.length << 2;
  }
  for (; i < d.length; i++) if (d[i] !== 0) n++;
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

export function applyMaskOp(mask: Mask, op: MaskOp): Mask {
  switch (op.op) {
    case 'clear':
      return createMask(mask.width, mask.height);
    case 'fill': {
      const out = createMask(mask.width, mask.height);
      out.data.fill(255);
      return out;
    }
    case 'invert': {
      const out = createMask(mask.width, mask.height);
      const s = mask.data;
      const d = out.data;
      for (let i = 0; i < s.length; i++) d[i] = 255 - s[i];
      return out;
    }
    case 'dilate':
      return dilateMask(mask, op.px);
    case 'erode':
      return erodeMask(mask, op.px);
    case 'feather':
      return featherMask(mask, op.px);
  }
}

/**
 * Exact Euclidean distance transform, restricted to distances up to `cap`.
 * Seeds are the pixels with mask > 0 (`seedMasked`) or mask == 0. Pixels outside
 * the image are never seeds. `onRow(y, d2, lo, hi)` receives squared distances
 * for x in [lo, hi]; it is called only for rows holding non-seed pixels within
 * reach of a seed. Pixels outside [lo, hi] are seeds (distance 0) or farther than
 * cap, and so are values above cap².
 *
 * Pass 1 stores per-column vertical distances clamped to cap+1 in a Uint16Array
 * (2 bytes/pixel: 96 MB at 48 MP instead of 192 MB for floats). Pass 2 is
 * Felzenszwalb & Huttenlocher's lower envelope of parabolas per row
 * (https://cs.brown.edu/people/pfelzens/papers/dt-final.pdf), built only from
 * the columns that can reach the row's non-seed span. Clamping is exact for the
 * threshold question: a clamped column is already more than cap away.
 */
function rowDistancesSq(
  mask: Mask,
  seedMasked: boolean,
  cap: number,
  onRow: (y: number, d2: Float64Array, lo: number, hi: number) => void,
): void {
  const { width, height, data } = mask;
  const far = Math.min(Math.ceil(cap) + 1, 65535);
  const reach = far - 1;
  const g = new Uint16Array(width * height);
  // Per row: the span of non-seed pixels (the only ones whose distance is unknown).
  const spanLo = new Int32Array(height).fill(width);
  const spanHi = new Int32Array(height).fill(-1);
  // Pass 1: vertical distance to the nearest seed in the same column.
  const run = new Uint16Array(width).fill(far);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let lo = width;
    let hi = -1;
    for (let x = 0; x < width; x++) {
      let d = run[x] + 1;
      if ((data[row + x] !== 0) === seedMasked) d = 0;
      else {
        if (d > far) d = far;
        if (lo === width) lo = x;
        hi = x;
      }
      run[x] = d;
      g[row + x] = d;
    }
    spanLo[y] = lo;
    spanHi[y] = hi;
  }
  run.fill(far);
  for (let y = height - 1; y >= 0; y--) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const up = g[row + x];
      let d = run[x] + 1;
      if (up === 0) d = 0;
      else if (d > far) d = far;
      run[x] = d;
      if (d < up) g[row + x] = d;
    }
  }
  // Pass 2: 1-D squared EDT along each row over the columns with g < far.
  const fv = new Float64Array(width); // f at each envelope vertex
  const d2 = new Float64Array(width);
  const v = new Int32Array(width);
  const z = new Float64Array(width + 1);
  for (let y = 0; y < height; y++) {
    if (spanHi[y] < 0) continue; // all seeds
    const row = y * width;
    const qs = Math.max(0, spanLo[y] - reach);
    const qe = Math.min(width - 1, spanHi[y] + reach);
    let k = -1;
    for (let q = qs; q <= qe; q++) {
      const gq = g[row + q];
      if (gq >= far) continue;
      const fq = gq * gq;
      if (k < 0) {
        k = 0;
        v[0] = q;
        fv[0] = fq;
        z[0] = -Infinity;
        z[1] = Infinity;
        continue;
      }
      let s = (fq + q * q - (fv[k] + v[k] * v[k])) / (2 * q - 2 * v[k]);
      // z[0] = −∞, so the first vertex is never popped.
      while (s <= z[k]) {
        k--;
        s = (fq + q * q - (fv[k] + v[k] * v[k])) / (2 * q - 2 * v[k]);
      }
      k++;
      v[k] = q;
      fv[k] = fq;
      z[k] = s;
      z[k + 1] = Infinity;
    }
    if (k < 0) continue; // nothing within reach
    const lo = Math.max(spanLo[y], v[0] - reach);
    const hi = Math.min(spanHi[y], v[k] + reach);
    if (lo > hi) continue;
    let j = 0;
    for (let q = lo; q <= hi; q++) {
      while (z[j + 1] < q) j++;
      const dq = q - v[j];
      d2[q] = dq * dq + fv[j];
    }
    onRow(y, d2, lo, hi);
  }
}

/** Every pixel within a Euclidean distance `px` of a masked pixel becomes 255 (the result is binary). */
export function dilateMask(mask: Mask, px: number): Mask {
  if (!(px > 0)) return cloneMask(mask);
  const out = createMask(mask.width, mask.height);
  const src = mask.data;
  for (let i = 0; i < src.length; i++) if (src[i] !== 0) out.data[i] = 255;
  const lim = px * px;
  const w = mask.width;
  rowDistancesSq(mask, true, px, (y, d2, lo, hi) => {
    const row = y * w;
    for (let x = lo; x <= hi; x++) if (d2[x] <= lim) out.data[row + x] = 255;
  });
  return out;
}

/**
 * Keeps masked pixels farther than `px` from any unmasked pixel, with their soft
 * values. The image border does not erode: a mask touching the edge keeps its
 * edge, as with OpenCV's default border for erode.
 */
export function erodeMask(mask: Mask, px: number): Mask {
  if (!(px > 0)) return cloneMask(mask);
  const out = cloneMask(mask);
  const lim = px * px;
  const w = mask.width;
  // Start from a copy and clear what lies within px of the background.
  rowDistancesSq(mask, false, px, (y, d2, lo, hi) => {
    const row = y * w;
    for (let x = lo; x <= hi; x++) if (d2[x] <= lim) out.data[row + x] = 0;
  });
  return out;
}

/** A soft ramp outward: 255·(1 − d/px) within px outside the mask; the inside keeps its values. */
export function featherMask(mask: Mask, px: number): Mask {
  if (!(px > 0)) return cloneMask(mask);
  const out = cloneMask(mask);
  const w = mask.width;
  const lim = px * px;
  rowDistancesSq(mask, true, px, (y, d2, lo, hi) => {
    const row = y * w;
    for (let x = lo; x <= hi; x++) {
      const dd = d2[x];
      if (dd > 0 && dd < lim) out.data[row + x] = Math.round(255 * (1 - Math.sqrt(dd) / px));
    }
  });
  return out;
}

/**
 * Bilinear sample of a low-resolution soft map at every full-resolution pixel
 * (pixel centres aligned, edges clamped), thresholded to 0/255. Column weights are
 * precomputed once and rows are produced one at a time, so no full-resolution
 * float buffer exists.
 */
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

export interface Component {
  id: number;
  box: Rect;
  area: number;
}

/** Union-find root with path halving. */
function findRoot(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

/**
 * 8-connected components of mask > 0 (two-pass union-find). Ids run 1..n in raster
 * order of each component's first pixel; background is 0.
 */
export function connectedComponents(mask: Mask): { labels: Int32Array; components: Component[] } {
  const { width, height, data } = mask;
  const labels = new Int32Array(width * height);
  let parent = new Int32Array(1024);
  let next = 1;
  const union = (a: number, b: number): number => {
    const ra = findRoot(parent, a);
    const rb = findRoot(parent, b);
    if (ra === rb) return ra;
    // The smaller label wins, so roots keep raster order of first appearance.
    if (ra < rb) {
      parent[rb] = ra;
      return ra;
    }
    parent[ra] = rb;
    return rb;
  };
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const up = row - width;
    for (let x = 0; x < width; x++) {
      if (data[row + x] === 0) continue;
      let l = 0;
      // Neighbours already visited: W, NW, N, NE.
      if (x > 0 && labels[row + x - 1] !== 0) l = labels[row + x - 1];
      if (y > 0) {
        if (x > 0 && labels[up + x - 1] !== 0) l = l === 0 ? labels[up + x - 1] : union(l, labels[up + x - 1]);
        if (labels[up + x] !== 0) l = l === 0 ? labels[up + x] : union(l, labels[up + x]);
        if (x + 1 < width && labels[up + x + 1] !== 0) l = l === 0 ? labels[up + x + 1] : union(l, labels[up + x + 1]);
      }
      if (l === 0) {
        if (next >= parent.length) {
          const grown = new Int32Array(parent.length * 2);
          grown.set(parent);
          parent = grown;
        }
        parent[next] = next;
        l = next++;
      }
      labels[row + x] = l;
    }
  }
  // Compact root labels to 1..n.
  const compact = new Int32Array(next);
  let n = 0;
  for (let i = 1; i < next; i++) {
    const r = findRoot(parent, i);
    if (r === i) compact[i] = ++n;
  }
  for (let i = 1; i < next; i++) compact[i] = compact[findRoot(parent, i)];
  const minX = new Int32Array(n + 1).fill(width);
  const minY = new Int32Array(n + 1).fill(height);
  const maxX = new Int32Array(n + 1).fill(-1);
  const maxY = new Int32Array(n + 1).fill(-1);
  const area = new Float64Array(n + 1);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const raw = labels[row + x];
      if (raw === 0) continue;
      const id = compact[raw];
      labels[row + x] = id;
      area[id]++;
      if (x < minX[id]) minX[id] = x;
      if (x > maxX[id]) maxX[id] = x;
      if (y < minY[id]) minY[id] = y;
      maxY[id] = y;
    }
  }
  const components: Component[] = [];
  for (let id = 1; id <= n; id++) {
    components.push({
      id,
      box: { x: minX[id], y: minY[id], width: maxX[id] - minX[id] + 1, height: maxY[id] - minY[id] + 1 },
      area: area[id],
    });
  }
  return { labels, components };
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
