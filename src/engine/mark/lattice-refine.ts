/**
 * The last step of the lattice search (lattice.ts): each basis vector refined at
 * full resolution on its far multiples, by correlating the gradient magnitude at
 * strong points with itself shifted by the multiple.
 */
import type { RgbaImage } from '../types';
import type { Vec2 } from './sample';

/** Sub-pixel offset of a peak from three samples (m, c, p) one step apart, within ±0.5. */
export function parabola(m: number, c: number, p: number): number {
  const den = m - 2 * c + p;
  return den < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (m - p)) / den)) : 0;
}

/**
 * Refines each vector on its multiples n = 1, 2, 4, … (while n·v stays within half
 * the image): the correlation of full-resolution gradient magnitudes at strong
 * points, searched on a ±1 px grid, with a parabolic sub-pixel step.
 */
export function refineAtFullResolution(image: RgbaImage, v1: Vec2, v2: Vec2): { v1: Vec2; v2: Vec2 } {
  const pts = strongPoints(image, 40_000);
  const gradHw = gradientMagnitude(image);
  const refine = (v: Vec2): Vec2 => {
    let cur: Vec2 = v;
    for (let n = 1; Math.abs(n * cur[0]) <= image.width * 0.7 && Math.abs(n * cur[1]) <= image.height * 0.7; n = n < 4 ? n * 2 : n + 2) {
      const c: Vec2 = [n * cur[0], n * cur[1]];
      // Memoised: the parabola's neighbours of the best step are mostly steps of the search already scored.
      const scored = new Map<number, number>();
      const score = (sx: number, sy: number) => {
        const key = sx * 64 + sy;
        let s = scored.get(key);
        if (s === undefined) scored.set(key, (s = correlation(gradHw, image.width, image.height, pts, c[0] + sx, c[1] + sy)));
        return s;
      };
      let best = { sx: 0, sy: 0, s: -Infinity };
      // The first multiple searches ±1 px; later ones start from a vector already
      // good to a fraction of a pixel per multiple, so ±0.5 px holds the peak.
      const reach = n === 1 ? 1 : 0.5;
      for (let sy = -reach; sy <= reach; sy += 0.5) for (let sx = -reach; sx <= reach; sx += 0.5) {
        const s = score(sx, sy);
        if (s > best.s) best = { sx, sy, s };
      }
      const ox = best.sx + 0.5 * parabola(score(best.sx - 0.5, best.sy), best.s, score(best.sx + 0.5, best.sy));
      const oy = best.sy + 0.5 * parabola(score(best.sx, best.sy - 0.5), best.s, score(best.sx, best.sy + 0.5));
      cur = [(c[0] + ox) / n, (c[1] + oy) / n];
    }
    return cur;
  };
  return { v1: refine(v1), v2: refine(v2) };
}

/**
 * How far (px) the refinement may move a vector found at full scale. It correlates gradient magnitudes, and on a
 * small preview the picture's own correlation, which falls with the lag, pulls its peak toward
 * shorter vectors: on 8 val pattern cases (170–330 px, found at full scale) the fit's error
 * against the mark's own lattice was 0.02–0.33 px and the refined one's up to 1.65 px; with moves
 * over 0.3 px refused, at most 0.32 (0.5: 0.36). On 88 val tiled cases (900–1200 px, found at a
 * reduced scale, so not concerned) refining helps (0.05–0.54 → 0.00–0.15 px), and over noise at
 * full scale as well (repeats.test.ts: a resized lattice to 0.02 px).
 * Test: lattice.test.ts.
 */
const MAX_FULL_SCALE_MOVE = 0.3;

/**
 * A basis found at `scale` of the image, refined at full resolution. Found at full
 * resolution already (a small preview), the fit over the autocorrelation's peaks is good
 * to a fraction of a pixel, and a vector the refinement moves further keeps the fit.
 */
export function refineFound(image: RgbaImage, v1: Vec2, v2: Vec2, scale: number): { v1: Vec2; v2: Vec2 } {
  const full = refineAtFullResolution(image, [v1[0] / scale, v1[1] / scale], [v2[0] / scale, v2[1] / scale]);
  if (scale !== 1) return full;
  const keep = (fit: Vec2, refined: Vec2): Vec2 => (Math.hypot(refined[0] - fit[0], refined[1] - fit[1]) <= MAX_FULL_SCALE_MOVE ? refined : fit);
  return { v1: keep(v1, full.v1), v2: keep(v2, full.v2) };
}

/** Σ over the points of their weight × the map bilinearly sampled at point + (ux, uy). */
function correlation(g: Float32Array, w: number, h: number, pts: Points, ux: number, uy: number): number {
  let s = 0;
  const n = pts.g.length;
  const fx = Math.floor(ux);
  const fy = Math.floor(uy);
  const ax = ux - fx;
  const ay = uy - fy;
  const w00 = (1 - ax) * (1 - ay);
  const w10 = ax * (1 - ay);
  const w01 = (1 - ax) * ay;
  const w11 = ax * ay;
  for (let k = 0; k < n; k++) {
    const x = pts.xy[k * 2] + fx;
    const y = pts.xy[k * 2 + 1] + fy;
    if (x < 1 || y < 1 || x >= w - 2 || y >= h - 2) continue;
    const i = y * w + x;
    s += pts.g[k] * (w00 * g[i] + w10 * g[i + 1] + w01 * g[i + w] + w11 * g[i + w + 1]);
  }
  return s;
}

interface Points {
  xy: Int32Array; // (n, 2)
  g: Float32Array; // (n)
}

/** lumaAt's central-difference gradient magnitude at an inner pixel (no clamping needed), without its calls. */
function gradMag(image: RgbaImage, x: number, y: number): number {
  const d = image.data;
  const w4 = image.width * 4;
  const i = y * w4 + x * 4;
  const gx = 0.299 * d[i + 4] + 0.587 * d[i + 5] + 0.114 * d[i + 6] - (0.299 * d[i - 4] + 0.587 * d[i - 3] + 0.114 * d[i - 2]);
  const gy = 0.299 * d[i + w4] + 0.587 * d[i + w4 + 1] + 0.114 * d[i + w4 + 2] - (0.299 * d[i - w4] + 0.587 * d[i - w4 + 1] + 0.114 * d[i - w4 + 2]);
  return Math.hypot(gx, gy);
}

/** Luma gradient magnitude at every pixel, (h, w); borders 0. */
export function gradientMagnitude(image: RgbaImage): Float32Array {
  const { width: w, height: h, data: d } = image;
  const g = new Float32Array(w * h);
  if (h < 3) return g;
  // Luma three rows at a time (Float32, as a whole-image luma array would hold it): the same values, without a second image-sized array.
  let above = new Float32Array(w);
  let row = new Float32Array(w);
  let below = new Float32Array(w);
  const luma = (y: number, out: Float32Array) => {
    for (let x = 0, i = y * w * 4; x < w; x++, i += 4) out[x] = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
  };
  luma(0, above);
  luma(1, row);
  for (let y = 1; y < h - 1; y++) {
    luma(y + 1, below);
    for (let x = 1, i = y * w + 1; x < w - 1; x++, i++) {
      const gx = row[x + 1] - row[x - 1];
      const gy = below[x] - above[x];
      g[i] = Math.sqrt(gx * gx + gy * gy);
    }
    const t = above;
    above = row;
    row = below;
    below = t;
  }
  return g;
}

/** Up to `max` points on a 2-px grid with the largest gradient magnitude. */
function strongPoints(image: RgbaImage, max: number): Points {
  const step = Math.max(2, Math.round(Math.sqrt((image.width * image.height) / (max * 8))));
  const blocks = Math.max(0, Math.ceil((image.height - 4 - step) / step)) * Math.max(0, Math.ceil((image.width - 4 - step) / step));
  const cand = new Float64Array(blocks * 3);
  let nc = 0;
  const hist = new Uint32Array(512);
  // One point per step×step block at a hashed offset: a regular grid would sample
  // every edge at the same phase and bias the sub-pixel peak.
  let hash = 0x9e3779b9;
  for (let by = 2; by < image.height - 2 - step; by += step) {
    for (let bx = 2; bx < image.width - 2 - step; bx += step) {
      hash = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) >>> 0;
      const x = bx + (hash % step);
      const y = by + ((hash >>> 8) % step);
      const m = gradMag(image, x, y);
      hist[Math.min(511, Math.floor(m))]++;
      cand[nc++] = x;
      cand[nc++] = y;
      cand[nc++] = m;
    }
  }
  const total = nc / 3;
  let cut = 0;
  for (let acc = 0, b = 511; b >= 0; b--) {
    acc += hist[b];
    if (acc >= max) {
      cut = b + 1;
      break;
    }
  }
  const n = Math.min(max, total);
  const xy = new Int32Array(n * 2);
  const g = new Float32Array(n);
  let k = 0;
  for (let i = 0; i < total && k < n; i++) {
    if (cand[i * 3 + 2] < cut) continue;
    xy[k * 2] = cand[i * 3];
    xy[k * 2 + 1] = cand[i * 3 + 1];
    g[k++] = cand[i * 3 + 2];
  }
  return { xy: xy.subarray(0, k * 2), g: g.subarray(0, k) };
}
