/**
 * Whole-mask morphology: dilate, erode and feather by an exact Euclidean
 * distance transform (O(N), independent of the radius), and the op dispatcher
 * the worker runs for the mask panel.
 */
import { cloneMask, createMask, type MaskOp } from './mask';
import type { Mask } from './types';

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
 * Every dilation of `mask` by the radii (ascending) at once, from one distance
 * transform: per pixel 0 where masked, k where the k-th radius (1-based) is the
 * first to reach it, 255 where none does. `level <= k` is dilateMask(mask, radii[k − 1]).
 */
export function dilationLevels(mask: Mask, radii: readonly number[]): Uint8Array {
  const levels = new Uint8Array(mask.width * mask.height).fill(255);
  const src = mask.data;
  for (let i = 0; i < src.length; i++) if (src[i] !== 0) levels[i] = 0;
  if (radii.length === 0) return levels;
  const lims = radii.map((r) => r * r);
  const w = mask.width;
  rowDistancesSq(mask, true, radii[radii.length - 1], (y, d2, lo, hi) => {
    const row = y * w;
    for (let x = lo; x <= hi; x++) {
      const d = d2[x];
      if (d > lims[lims.length - 1]) continue;
      let k = 0;
      while (d > lims[k]) k++;
      if (k + 1 < levels[row + x]) levels[row + x] = k + 1;
    }
  });
  return levels;
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
