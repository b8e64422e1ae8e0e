/**
 * Classical inpainting: Telea, "An Image Inpainting Technique Based on the Fast
 * Marching Method", J. Graphics Tools 9(1), 2004. The structure follows OpenCV's
 * cv::inpaint(INPAINT_TELEA) (modules/photo/src/inpaint.cpp): a fast-marching
 * front moves from the hole's boundary inward, and each pixel is a weighted
 * first-order extrapolation of the known pixels within `radius`, weighted by
 * direction (along the level-set normal), distance and level-set proximity.
 *
 * The first-order term is off by default (issue 13, "rainbow streaks"). OpenCV
 * normalises it per channel to ±√2 levels whatever the gradient's size, so on a
 * smooth sky the JPEG noise of each channel gives an independent ±1.4 kick per
 * pixel; filled pixels then feed the next ring, and the kicks add up along the
 * marching front into coloured streaks. Unnormalised, or only from the original
 * pixels, it still doubles the chroma variance of the fill on a JPEG'd sky
 * (fill/streaks.test.ts); the zeroth-order weighted mean does not. `firstOrder`
 * brings OpenCV's bounded term back. The distance weight is the paper's
 * 1/|q − p|², and channels share the weights. Cost is O(hole · radius²), so the
 * pipeline calls this on tiles, never on a whole 48 MP image.
 */
import { WmError } from './errors';

const KNOWN = 0;
const BAND = 1;
const INSIDE = 2;
const FAR_T = 1e6;

/** Binary min-heap of pixel indices keyed by arrival time; grows as needed. */
class MinHeap {
  private keys: Float64Array;
  private items: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.keys = new Float64Array(Math.max(16, capacity));
    this.items = new Int32Array(Math.max(16, capacity));
  }

  push(item: number, key: number): void {
    if (this.size === this.keys.length) {
      const k = new Float64Array(this.size * 2);
      k.set(this.keys);
      this.keys = k;
      const it = new Int32Array(this.size * 2);
      it.set(this.items);
      this.items = it;
    }
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent] <= key) break;
      this.keys[i] = this.keys[parent];
      this.items[i] = this.items[parent];
      i = parent;
    }
    this.keys[i] = key;
    this.items[i] = item;
  }

  /** Removes the smallest; call only when size > 0. */
  pop(): number {
    const top = this.items[0];
    const n = --this.size;
    if (n > 0) {
      const key = this.keys[n];
      const item = this.items[n];
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && this.keys[c + 1] < this.keys[c]) c++;
        if (this.keys[c] >= key) break;
        this.keys[i] = this.keys[c];
        this.items[i] = this.items[c];
        i = c;
      }
      this.keys[i] = key;
      this.items[i] = item;
    }
    return top;
  }
}

/**
 * Eikonal update from two orthogonal neighbours (OpenCV's FastMarching_solve);
 * `ok` says whether each neighbour's time is final.
 */
function solve(t1: number, ok1: boolean, t2: number, ok2: boolean): number {
  if (ok1 && ok2) {
    const d = t1 - t2;
    if (Math.abs(d) >= 1) return 1 + Math.min(t1, t2);
    return (t1 + t2 + Math.sqrt(2 - d * d)) * 0.5;
  }
  if (ok1) return 1 + t1;
  if (ok2) return 1 + t2;
  return FAR_T;
}

export function inpaintTelea(
  rgba: Uint8ClampedArray,
  width: number,
  height: number,
  fill: Uint8Array /* >0 = pixel to fill */,
  radius = 5,
  firstOrder = false,
): Uint8ClampedArray {
  const n = width * height;
  if (rgba.length !== n * 4 || fill.length !== n) {
    throw new WmError('E_MASK_MISMATCH', `Telea needs ${n * 4} RGBA bytes and ${n} mask bytes for ${width}×${height}; got ${rgba.length} and ${fill.length}.`);
  }
  const out = rgba.slice();
  const flags = new Uint8Array(n);
  const t = new Float32Array(n);
  let inside = 0;
  for (let i = 0; i < n; i++) {
    if (fill[i] !== 0) {
      flags[i] = INSIDE;
      t[i] = FAR_T;
      inside++;
    }
  }
  // Nothing to do, or nothing known to fill from: return the copy unchanged.
  if (inside === 0 || inside === n) return out;
  const R = Math.max(1, Math.round(radius));

  const heap = new MinHeap(Math.min(n, inside * 2 + 64));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (flags[i] === INSIDE) continue;
      if (
        (x > 0 && flags[i - 1] === INSIDE) ||
        (x + 1 < width && flags[i + 1] === INSIDE) ||
        (y > 0 && flags[i - width] === INSIDE) ||
        (y + 1 < height && flags[i + width] === INSIDE)
      ) {
        flags[i] = BAND;
        heap.push(i, 0);
      }
    }
  }
  // The first-order FMM overestimates diagonal distances by a few per cent: reach a little past R.
  signedOutsideDistances(flags, t, width, height, R * 1.2 + 2);

  const isKnown = (i: number): boolean => flags[i] !== INSIDE;
  while (heap.size > 0) {
    const p = heap.pop();
    flags[p] = KNOWN;
    const px = p % width;
    const py = (p - px) / width;
    for (let q4 = 0; q4 < 4; q4++) {
      const x = q4 === 0 ? px - 1 : q4 === 1 ? px + 1 : px;
      const y = q4 === 2 ? py - 1 : q4 === 3 ? py + 1 : py;
      if (x < 0 || y < 0 || x >= width || y >= height) continue;
      const q = y * width + x;
      if (flags[q] !== INSIDE) continue;
      const hasL = x > 0 && isKnown(q - 1);
      const hasR = x + 1 < width && isKnown(q + 1);
      const hasU = y > 0 && isKnown(q - width);
      const hasD = y + 1 < height && isKnown(q + width);
      const tL = hasL ? t[q - 1] : FAR_T;
      const tR = hasR ? t[q + 1] : FAR_T;
      const tU = hasU ? t[q - width] : FAR_T;
      const tD = hasD ? t[q + width] : FAR_T;
      const dist = Math.min(solve(tU, hasU, tL, hasL), solve(tD, hasD, tL, hasL), solve(tU, hasU, tR, hasR), solve(tD, hasD, tR, hasR));
      t[q] = dist;
      // Level-set normal at q from the known neighbours' times.
      let gx = hasR ? (hasL ? (tR - tL) * 0.5 : tR - dist) : hasL ? dist - tL : 0;
      let gy = hasD ? (hasU ? (tD - tU) * 0.5 : tD - dist) : hasU ? dist - tU : 0;
      const gl = Math.hypot(gx, gy);
      if (gl > 0) {
        gx /= gl;
        gy /= gl;
      }
      fillPixel(out, flags, t, width, height, x, y, gx, gy, R, firstOrder);
      flags[q] = BAND;
      heap.push(q, dist);
    }
  }
  return out;
}

/** Weighted first-order estimate of pixel (x, y) from the known pixels within R. */
function fillPixel(
  out: Uint8ClampedArray,
  flags: Uint8Array,
  t: Float32Array,
  width: number,
  height: number,
  x: number,
  y: number,
  gx: number,
  gy: number,
  R: number,
  firstOrder: boolean,
): void {
  const q = y * width + x;
  const tq = t[q];
  let sw = 0;
  // Per channel: weighted values, and weighted gradient·offset terms along x and y.
  const ia = [0, 0, 0];
  const jx = [0, 0, 0];
  const jy = [0, 0, 0];
  const y0 = Math.max(0, y - R);
  const y1 = Math.min(height - 1, y + R);
  const x0 = Math.max(0, x - R);
  const x1 = Math.min(width - 1, x + R);
  for (let ky = y0; ky <= y1; ky++) {
    const ry = y - ky;
    for (let kx = x0; kx <= x1; kx++) {
      const rx = x - kx;
      const d2 = rx * rx + ry * ry;
      if (d2 > R * R) continue;
      const p = ky * width + kx;
      if (flags[p] === INSIDE) continue;
      const dst = 1 / d2;
      const lev = 1 / (1 + Math.abs(t[p] - tq));
      let dir = Math.abs(rx * gx + ry * gy) / Math.sqrt(d2);
      if (dir <= 0.01) dir = 1e-6;
      const w = dst * lev * dir;
      const hasL = kx > 0 && flags[p - 1] !== INSIDE;
      const hasR = kx + 1 < width && flags[p + 1] !== INSIDE;
      const hasU = ky > 0 && flags[p - width] !== INSIDE;
      const hasD = ky + 1 < height && flags[p + width] !== INSIDE;
      const o = p * 4;
      for (let c = 0; c < 3; c++) {
        const v = out[o + c];
        const ix = hasR ? (hasL ? (out[o + 4 + c] - out[o - 4 + c]) * 0.5 : out[o + 4 + c] - v) : hasL ? v - out[o - 4 + c] : 0;
        const iy = hasD ? (hasU ? (out[o + width * 4 + c] - out[o - width * 4 + c]) * 0.5 : out[o + width * 4 + c] - v) : hasU ? v - out[o - width * 4 + c] : 0;
        ia[c] += w * v;
        jx[c] += w * ix * rx;
        jy[c] += w * iy * ry;
      }
      sw += w;
    }
  }
  if (sw <= 0) return;
  const o = q * 4;
  for (let c = 0; c < 3; c++) {
    // OpenCV's bounded first-order term (at most ±√2 levels). The paper's unbounded
    // I + ∇I·r extrapolates strong edges (text outlines next to the hole) by up to
    // R pixels and overshoots into saturated colour speckles; bounded, it cannot.
    const grad = firstOrder ? (jx[c] + jy[c]) / (Math.sqrt(jx[c] * jx[c] + jy[c] * jy[c]) + 1e-20) : 0;
    // Uint8ClampedArray clamps to 0..255; round here to avoid its half-to-even rule.
    out[o + c] = Math.round(ia[c] / sw + grad);
  }
}

/**
 * Distances from the band outward over known pixels, up to `limit`, stored as
 * negative times (OpenCV's negated outer FMM). Without them every known pixel
 * would sit at time 0 or "far", and the level-set weight would ignore all but
 * the band. Known pixels beyond the limit get −FAR_T, which the weight zeroes.
 */
function signedOutsideDistances(flags: Uint8Array, t: Float32Array, width: number, height: number, limit: number): void {
  const n = width * height;
  const state = new Uint8Array(n); // 0 unvisited, 1 queued, 2 final
  const heap = new MinHeap(1024);
  for (let i = 0; i < n; i++) {
    if (flags[i] === BAND) {
      state[i] = 2;
      t[i] = 0;
    } else if (flags[i] === KNOWN) {
      t[i] = FAR_T;
    }
  }
  // Seed the first ring around the band.
  for (let i = 0; i < n; i++) if (flags[i] === BAND) relaxNeighbours(i);
  while (heap.size > 0) {
    const p = heap.pop();
    if (state[p] === 2) continue; // stale duplicate
    state[p] = 2;
    if (t[p] <= limit) relaxNeighbours(p);
  }
  for (let i = 0; i < n; i++) {
    if (flags[i] !== KNOWN) continue;
    t[i] = state[i] === 2 ? -t[i] : -FAR_T;
  }

  function relaxNeighbours(p: number): void {
    const px = p % width;
    const py = (p - px) / width;
    for (let k = 0; k < 4; k++) {
      const x = k === 0 ? px - 1 : k === 1 ? px + 1 : px;
      const y = k === 2 ? py - 1 : k === 3 ? py + 1 : py;
      if (x < 0 || y < 0 || x >= width || y >= height) continue;
      const q = y * width + x;
      if (flags[q] !== KNOWN || state[q] === 2) continue;
      const okL = x > 0 && state[q - 1] === 2;
      const okR = x + 1 < width && state[q + 1] === 2;
      const okU = y > 0 && state[q - width] === 2;
      const okD = y + 1 < height && state[q + width] === 2;
      const tL = okL ? t[q - 1] : FAR_T;
      const tR = okR ? t[q + 1] : FAR_T;
      const tU = okU ? t[q - width] : FAR_T;
      const tD = okD ? t[q + width] : FAR_T;
      const d = Math.min(solve(tU, okU, tL, okL), solve(tD, okD, tL, okL), solve(tU, okU, tR, okR), solve(tD, okD, tR, okR));
      if (d < t[q]) {
        t[q] = d;
        state[q] = 1;
        heap.push(q, d);
      }
    }
  }
}
