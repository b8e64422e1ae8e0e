/**
 * Where a mark sits in each image of a batch. Phase correlation (by FFT) of
 * gradient-magnitude maps gives each image's shift against the first, because
 * the mark is the only structure the images share; a local search on the
 * mark's own edges then makes the shift sub-pixel.
 */
import type { RgbaImage } from '../types';
import { fft2d, fft2dInverseNearLags, nextPow2 } from './fft';
import { lumaAt, type Vec2 } from './sample';

/** Luma gradient magnitude at `scale` by area averaging, capped at its `clipQuantile` quantile, zero-mean, as (h, w). */
export function gradientMap(image: RgbaImage, scale: number, clipQuantile = 1): { map: Float32Array; w: number; h: number } {
  return magnitudeMap(signedGradients(image, scale), clipQuantile);
}

/** `gradientMap` from gradients already at hand. */
export function magnitudeMap(grads: Gradients, clipQuantile = 1): { map: Float32Array; w: number; h: number } {
  const { gx, gy, w, h } = grads;
  const g = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) g[i] = Math.hypot(gx[i], gy[i]);
  if (clipQuantile < 1) {
    // Strong picture edges (a horizon, a building) outweigh a faint mark's: cap them.
    const sorted = g.slice().sort();
    const hi = sorted[Math.floor(clipQuantile * (sorted.length - 1))];
    for (let i = 0; i < w * h; i++) if (g[i] > hi) g[i] = hi;
  }
  // Zero-mean inside, and the 1-px frame (no central difference there) stays 0:
  // a frame at −mean would be a structure every image shares at shift 0.
  let mean = 0;
  for (let y = 1; y < h - 1; y++) for (let x = 1; x < w - 1; x++) mean += g[y * w + x];
  mean /= Math.max(1, (w - 2) * (h - 2));
  for (let y = 1; y < h - 1; y++) for (let x = 1; x < w - 1; x++) g[y * w + x] -= mean;
  return { map: g, w, h };
}

/**
 * Signed luma gradients as one complex map, gx + i·gy, interleaved (h, w, 2), their
 * magnitude capped at its `clipQuantile` quantile (direction kept). A one-colour mark
 * brighter (or darker) than everything under it has the same gradient direction in
 * every image, while the pictures' edges point every way: correlating directions,
 * not magnitudes, lets the pictures cancel.
 */
export function complexGradientMap(grads: Gradients, clipQuantile = 1): { map: Float32Array; w: number; h: number } {
  const { gx, gy, w, h } = grads;
  const mag = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) mag[i] = Math.hypot(gx[i], gy[i]);
  const hi = clipQuantile < 1 ? mag.slice().sort()[Math.floor(clipQuantile * (w * h - 1))] : Infinity;
  const map = new Float32Array(w * h * 2);
  for (let i = 0; i < w * h; i++) {
    const f = mag[i] > hi ? hi / mag[i] : 1;
    map[i * 2] = gx[i] * f;
    map[i * 2 + 1] = gy[i] * f;
  }
  return { map, w, h };
}

export interface Gradients {
  gx: Float32Array;
  gy: Float32Array;
  w: number;
  h: number;
}

/** Signed luma gradients (central differences) at `scale` by area averaging, as (h, w) each; the 1-px frame is 0. */
export function signedGradients(image: RgbaImage, scale: number): Gradients {
  const { lum, w, h } = lumaAtScale(image, scale);
  const gx = new Float32Array(w * h);
  const gy = new Float32Array(w * h);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      gx[i] = lum[i + 1] - lum[i - 1];
      gy[i] = lum[i + w] - lum[i - w];
    }
  }
  return { gx, gy, w, h };
}

function lumaAtScale(image: RgbaImage, scale: number): { lum: Float32Array; w: number; h: number } {
  const w = Math.max(4, Math.floor(image.width * scale));
  const h = Math.max(4, Math.floor(image.height * scale));
  const lum = new Float32Array(w * h);
  const cnt = new Float32Array(w * h);
  for (let y = 0; y < image.height; y++) {
    const oy = Math.min(h - 1, Math.floor(y * scale)) * w;
    for (let x = 0; x < image.width; x++) {
      const o = oy + Math.min(w - 1, Math.floor(x * scale));
      lum[o] += lumaAt(image, x, y);
      cnt[o]++;
    }
  }
  for (let i = 0; i < w * h; i++) lum[i] /= cnt[i] || 1;
  return { lum, w, h };
}

/** The FFT of a real (h, w) map, or of a complex one interleaved (h, w, 2), zero-padded to (ph, pw). */
function spectrum(map: Float32Array, w: number, h: number, pw: number, ph: number): Float64Array {
  const c = new Float64Array(pw * ph * 2);
  if (map.length === w * h * 2) {
    for (let y = 0; y < h; y++) c.set(map.subarray(y * w * 2, (y + 1) * w * 2), y * pw * 2);
  } else {
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) c[(y * pw + x) * 2] = map[y * w + x];
  }
  fft2d(c, pw, ph);
  return c;
}

export interface Shift {
  /** Where image k's mark is, relative to the reference image's, in the working map's pixels. */
  d: Vec2;
  /** Peak height over the next best peak (≥ 1); near 1 means no shared structure. */
  distinctness: number;
}

/** Shifts already measured, by "k r" (k against r); r against k is the same peak mirrored. */
type ShiftMemo = Map<string, Shift>;

/**
 * Phase correlation of each map against map `ref` (its own shift is 0,
 * distinctness ∞). Maps must share a size; `spectra` are reused across calls, and
 * so are the pairs in `memo`: the correlation of r against k is that of k against
 * r turned by half a turn, so its peak is the same, mirrored.
 */
export function phaseShifts(maps: Float32Array[], w: number, h: number, ref = 0, given?: Float64Array[], memo: ShiftMemo = new Map()): Shift[] {
  const { pw, ph } = padded(w, h);
  const spec = given ?? spectra(maps, w, h);
  const R = spec[ref];
  let f: Float64Array | null = null;
  return maps.map((_, k) => {
    if (k === ref) return { d: [0, 0], distinctness: Infinity };
    const known = memo.get(`${ref} ${k}`);
    if (known) return { d: [-known.d[0], -known.d[1]], distinctness: known.distinctness };
    const F = spec[k];
    f ??= new Float64Array(F.length);
    for (let i = 0; i < pw * ph; i++) {
      // F_k · conj(F_ref), whitened: its inverse peaks at the shift of k against ref.
      const re = F[i * 2] * R[i * 2] + F[i * 2 + 1] * R[i * 2 + 1];
      const im = F[i * 2 + 1] * R[i * 2] - F[i * 2] * R[i * 2 + 1];
      const m = Math.sqrt(re * re + im * im) + 1e-9;
      f[i * 2] = re / m;
      f[i * 2 + 1] = im / m;
    }
    // Only lags |dy| ≤ h/2 are searched (one more row each way for the sub-pixel step): the other rows of the inverse are skipped.
    fft2dInverseNearLags(f, pw, ph, (h >> 1) + 1);
    const shift = peak(f, w, h, pw, ph);
    memo.set(`${k} ${ref}`, shift);
    return shift;
  });
}

/** The FFT of every map, padded for phaseShifts. */
export function spectra(maps: Float32Array[], w: number, h: number): Float64Array[] {
  const { pw, ph } = padded(w, h);
  return maps.map((m) => spectrum(m, w, h, pw, ph));
}

/**
 * The FFT size for maps of w × h: half again on each side, so shifts up to half a
 * map do not wrap. Powers of two, not the smaller 3·2^k sizes fft.ts allows: the
 * whitening makes phase correlation depend on the padding, and 3·2^k lost 0.6 dB
 * at K = 8 on the val batches.
 */
function padded(w: number, h: number): { pw: number; ph: number } {
  return { pw: nextPow2(w + (w >> 1)), ph: nextPow2(h + (h >> 1)) };
}

/**
 * Shifts against the reference that places the most images: the first image
 * unless another one's correlations stand out for more of the batch (a faint
 * mark over a busy first picture found no inliers against it). Tries the
 * references in order and stops at one that places every image.
 */
export function bestReferenceShifts(maps: Float32Array[], w: number, h: number, minDistinctness: number): { ref: number; shifts: Shift[]; spec: Float64Array[] } {
  const spec = spectra(maps, w, h);
  const memo: ShiftMemo = new Map();
  let best: { ref: number; shifts: Shift[]; inliers: number; score: number } | null = null;
  for (let ref = 0; ref < maps.length; ref++) {
    const shifts = phaseShifts(maps, w, h, ref, spec, memo);
    const others = shifts.filter((_, k) => k !== ref);
    const inliers = others.filter((s) => s.distinctness >= minDistinctness).length;
    const score = others.reduce((t, s) => t + Math.log(Math.min(4, s.distinctness)), 0);
    if (!best || inliers > best.inliers || (inliers === best.inliers && score > best.score)) best = { ref, shifts, inliers, score };
    if (inliers === maps.length - 1) break;
  }
  return { ref: best!.ref, shifts: best!.shifts, spec };
}

/**
 * The images `shifts` left unplaced, correlated against the sum of the placed ones
 * brought to the reference's frame (shift theorem on their spectra, whole-pixel
 * lags): the mark adds up in that sum and each picture's clutter does not, so a
 * peak too weak against one reference can stand out against several.
 */
export function reinforcedShifts(spec: Float64Array[], w: number, h: number, ref: number, shifts: readonly Shift[], minDistinctness: number): Shift[] {
  const { pw, ph } = padded(w, h);
  const placed = shifts.map((s, k) => k).filter((k) => k === ref || shifts[k].distinctness >= minDistinctness);
  if (placed.length < 2 || placed.length === shifts.length) return [...shifts];
  const acc = new Float64Array(pw * ph * 2);
  for (const k of placed) {
    const dx = Math.round(shifts[k].d[0]);
    const dy = Math.round(shifts[k].d[1]);
    const F = spec[k];
    for (let v = 0; v < ph; v++) {
      for (let u = 0; u < pw; u++) {
        const i = v * pw + u;
        // map_k(x) = ref(x − d): F_k = R·e^(−2πi⟨f, d⟩), so R = F_k·e^(+2πi⟨f, d⟩).
        const t = 2 * Math.PI * ((u * dx) / pw + (v * dy) / ph);
        const c = Math.cos(t);
        const s = Math.sin(t);
        acc[i * 2] += F[i * 2] * c - F[i * 2 + 1] * s;
        acc[i * 2 + 1] += F[i * 2] * s + F[i * 2 + 1] * c;
      }
    }
  }
  // Only the unplaced images are correlated against the sum (it is the last spectrum).
  const unplaced = shifts.map((s, k) => k).filter((k) => !placed.includes(k));
  const given = [...unplaced.map((k) => spec[k]), acc];
  const against = phaseShifts(given.map(() => new Float32Array(0)), w, h, unplaced.length, given);
  const out = [...shifts];
  unplaced.forEach((k, j) => {
    if (against[j].distinctness > shifts[k].distinctness) out[k] = against[j];
  });
  return out;
}

/** The highest lag within half a map each way, sub-pixel, and how far it stands over the best lag outside its 5 × 5 neighbourhood. */
function peak(f: Float64Array, w: number, h: number, pw: number, ph: number): Shift {
  const rx = w >> 1;
  const ry = h >> 1;
  const at = (dx: number, dy: number) => f[((dy + ph) % ph) * pw * 2 + ((dx + pw) % pw) * 2];
  let best = { dx: 0, dy: 0, v: -Infinity };
  for (let dy = -ry; dy <= ry; dy++) {
    const row = (dy < 0 ? dy + ph : dy) * pw * 2;
    for (let dx = -rx; dx <= rx; dx++) {
      const v = f[row + (dx < 0 ? dx + pw : dx) * 2];
      if (v > best.v) best = { dx, dy, v };
    }
  }
  let second = 0;
  for (let dy = -ry; dy <= ry; dy++) {
    const row = (dy < 0 ? dy + ph : dy) * pw * 2;
    const near = Math.abs(dy - best.dy) <= 2;
    for (let dx = -rx; dx <= rx; dx++) {
      if (near && Math.abs(dx - best.dx) <= 2) continue;
      const v = f[row + (dx < 0 ? dx + pw : dx) * 2];
      if (v > second) second = v;
    }
  }
  const sub = (m: number, c: number, p: number) => (m - 2 * c + p < 0 ? (0.5 * (m - p)) / (m - 2 * c + p) : 0);
  const d: Vec2 = [
    best.dx + sub(at(best.dx - 1, best.dy), best.v, at(best.dx + 1, best.dy)),
    best.dy + sub(at(best.dx, best.dy - 1), best.v, at(best.dx, best.dy + 1)),
  ];
  return { d, distinctness: second > 0 ? best.v / second : Infinity };
}

/**
 * Refines a shift to a fraction of a pixel: the offset, within ±radius, that best
 * correlates the image's gradient magnitude with the template's at the template's
 * strong edges (points (x, y, weight) in reference coordinates).
 */
export function refineShift(image: RgbaImage, points: Float32Array, d: Vec2, radius = 2): Vec2 {
  // The gradient magnitude at every whole pixel the search can read, once, instead of at each offset.
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let k = 0; k < points.length; k += 3) {
    minX = Math.min(minX, points[k]);
    maxX = Math.max(maxX, points[k]);
    minY = Math.min(minY, points[k + 1]);
    maxY = Math.max(maxY, points[k + 1]);
  }
  if (!(minX <= maxX)) return d;
  const reach = radius + 1;
  const gx0 = Math.floor(minX + d[0] - reach);
  const gy0 = Math.floor(minY + d[1] - reach);
  const gw = Math.floor(maxX + d[0] + reach) + 2 - gx0;
  const gh = Math.floor(maxY + d[1] + reach) + 2 - gy0;
  const grad = new Float64Array(gw * gh);
  for (let y = 0; y < gh; y++) {
    for (let x = 0; x < gw; x++) {
      const xx = gx0 + x;
      const yy = gy0 + y;
      grad[y * gw + x] = Math.hypot(lumaAt(image, xx + 1, yy) - lumaAt(image, xx - 1, yy), lumaAt(image, xx, yy + 1) - lumaAt(image, xx, yy - 1));
    }
  }
  const score = (sx: number, sy: number): number => {
    let s = 0;
    for (let k = 0; k < points.length; k += 3) {
      const x = points[k] + sx;
      const y = points[k + 1] + sy;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const ax = x - x0;
      const ay = y - y0;
      const i = (y0 - gy0) * gw + (x0 - gx0);
      s += points[k + 2] * ((1 - ay) * ((1 - ax) * grad[i] + ax * grad[i + 1]) + ay * ((1 - ax) * grad[i + gw] + ax * grad[i + gw + 1]));
    }
    return s;
  };
  let cur = d;
  for (const step of [0.5, 0.125]) {
    const span = step === 0.5 ? radius : 0.5;
    let best = { x: cur[0], y: cur[1], s: -Infinity };
    for (let oy = -span; oy <= span + 1e-9; oy += step) for (let ox = -span; ox <= span + 1e-9; ox += step) {
      const s = score(cur[0] + ox, cur[1] + oy);
      if (s > best.s) best = { x: cur[0] + ox, y: cur[1] + oy, s };
    }
    cur = [best.x, best.y];
  }
  return cur;
}
