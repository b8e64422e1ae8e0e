/** Small numeric helpers shared by the mark solvers: sampling, medians, percentiles. */
import type { RgbaImage } from '../types';

export type Vec2 = [number, number];

/** Luma (0–255) at an integer pixel, clamped to the image. */
export function lumaAt(image: RgbaImage, x: number, y: number): number {
  const cx = x < 0 ? 0 : x >= image.width ? image.width - 1 : x;
  const cy = y < 0 ? 0 : y >= image.height ? image.height - 1 : y;
  const i = (cy * image.width + cx) * 4;
  const d = image.data;
  return 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
}

/**
 * Bilinear RGB (0–1) at a sub-pixel position, clamped to the image, written to
 * out[o..o+2]. Pixel centres sit at integer coordinates.
 */
export function sampleRgb(image: RgbaImage, x: number, y: number, out: Float32Array, o: number): void {
  const w = image.width;
  const h = image.height;
  let x0 = Math.floor(x);
  let y0 = Math.floor(y);
  let ax = x - x0;
  let ay = y - y0;
  if (x0 < 0) {
    x0 = 0;
    ax = 0;
  } else if (x0 >= w - 1) {
    x0 = w - 1;
    ax = 0;
  }
  if (y0 < 0) {
    y0 = 0;
    ay = 0;
  } else if (y0 >= h - 1) {
    y0 = h - 1;
    ay = 0;
  }
  const x1 = ax > 0 ? x0 + 1 : x0;
  const y1 = ay > 0 ? y0 + 1 : y0;
  const d = image.data;
  const i00 = (y0 * w + x0) * 4;
  const i10 = (y0 * w + x1) * 4;
  const i01 = (y1 * w + x0) * 4;
  const i11 = (y1 * w + x1) * 4;
  const w00 = (1 - ax) * (1 - ay);
  const w10 = ax * (1 - ay);
  const w01 = (1 - ax) * ay;
  const w11 = ax * ay;
  for (let c = 0; c < 3; c++) {
    out[o + c] = (w00 * d[i00 + c] + w10 * d[i10 + c] + w01 * d[i01 + c] + w11 * d[i11 + c]) / 255;
  }
}

/** v / 255 for every byte, as a float32 array stores it: a lookup instead of a division in per-pixel loops (a 12 MP estimate reads its pixel stack five times). */
export const UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/** Median of values[0..n), reordering them (quickselect). */
export function medianInPlace(values: Float32Array, n: number): number {
  if (n === 0) return NaN;
  const k = n >> 1;
  const lo = select(values, 0, n - 1, k);
  if (n & 1) return lo;
  let below = -Infinity;
  for (let i = 0; i < k; i++) if (values[i] > below) below = values[i];
  return (lo + below) / 2;
}

function select(a: Float32Array, left: number, right: number, k: number): number {
  while (right > left) {
    const pivot = a[(left + right) >> 1];
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return a[k];
  }
  return a[k];
}

/** The q-quantile (0–1) of values[0..n), reordering them: the same value as `quantile`, without a copy or a sort (for per-pixel loops). */
export function quantileInPlace(values: Float32Array, n: number, q: number): number {
  if (n === 0) return NaN;
  return select(values, 0, n - 1, Math.min(n - 1, Math.max(0, Math.round(q * (n - 1)))));
}

/**
 * The q-quantile (0–1) of a copy of `values` (as Float32): the value a sort would put
 * at round(q·(n − 1)), NaN sorting last, found by selection in O(n).
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  const a = Float32Array.from(values);
  if (a.length === 0) return NaN;
  const k = Math.min(a.length - 1, Math.max(0, Math.round(q * (a.length - 1))));
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === a[i]) a[n++] = a[i];
  return k < n ? select(a, 0, n - 1, k) : NaN;
}

/** Stacks at most this many bytes are read once and kept (16 bits a value). */
const CACHE_BYTES = 48 * 1024 * 1024;

/**
 * The same stack, its rows read once and kept as 16-bit values (steps of 1/65535,
 * far below 8-bit input's): the estimate reads every row 5–6 times (median, edges,
 * IRLS rounds), and a resampled lattice cell costs a bilinear sample per value.
 * Stacks with NaN (instances cut by the border) or over CACHE_BYTES pass through.
 */
export function cachedStack<S extends { width: number; height: number; count: number; row(k: number, y: number, out: Float32Array): void }>(stack: S): S {
  const { width: w, height: h, count: K } = stack;
  if (K * w * h * 3 * 2 > CACHE_BYTES) return stack;
  const data = new Uint16Array(K * h * w * 3);
  const row = new Float32Array(w * 3);
  for (let k = 0; k < K; k++) {
    for (let y = 0; y < h; y++) {
      stack.row(k, y, row);
      const o = (k * h + y) * w * 3;
      for (let i = 0; i < w * 3; i++) {
        const v = row[i];
        if (!(v >= 0 && v <= 1)) return stack; // NaN or out of range: read it live
        data[o + i] = Math.round(v * 65535);
      }
    }
  }
  return {
    ...stack,
    row(k: number, y: number, out: Float32Array) {
      const o = (k * h + y) * w * 3;
      for (let i = 0; i < w * 3; i++) out[i] = data[o + i] / 65535;
    },
  };
}

/** K aligned instances of one mark on a grid (estimate.ts reads them; refine.ts and the stack builders make and use them). */
export interface InstanceStack {
  /** Grid size; powers of two (the Poisson solve is an FFT). */
  width: number;
  height: number;
  /** K, the number of instances. */
  count: number;
  /**
   * How the grid's edges join: 'clamp' (a crop around one mark) or a torus (one
   * lattice cell). `twist` shifts x by −twist when a step leaves the bottom row:
   * the pixel-exact cell of an integer lattice with basis (w, 0), (twist, h).
   */
  topology: { kind: 'clamp' } | { kind: 'torus'; twist: number };
  /** The mark's support when the caller knows it; else found by a Poisson solve (needs power-of-two sides and no twist). */
  support?: Uint8Array;
  /** Instance k's RGB (0–1) along grid row y, as (width, 3); NaN where the instance leaves the image. */
  row(k: number, y: number, out: Float32Array): void;
  /** Instances [0, whole) lie fully inside the image (default: all). */
  whole?: number;
}
