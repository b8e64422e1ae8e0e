/**
 * Step 1 of estimate.ts: median_k J_k over a stack of aligned instances, a few
 * whole instances kept for the fit's energy, and sampled spreads across them.
 *
 * A pixel-exact stack (InstanceStack.bytesRow: an integer lattice's cell) is read
 * as bytes, and each median is counted in a two-level histogram instead of
 * selected. The result is the same to the bit: the float rows hold the same
 * bytes / 255. On a 12 MP picture tiled every 400×250 px (48 instances) this step
 * took 330 ms in Node by selection (.scratch/t12i.ts, session 20).
 */
import { throwIfAborted } from '../errors';
import { medianInPlace, type InstanceStack } from './sample';

const SAMPLE_INSTANCES = 8;
/** q / 255 as a Float32 row holds it. */
const BYTE = Float32Array.from({ length: 256 }, (_, q) => q / 255);

export interface StackMedian {
  /** median_k J_k, (3, h, w) planar, 0–1. */
  medJ: Float32Array;
  /** A few whole instances, each (h, w, 3), for the energy of the fit. */
  cache: Float32Array[];
  /** Sampled median absolute deviations across instances (green), and where. */
  spread: { value: number[]; at: number[] };
}

export function stackMedian(stack: InstanceStack, signal?: AbortSignal, onProgress?: (share: number) => void, cacheCount = SAMPLE_INSTANCES): StackMedian {
  const { width: w, height: h, count: K } = stack;
  const n = w * h;
  const medJ = new Float32Array(n * 3);
  // The cached instances (for the fit's energy) are whole ones: no NaN.
  const W = Math.max(1, stack.whole ?? K);
  const picks = Array.from({ length: Math.min(W, cacheCount) }, (_, i) => Math.floor((i * W) / Math.min(W, cacheCount)));
  const cache = picks.map(() => new Float32Array(n * 3));
  const spread = { value: [] as number[], at: [] as number[] };
  const bytesRow = stack.bytesRow?.bind(stack);
  const rows = Array.from({ length: K }, () => new Float32Array(w * 3));
  const byteRows = bytesRow ? Array.from({ length: K }, () => new Int16Array(w * 3)) : [];
  const vals = new Float32Array(K);
  const bytes = new Int16Array(K);
  const fine = new Uint16Array(256);
  const coarse = new Uint16Array(16);
  for (let y = 0; y < h; y++) {
    if ((y & 15) === 0) {
      throwIfAborted(signal);
      onProgress?.(y / h);
    }
    if (bytesRow) {
      for (let k = 0; k < K; k++) bytesRow(k, y, byteRows[k]);
      for (let p = 0; p < picks.length; p++) {
        const r = byteRows[picks[p]];
        const out = cache[p];
        for (let i = 0, o = y * w * 3; i < w * 3; i++) out[o + i] = r[i] >= 0 ? BYTE[r[i]] : NaN;
      }
    } else {
      for (let k = 0; k < K; k++) stack.row(k, y, rows[k]);
      for (let p = 0; p < picks.length; p++) cache[p].set(rows[picks[p]], y * w * 3);
    }
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        let valid = 0;
        let m: number;
        if (bytesRow) {
          for (let k = 0; k < K; k++) {
            const v = byteRows[k][x * 3 + c];
            if (v >= 0) {
              bytes[valid++] = v;
              fine[v]++;
              coarse[v >> 4]++;
            }
          }
          m = countedMedian(fine, coarse, valid);
          for (let k = 0; k < valid; k++) {
            vals[k] = BYTE[bytes[k]];
            fine[bytes[k]] = 0;
            coarse[bytes[k] >> 4] = 0;
          }
        } else {
          for (let k = 0; k < K; k++) {
            const v = rows[k][x * 3 + c];
            if (v === v) vals[valid++] = v; // skips NaN: this instance is outside the image here
          }
          m = medianInPlace(vals, valid);
        }
        medJ[c * n + y * w + x] = m;
        if (c === 1 && (x & 3) === 0 && (y & 3) === 0 && valid >= 3) {
          for (let k = 0; k < valid; k++) vals[k] = Math.abs(vals[k] - m);
          spread.value.push(medianInPlace(vals, valid));
          spread.at.push(y * w + x);
        }
      }
    }
  }
  return { medJ, cache, spread };
}

/**
 * The median of `count` bytes held as a histogram (`fine`: per value, `coarse`: per
 * value >> 4), in the units and rounding of medianInPlace over their Float32 values
 * / 255: the middle one, or the mean of the two middle ones.
 */
function countedMedian(fine: Uint16Array, coarse: Uint16Array, count: number): number {
  if (count === 0) return NaN;
  const k = count >> 1;
  // The value at rank k: skip whole coarse bins, then single values; `below` counts the values under q.
  let below = 0;
  let b = 0;
  while (below + coarse[b] <= k) below += coarse[b++];
  let q = b << 4;
  while (below + fine[q] <= k) below += fine[q++];
  if (count & 1) return BYTE[q];
  // Rank k − 1: the same value, unless every value under rank k is smaller.
  let p = q;
  if (below >= k) {
    p = q - 1;
    while (fine[p] === 0) p--;
  }
  return (BYTE[q] + BYTE[p]) / 2;
}
