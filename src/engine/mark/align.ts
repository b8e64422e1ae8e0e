/**
 * Where a mark sits in each image of a batch. Phase correlation (by FFT) of
 * gradient-magnitude maps gives each image's shift against the first, because
 * the mark is the only structure the images share; a local search on the
 * mark's own edges then makes the shift sub-pixel.
 */
import type { RgbaImage } from '../types';
import { fft2d, nextPow2 } from './fft';
import { lumaAt, type Vec2 } from './sample';

/** Luma gradient magnitude at `scale` by area averaging, zero-mean, as (h, w). */
export function gradientMap(image: RgbaImage, scale: number): { map: Float32Array; w: number; h: number } {
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
  const g = new Float32Array(w * h);
  let mean = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      g[i] = Math.hypot(lum[i + 1] - lum[i - 1], lum[i + w] - lum[i - w]);
      mean += g[i];
    }
  }
  mean /= w * h;
  for (let i = 0; i < w * h; i++) g[i] -= mean;
  return { map: g, w, h };
}

function spectrum(map: Float32Array, w: number, h: number, pw: number, ph: number): Float64Array {
  const c = new Float64Array(pw * ph * 2);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) c[(y * pw + x) * 2] = map[y * w + x];
  fft2d(c, pw, ph);
  return c;
}

export interface Shift {
  /** Where image k's mark is, relative to the reference image's, in the working map's pixels. */
  d: Vec2;
  /** Peak height over the next best peak (≥ 1); near 1 means no shared structure. */
  distinctness: number;
}

/** Phase correlation of each map against the first. Maps must share a size. */
export function phaseShifts(maps: Float32Array[], w: number, h: number): Shift[] {
  const pw = nextPow2(w + (w >> 1));
  const ph = nextPow2(h + (h >> 1));
  const ref = spectrum(maps[0], w, h, pw, ph);
  return maps.map((map, k) => {
    if (k === 0) return { d: [0, 0], distinctness: Infinity };
    const f = spectrum(map, w, h, pw, ph);
    for (let i = 0; i < pw * ph; i++) {
      // F_k · conj(F_0), whitened: its inverse peaks at the shift of k against 0.
      const re = f[i * 2] * ref[i * 2] + f[i * 2 + 1] * ref[i * 2 + 1];
      const im = f[i * 2 + 1] * ref[i * 2] - f[i * 2] * ref[i * 2 + 1];
      const m = Math.hypot(re, im) + 1e-9;
      f[i * 2] = re / m;
      f[i * 2 + 1] = im / m;
    }
    fft2d(f, pw, ph, true);
    const at = (dx: number, dy: number) => f[(((dy % ph) + ph) % ph) * pw * 2 + (((dx % pw) + pw) % pw) * 2];
    let best = { dx: 0, dy: 0, v: -Infinity };
    const rx = w >> 1;
    const ry = h >> 1;
    for (let dy = -ry; dy <= ry; dy++) for (let dx = -rx; dx <= rx; dx++) {
      const v = at(dx, dy);
      if (v > best.v) best = { dx, dy, v };
    }
    let second = 0;
    for (let dy = -ry; dy <= ry; dy++) for (let dx = -rx; dx <= rx; dx++) {
      if (Math.abs(dx - best.dx) <= 2 && Math.abs(dy - best.dy) <= 2) continue;
      second = Math.max(second, at(dx, dy));
    }
    const sub = (m: number, c: number, p: number) => (m - 2 * c + p < 0 ? (0.5 * (m - p)) / (m - 2 * c + p) : 0);
    const d: Vec2 = [
      best.dx + sub(at(best.dx - 1, best.dy), best.v, at(best.dx + 1, best.dy)),
      best.dy + sub(at(best.dx, best.dy - 1), best.v, at(best.dx, best.dy + 1)),
    ];
    return { d, distinctness: second > 0 ? best.v / second : Infinity };
  });
}

/**
 * Refines a shift to a fraction of a pixel: the offset, within ±radius, that best
 * correlates the image's gradient magnitude with the template's at the template's
 * strong edges (points (x, y, weight) in reference coordinates).
 */
export function refineShift(image: RgbaImage, points: Float32Array, d: Vec2, radius = 2): Vec2 {
  const score = (sx: number, sy: number): number => {
    let s = 0;
    for (let k = 0; k < points.length; k += 3) {
      const x = points[k] + sx;
      const y = points[k + 1] + sy;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const ax = x - x0;
      const ay = y - y0;
      const g = (xx: number, yy: number) =>
        Math.hypot(lumaAt(image, xx + 1, yy) - lumaAt(image, xx - 1, yy), lumaAt(image, xx, yy + 1) - lumaAt(image, xx, yy - 1));
      s += points[k + 2] * ((1 - ay) * ((1 - ax) * g(x0, y0) + ax * g(x0 + 1, y0)) + ay * ((1 - ax) * g(x0, y0 + 1) + ax * g(x0 + 1, y0 + 1)));
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
