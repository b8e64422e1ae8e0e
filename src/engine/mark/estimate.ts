/**
 * Estimates one mark (α, W) from K aligned instances of it, after Dekel et al.,
 * "On the Effectiveness of Visible Watermarks", CVPR 2017, adapted to a one-colour
 * mark (W constant, α = shape × opacity):
 *
 *  1. medJ = median_k J_k. The blend is increasing in I, so medJ = (1 − α)·Ī + α·W
 *     with Ī = median_k I_k, exactly, for odd K.
 *  2. The mark's edges are the strong gradients of medJ (Dekel (4): consistent
 *     gradients); Poisson-integrating only those (Dekel step 3) gives a first
 *     matted mark M0, whose support S is where |M0| is large.
 *  3. Ī inside S is the harmonic fill of medJ from outside S, so M = medJ − Ī is
 *     the mark's contrast α·(W − Ī).
 *  4. The opacity, hence W, is the one whose inversion leaves the least gradient
 *     energy in the instances (the sparse-gradient prior of Dekel's matting step);
 *     α per pixel is then the least-squares projection of M on W − Ī.
 */
import { throwIfAborted } from '../errors';
import { flattenCore, MANY_INSTANCES, MAX_CORE_SIGMA, MAX_CORE_SIGMA_MANY } from './core';
import { refineAlpha } from './refine';
import { consistentEdges } from './edges';
import { dropIslands, neighbours, poissonSupport, type Neighbours } from './support';
import { pushPull } from './push-pull';
import { medianInPlace, quantile, quantileInPlace, type InstanceStack } from './sample';
import { spreadDiagnostics, type InstanceSpread } from './spread';

export type { InstanceStack } from './sample';

export interface MarkEstimate {
  width: number;
  height: number;
  /** Per grid point opacity in [0, 1]; 0 outside the support. */
  alphaHw: Float32Array;
  /** The mark's colour W, RGB in [0, 1]. */
  colour: [number, number, number];
  /** The opacity of the mark's core. */
  opacity: number;
  supportHw: Uint8Array;
  diagnostics: MarkDiagnostics;
}

/** Measures of an estimate; NaN where it does not measure one (a mark read from the spread, contraction.ts, has no median contrast). */
export interface MarkDiagnostics {
  instances: number;
  /** Share of the grid in the mark's support. */
  supportShare: number;
  /** Share of the contrast energy that the one-colour blend explains (1 = all). */
  explained: number;
  /** Share of the contrast energy that would need a negative α (content, not a blend). */
  negativeShare: number;
  /** Gradient energy in the support after inversion, over before (lower = the mark came out). */
  energyRatio: number;
  /** Median absolute deviation across instances outside the mark, 0–255: how much the instances differ. */
  diversity: number;
  /** Median contrast of the mark's core, 0–255. */
  contrast: number;
  /**
   * How much of the pictures' variation shows through the mark: the spread across
   * instances in the core, divided by (1 − α), over the spread outside. About 1 for
   * a blend over varying photos; near 0 for opaque content such as grout.
   */
  transmission: number;
  /** Transmission read at the quantile where the pictures differ most outside the mark (spread.ts). */
  firmTransmission: number;
}

const ALPHA_CAP = 0.98;
const SAMPLE_INSTANCES = 8;

export interface StackMedian {
  /** median_k J_k, (3, h, w) planar, 0–1. */
  medJ: Float32Array;
  /** A few whole instances, each (h, w, 3), for the energy of the fit. */
  cache: Float32Array[];
  /** Green's spread across the instances at every 4th pixel of every 4th row (spread.ts). */
  spread: InstanceSpread;
}

export function stackMedian(stack: InstanceStack, signal?: AbortSignal, onProgress?: (share: number) => void, cacheCount = SAMPLE_INSTANCES): StackMedian {
  const { width: w, height: h, count: K } = stack;
  const n = w * h;
  const medJ = new Float32Array(n * 3);
  // The cached instances (for the fit's energy) are whole ones: no NaN.
  const W = Math.max(1, stack.whole ?? K);
  const picks = Array.from({ length: Math.min(W, cacheCount) }, (_, i) => Math.floor((i * W) / Math.min(W, cacheCount)));
  const cache = picks.map(() => new Float32Array(n * 3));
  const rows = Array.from({ length: K }, () => new Float32Array(w * 3));
  const vals3 = new Float32Array(3 * K);
  const channelVals = [0, 1, 2].map((c) => vals3.subarray(c * K, (c + 1) * K));
  const spread: StackMedian['spread'] = { value: [], upper: [], high: [], at: [] };
  for (let y = 0; y < h; y++) {
    if ((y & 15) === 0) {
      throwIfAborted(signal);
      onProgress?.(y / h);
    }
    for (let k = 0; k < K; k++) stack.row(k, y, rows[k]);
    for (let p = 0; p < picks.length; p++) cache[p].set(rows[picks[p]], y * w * 3);
    for (let x = 0; x < w; x++) {
      // The three channels gathered in one pass over the instances.
      let valid = 0;
      for (let k = 0; k < K; k++) {
        const row = rows[k];
        if (row[x * 3] !== row[x * 3]) continue; // NaN (all three channels): this instance is outside the image here
        for (let c = 0; c < 3; c++) vals3[c * K + valid] = row[x * 3 + c];
        valid++;
      }
      for (let c = 0; c < 3; c++) {
        const vals = channelVals[c];
        const m = medianInPlace(vals, valid);
        medJ[c * n + y * w + x] = m;
        if (c === 1 && (x & 3) === 0 && (y & 3) === 0 && valid >= 3) {
          for (let k = 0; k < valid; k++) vals[k] = Math.abs(vals[k] - m);
          spread.value.push(medianInPlace(vals, valid));
          const upper = quantileInPlace(vals, valid, 0.75);
          spread.upper.push(upper);
          spread.high.push(valid >= 10 ? quantileInPlace(vals, valid, 0.9) : upper);
          spread.at.push(y * w + x);
        }
      }
    }
  }
  return { medJ, cache, spread };
}

/**
 * `coreSigma`: the widest core spread snapped to one opacity (core.ts; default by the
 * number of instances). `colour`: W, when another estimate of the same mark already
 * has it (batch.ts's leave-one-out estimates); the opacity search is skipped.
 */
export function estimateMark(stack: InstanceStack, signal?: AbortSignal, onProgress?: (share: number) => void, median?: StackMedian, coreSigma?: number, colour?: readonly [number, number, number]): MarkEstimate {
  const { width: w, height: h, count: K } = stack;
  const n = w * h;
  if (K < 2) throw new Error('estimateMark needs at least two instances');
  const { medJ, cache, spread } = median ?? stackMedian(stack, signal, (s) => onProgress?.(0.6 * s));
  const nb = neighbours(w, h, stack.topology);
  const support = stack.support ?? poissonSupport(medJ, w, h, stack.topology.kind === 'torus', consistentEdges(stack, medJ, nb));
  throwIfAborted(signal);
  onProgress?.(0.7);

  // 3. Ī: medJ outside S, harmonic inside (successive over-relaxation from a push-pull start).
  const bg = new Float32Array(n * 3);
  const inside: number[] = [];
  for (let i = 0; i < n; i++) if (support[i]) inside.push(i);
  const relax = relaxation(inside, nb);
  for (let c = 0; c < 3; c++) {
    const plane = bg.subarray(c * n, (c + 1) * n);
    // With no point outside S nothing fixes the surface: start (and stay) at mid grey, as before session 20.
    if (inside.length === n) plane.fill(0.5);
    else plane.set(pushPull(medJ.subarray(c * n, (c + 1) * n), support, w, h, 1));
    relax(plane);
  }
  const contrastM = new Float32Array(n * 3);
  for (let c = 0; c < 3; c++) for (const i of inside) contrastM[c * n + i] = medJ[c * n + i] - bg[c * n + i];
  throwIfAborted(signal);
  onProgress?.(0.8);

  // 4. Opacity → W → α, by the least gradient energy after inversion.
  const mag = new Float32Array(inside.length);
  // With W known, the core is where the contrast points most towards it (content of the other sign is not the mark).
  const along = (i: number): number => {
    let dot = 0;
    let len = 0;
    for (let c = 0; c < 3; c++) {
      const d = colour![c] - bg[c * n + i];
      dot += contrastM[c * n + i] * d;
      len += d * d;
    }
    return len > 1e-6 ? Math.max(0, dot / Math.sqrt(len)) : 0;
  };
  inside.forEach((i, j) => (mag[j] = colour ? along(i) : Math.hypot(contrastM[i], contrastM[n + i], contrastM[2 * n + i])));
  const top = quantile(mag, 0.98) || 1e-6;
  const core = inside.filter((_, j) => mag[j] / top > 0.7);
  // Each core pixel's contrast as a share of the top one: the same for every channel and candidate opacity.
  const coreShare = Float64Array.from(core, (i) => Math.min(1, Math.hypot(contrastM[i], contrastM[n + i], contrastM[2 * n + i]) / top));
  const colourFor = (a: number): [number, number, number] => {
    const out: [number, number, number] = [0, 0, 0];
    const v = new Float32Array(core.length);
    for (let c = 0; c < 3; c++) {
      core.forEach((i, j) => {
        v[j] = bg[c * n + i] + contrastM[c * n + i] / (a * coreShare[j]);
      });
      out[c] = Math.min(1, Math.max(0, medianInPlace(v, v.length)));
    }
    return out;
  };
  const alphaFor = (colour: readonly number[], alpha: Float32Array, rawAlpha?: Float32Array): void => {
    alpha.fill(0);
    for (const i of inside) {
      let num = 0;
      let den = 0;
      for (let c = 0; c < 3; c++) {
        const d = colour[c] - bg[c * n + i];
        num += contrastM[c * n + i] * d;
        den += d * d;
      }
      const a = den > 1e-4 ? num / den : 0;
      if (rawAlpha) rawAlpha[i] = a;
      alpha[i] = Math.min(ALPHA_CAP, Math.max(0, a));
    }
  };
  const alpha = new Float32Array(n);
  // Each pixel the energy reads (inside S and its right and lower neighbours) is inverted once per instance.
  const reads = new Uint8Array(n);
  for (const i of inside) reads[i] = reads[nb.right[i]] = reads[nb.down[i]] = 1;
  let nRead = 0;
  for (let i = 0; i < n; i++) if (reads[i]) nRead++;
  const read = new Int32Array(nRead);
  for (let i = 0, k = 0; i < n; i++) if (reads[i]) read[k++] = i;
  // Per pixel of S: its own, right and lower neighbours' places in `inverted` (typed, for the energy's hot loop).
  const at3 = new Int32Array(inside.length * 3);
  inside.forEach((i, j) => {
    at3[j * 3] = i * 3;
    at3[j * 3 + 1] = nb.right[i] * 3;
    at3[j * 3 + 2] = nb.down[i] * 3;
  });
  const inverted = new Float64Array(n * 3);
  // Σ over the cached instances of |∇| of their inversion inside S (the same sums, in the same order, as inverting
  // pixel by pixel with invert() below).
  const energy = (colour: readonly number[] | null): number => {
    if (colour) alphaFor(colour, alpha);
    else alpha.fill(0);
    const w0 = colour ? colour[0] : 0;
    const w1 = colour ? colour[1] : 0;
    const w2 = colour ? colour[2] : 0;
    let e = 0;
    for (const inst of cache) {
      for (let k = 0; k < nRead; k++) {
        const i = read[k];
        const a = alpha[i];
        const q = i * 3;
        if (a <= 0) {
          inverted[q] = inst[q];
          inverted[q + 1] = inst[q + 1];
          inverted[q + 2] = inst[q + 2];
        } else {
          const b = 1 - a;
          const v0 = (inst[q] - a * w0) / b;
          const v1 = (inst[q + 1] - a * w1) / b;
          const v2 = (inst[q + 2] - a * w2) / b;
          inverted[q] = v0 < 0 ? 0 : v0 > 1 ? 1 : v0;
          inverted[q + 1] = v1 < 0 ? 0 : v1 > 1 ? 1 : v1;
          inverted[q + 2] = v2 < 0 ? 0 : v2 > 1 ? 1 : v2;
        }
      }
      for (let j = 0, m = at3.length; j < m; j += 3) {
        const q = at3[j];
        const r = at3[j + 1];
        const d = at3[j + 2];
        for (let c = 0; c < 3; c++) {
          const here = inverted[q + c];
          e += Math.abs(inverted[r + c] - here);
          e += Math.abs(inverted[d + c] - here);
        }
      }
    }
    return e;
  };
  const e0 = energy(null);
  let best = { a: 0.5, e: Infinity };
  if (core.length > 0 && !colour) {
    for (let a = 0.1; a <= 0.951; a += 0.05) {
      const e = energy(colourFor(a));
      if (e < best.e) best = { a, e };
    }
    for (let a = best.a - 0.04; a <= best.a + 0.041; a += 0.01) {
      if (a <= 0.02 || a > 0.99) continue;
      const e = energy(colourFor(a));
      if (e < best.e) best = { a, e };
    }
    throwIfAborted(signal);
  }
  if (colour && core.length > 0) best = { a: best.a, e: energy(colour) };
  const W: [number, number, number] = colour ? [colour[0], colour[1], colour[2]] : core.length > 0 ? colourFor(best.a) : [1, 1, 1];
  const rawAlpha = new Float32Array(n);
  alphaFor(W, alpha, rawAlpha);

  let total = 0;
  let residual = 0;
  let negative = 0;
  for (const i of inside) {
    let m2 = 0;
    let r2 = 0;
    for (let c = 0; c < 3; c++) {
      const m = contrastM[c * n + i];
      const r = m - alpha[i] * (W[c] - bg[c * n + i]);
      m2 += m * m;
      r2 += r * r;
    }
    total += m2;
    residual += r2;
    if (rawAlpha[i] < -0.02) negative += m2;
  }
  const opacity = core.length > 0 ? quantile(core.map((i) => alpha[i]), 0.5) : 0;
  const { diversity, transmission, firmTransmission } = spreadDiagnostics(spread, support, alpha, opacity);
  const refined = core.length > 0 ? refineAlpha(stack, nb, support, alpha, W, signal) : alpha;
  dropIslands(refined, nb);
  flattenCore(refined, coreSigma ?? (K >= MANY_INSTANCES ? MAX_CORE_SIGMA_MANY : MAX_CORE_SIGMA));
  onProgress?.(1);
  return {
    width: w,
    height: h,
    alphaHw: refined,
    colour: W,
    opacity,
    supportHw: support,
    diagnostics: {
      instances: K,
      supportShare: inside.length / n,
      explained: total > 0 ? 1 - residual / total : 0,
      negativeShare: total > 0 ? negative / total : 0,
      energyRatio: e0 > 0 && Number.isFinite(best.e) ? best.e / e0 : 1,
      diversity,
      transmission,
      firmTransmission,
      contrast: core.length > 0 ? quantile(core.map((i) => Math.hypot(contrastM[i], contrastM[n + i], contrastM[2 * n + i])), 0.5) * 255 : 0,
    },
  };
}

/**
 * SOR ω for the background under the mark. Until session 20: ω 1.8 from a start at the
 * background's median. Counted over 6 val tiled cases and two synthetic 12 MP pictures,
 * ω 1.9 from the push-pull start needed 93 M point updates against 200 M before (ω 1.8:
 * 145 M, 1.95: 123 M); 12 val tiled cases kept their fPSNR within 0.005 dB.
 */
const RELAX_OMEGA = 1.9;
const RELAX_TOLERANCE = 2e-5;
const RELAX_SWEEPS = 500;

/**
 * Laplace's equation over the points `inside` (the rest fixed), in place: SOR until
 * no value moves by more than RELAX_TOLERANCE, at most RELAX_SWEEPS sweeps. The
 * neighbours of the inside points are gathered once into flat arrays.
 */
function relaxation(inside: readonly number[], nb: Neighbours): (b: Float32Array) => void {
  const m = inside.length;
  const at = Int32Array.from(inside);
  const L = new Int32Array(m);
  const R = new Int32Array(m);
  const U = new Int32Array(m);
  const D = new Int32Array(m);
  for (let j = 0; j < m; j++) {
    const i = at[j];
    L[j] = nb.left[i];
    R[j] = nb.right[i];
    U[j] = nb.up[i];
    D[j] = nb.down[i];
  }
  return (b) => {
    for (let it = 0; it < RELAX_SWEEPS; it++) {
      let change = 0;
      for (let j = 0; j < m; j++) {
        const i = at[j];
        const d = RELAX_OMEGA * ((b[L[j]] + b[R[j]] + b[U[j]] + b[D[j]]) / 4 - b[i]);
        b[i] += d;
        if (d > change) change = d;
        else if (-d > change) change = -d;
      }
      if (change < RELAX_TOLERANCE) break;
    }
  };
}

/** Inverts J = (1 − α)·I + α·W for one channel, clamped to [0, 1]. */
export function invert(j: number, alpha: number, colour: number): number {
  if (alpha <= 0) return j;
  const v = (j - alpha * colour) / (1 - alpha);
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
