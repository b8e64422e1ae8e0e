/**
 * α from single pixels, pooled: every pixel near a mark whose place in the mark
 * is known (its phase in a lattice cell, its offset in a batch template) says
 * a = ⟨J − B, W − B⟩ / |W − B|² against a smooth background B (push-pull), with
 * weight |W − B|² (where the mark barely differs from the picture a sample says
 * little). Samples that share a place are pooled by weighted least squares, then
 * re-pooled with Tukey weights around the pooled value, so picture texture that
 * the smooth background misses does not pull α. Places with too little weight
 * keep a fallback. Used by phase.ts (resized lattices), cell-pool.ts (integer
 * lattices) and template-pool.ts (batches).
 */
import { throwIfAborted } from '../errors';
import type { RgbaImage } from '../types';
import { flattenCore, MAX_CORE_SIGMA_MANY } from './core';
import { pushPull } from './push-pull';
import { quantile, quantileInPlace, UNIT } from './sample';

export interface PoolOptions {
  /** Tukey cut-off of a sample's α residual. */
  tukey: number;
  /** Re-pooling rounds with Tukey weights. */
  rounds: number;
  /** Places whose pooled weight is below this share of the median keep the fallback. */
  minWeightShare: number;
  /**
   * Pooled per place, the flat core an estimate had snapped to one opacity is noisy
   * again (texture and JPEG under each sample), so it is snapped again (core.ts) when
   * its spread is within this; default MAX_CORE_SIGMA_MANY. Val: batches K = 4/8/16
   * 25.56/27.63/27.95 → 26.16/28.60/28.26 dB, integer lattices 30.36 → 30.58, resized
   * 28.20 → 28.43 (0.03 for the lattices: 30.59 / 28.31).
   */
  coreSigma?: number;
}

/** Growing lists of (place, α sample, weight). */
export class AlphaSamples {
  private bins = new Int32Array(1 << 14);
  private values = new Float32Array(1 << 14);
  private weights = new Float32Array(1 << 14);
  private trusts = new Float32Array(1 << 14);
  /** Whether any sample's trust is below 1 (else the weights with and without it are one set). */
  private trusted = false;
  /** J and B of every sample (6 values each), kept when the colour is to be re-read (sampleBands keeps them, poolTemplate does not). */
  private pixels: Float32Array | null = null;
  count = 0;

  constructor(keepPixels = false) {
    if (keepPixels) this.pixels = new Float32Array(6 << 14);
  }

  /**
   * One sample from pixel i of (J, B), interleaved RGB in [0, 1], against colour W; none below `minContrast`.
   * Its weight is |W − B|² times `trust` (textureTrust: how far the smooth background can be believed there).
   */
  add(bin: number, J: Float32Array, B: Float32Array, i: number, W: readonly number[], minContrast: number, trust = 1): void {
    let num = 0;
    let den = 0;
    for (let c = 0; c < 3; c++) {
      const d = W[c] - B[i * 3 + c];
      num += (J[i * 3 + c] - B[i * 3 + c]) * d;
      den += d * d;
    }
    // Kept pixels are kept whatever the contrast (a sample says nothing, weight 0, until another colour gives it some).
    if (den < minContrast && !this.pixels) return;
    if (this.count === this.bins.length) {
      const grow = <T extends Int32Array | Float32Array>(old: T, into: T): T => (into.set(old), into);
      this.bins = grow(this.bins, new Int32Array(2 * this.count));
      this.values = grow(this.values, new Float32Array(2 * this.count));
      this.weights = grow(this.weights, new Float32Array(2 * this.count));
      this.trusts = grow(this.trusts, new Float32Array(2 * this.count));
      if (this.pixels) this.pixels = grow(this.pixels, new Float32Array(12 * this.count));
    }
    if (this.pixels) {
      for (let c = 0; c < 3; c++) {
        this.pixels[this.count * 6 + c] = J[i * 3 + c];
        this.pixels[this.count * 6 + 3 + c] = B[i * 3 + c];
      }
    }
    this.bins[this.count] = bin;
    this.store(this.count, num, den, minContrast);
    this.trusts[this.count] = trust;
    if (trust !== 1) this.trusted = true;
    this.count++;
  }

  /**
   * The colour W that best explains the kept pixels given α per place: least squares of
   * J = (1 − a)·B + a·W over samples at places with a ≥ `minAlpha`, each weighted by its
   * trust (W = Σ t·a·(J − (1 − a)·B) / Σ t·a²). Null without kept pixels or such places.
   */
  colourFor(alpha: Float32Array, minAlpha: number): [number, number, number] | null {
    const px = this.pixels;
    if (!px) return null;
    const num = [0, 0, 0];
    let den = 0;
    for (let k = 0; k < this.count; k++) {
      const a = alpha[this.bins[k]];
      if (!(a >= minAlpha)) continue;
      const t = this.trusts[k];
      for (let c = 0; c < 3; c++) num[c] += t * a * (px[k * 6 + c] - (1 - a) * px[k * 6 + 3 + c]);
      den += t * a * a;
    }
    return clampedColour(num, den);
  }

  /**
   * W read without α: at each place p with pooled α ≥ minAlpha, D = J − B = α·W − α·B over
   * the instances, so the slope of D on B (within each channel, pooled over the three) is −α
   * and the intercepts are α·W. Places pooled by their precision (α² × the variance of B).
   */
  colourBySlope(alpha: Float32Array, minAlpha: number): [number, number, number] | null {
    const px = this.pixels;
    if (!px) return null;
    const places = alpha.length;
    const acc = new Float64Array(places * 13); // Σt, then per channel ΣtB, ΣtD, ΣtBB, ΣtBD
    const count = new Uint32Array(places);
    for (let k = 0; k < this.count; k++) {
      const p = this.bins[k];
      if (!(alpha[p] >= minAlpha)) continue;
      const t = this.trusts[k];
      const o = p * 13;
      acc[o] += t;
      count[p]++;
      for (let c = 0; c < 3; c++) {
        const b = px[k * 6 + 3 + c];
        const d = px[k * 6 + c] - b;
        acc[o + 1 + c * 4] += t * b;
        acc[o + 2 + c * 4] += t * d;
        acc[o + 3 + c * 4] += t * b * b;
        acc[o + 4 + c * 4] += t * b * d;
      }
    }
    const num = [0, 0, 0];
    let den = 0;
    for (let p = 0; p < places; p++) {
      const o = p * 13;
      const n = acc[o];
      if (count[p] < 3 || !(n > 0)) continue;
      let vb = 0;
      let cbd = 0;
      for (let c = 0; c < 3; c++) {
        const mb = acc[o + 1 + c * 4] / n;
        const md = acc[o + 2 + c * 4] / n;
        vb += acc[o + 3 + c * 4] / n - mb * mb;
        cbd += acc[o + 4 + c * 4] / n - mb * md;
      }
      if (!(vb > 1e-5)) continue;
      const a = -cbd / vb;
      if (!(a > 0.05 && a < 0.95)) continue;
      const wt = a * a * vb * count[p];
      for (let c = 0; c < 3; c++) num[c] += wt * ((acc[o + 2 + c * 4] / n + a * (acc[o + 1 + c * 4] / n)) / a);
      den += wt;
    }
    return clampedColour(num, den);
  }

  /** Every kept sample's α and weight read again against colour W. */
  recolour(W: readonly number[], minContrast: number): void {
    const px = this.pixels;
    if (!px) return;
    for (let k = 0; k < this.count; k++) {
      let num = 0;
      let den = 0;
      for (let c = 0; c < 3; c++) {
        const b = px[k * 6 + 3 + c];
        const d = W[c] - b;
        num += (px[k * 6 + c] - b) * d;
        den += d * d;
      }
      this.store(k, num, den, minContrast);
    }
  }

  /** Sample k's α (⟨J − B, W − B⟩ / |W − B|²) and weight |W − B|², or nothing below `minContrast`. */
  private store(k: number, num: number, den: number, minContrast: number): void {
    const low = den < minContrast;
    this.values[k] = low ? 0 : num / den;
    this.weights[k] = low ? 0 : den;
  }

  /**
   * Pooled α per place (length of `fallback`). `spread` spreads the sums of
   * weights and weighted values over neighbouring places (or returns them as
   * they are). Whether a place has enough samples is read from their weights
   * without the texture trust: over busy ground every sample is trusted less, but
   * the place is still better read from them than from the fallback.
   */
  pool(fallback: Float32Array, o: PoolOptions, spread: (sw: Float64Array, swa: Float64Array) => [Float64Array, Float64Array], signal?: AbortSignal): Float32Array {
    const cells = fallback.length;
    let alpha = fallback;
    for (let round = 0; round <= o.rounds; round++) {
      throwIfAborted(signal);
      const sw = new Float64Array(cells);
      const swa = new Float64Array(cells);
      const sr = new Float64Array(cells);
      for (let k = 0; k < this.count; k++) {
        let wt = this.weights[k];
        if (round > 0) {
          const r = (this.values[k] - alpha[this.bins[k]]) / o.tukey;
          wt = Math.abs(r) < 1 ? wt * (1 - r * r) ** 2 : 0;
        }
        sr[this.bins[k]] += wt;
        wt *= this.trusts[k];
        sw[this.bins[k]] += wt;
        swa[this.bins[k]] += wt * this.values[k];
      }
      const [pw, pwa] = spread(sw, swa);
      const pr = this.trusted ? spread(sr, sr)[0] : pw;
      const floor = o.minWeightShare * positiveMedian(pr);
      const next = new Float32Array(cells);
      for (let i = 0; i < cells; i++) next[i] = pr[i] > floor && pw[i] > 0 ? Math.max(0, Math.min(0.995, pwa[i] / pw[i])) : fallback[i];
      alpha = next;
    }
    flattenCore(alpha, o.coreSigma ?? MAX_CORE_SIGMA_MANY);
    return alpha;
  }
}

/**
 * Lattice samples (phase.ts, cell-pool.ts) are weighted by trust = f / (f + T): T the
 * picture's texture around the sample (`textureTrust`), f this share of T's median over
 * the band's samples. A sample's error is (1 − α)·(I − B) over |W − B|, and I − B, the
 * texture the smooth background misses, grows with the texture around it: a sample over
 * sky is worth more than one over foliage (an inverse-variance weight). The floor is
 * relative, so a picture's own noise level does not decide it: with an absolute floor
 * (0.0003, about a 2-level step in every channel) so few samples counted over noisy dead
 * leaves that the pooled α was refused (the cell-pool unit test: 26.4 dB, where pooling
 * without trust gives 35.9 and this share 45.2).
 * Chosen on the val split's tiled cases (88, seeds 5/77/123): resized 30.32 → 30.59 dB
 * fPSNR (one more accepted), integer 32.96 → 33.69 (cell-pool.ts), four cases 0.3–0.9 dB
 * lower; share 0.1 gave 30.55 / 33.74 with five lower by up to 1.1. Batches
 * (poolTemplate) do without it: from four dead-leaves pictures one image came out at
 * 22.5 dB instead of 37 (batch.test.ts), and on the val batches (seeds 77 / 13, share
 * 0.1) K = 4, 8 and 16 moved by −0.1 to +0.3 dB.
 */
export const TEXTURE_SHARE = 0.3;

/** Σ-weighted colour sums over their weight, clamped to [0, 1]; null without weight. */
function clampedColour(num: readonly number[], den: number): [number, number, number] | null {
  return den > 0 ? [0, 1, 2].map((c) => Math.max(0, Math.min(1, num[c] / den))) as [number, number, number] : null;
}

/** Median of the positive values (every 7th value at most 100k of them: a threshold, not a statistic). */
function positiveMedian(a: Float64Array): number {
  const pos: number[] = [];
  const step = a.length > 100_000 ? 7 : 1;
  for (let i = 0; i < a.length; i += step) if (a[i] > 0) pos.push(a[i]);
  if (pos.length === 0) return 0;
  pos.sort((x, y) => x - y);
  return pos[pos.length >> 1];
}

/**
 * The pooled α's "peak" that W is read above half of (`recoloured`): the PEAK_QUANTILE of its
 * positive values, not their maximum. A few places of spurious α decided the maximum: on a
 * val 12 MP picture (a grey logo, W 0.5, α 0.35, over a face; `--large 6`, seed 5) a strip at
 * the cell's top edge pooled to α 0.90 against the mark's 0.37, W was read there alone, 0.24,
 * and that field inverted the marks darker (fPSNR 21.32 → 21.11; read at the quantile, W comes
 * out 0.50 and the lattice is refused, leaving the picture as it was). The 88 val tiled cases
 * (seeds 5, 77, 123) move by −0.03 to +0.23 dB in four cases, the rest unchanged.
 */
const PEAK_QUANTILE = 0.9;

function robustPeak(alpha: Float32Array): number {
  const pos = new Float32Array(alpha.length);
  let n = 0;
  for (let i = 0; i < alpha.length; i++) if (alpha[i] > 0) pos[n++] = alpha[i];
  return n > 0 ? quantileInPlace(pos, n, PEAK_QUANTILE) : 0;
}

/** Rounds of re-reading W from the pooled α and α against that W (`recoloured`). */
const COLOUR_ROUNDS = 2;

/**
 * α pooled again with W re-read from the samples, COLOUR_ROUNDS times: first without α
 * (AlphaSamples.colourBySlope, from how J − B falls with B over the instances at each place),
 * then given the pooled α (colourFor), each time over places with α at least half the pooled
 * α's peak (robustPeak). The median-based W of a mid-grey mark is pulled toward the pictures under it, and many
 * instances over different backgrounds tell W from α. Null when W moves by less than 0.02 in
 * every channel. The caller keeps it only where it inverts flatter (cell-pool.ts
 * flattestField). Val tiled cases (88, seeds 5/77/123): resized 30.59 → 31.17 dB fPSNR,
 * integer 33.69 → 34.33; 13 cases gained 0.1–10.7 dB (grey marks 21.5 → 27.8, 21.8 → 30.2),
 * none lost. Both rounds by colourFor alone (alternating least squares, which converges
 * slowly where the backgrounds vary little) gained about 0.1–0.4 dB less. Batches (poolTemplate, with
 * unexplained() as the gate) were unchanged on val (seed 77, K = 2–16: within 0.01 dB with
 * either step), so they do without it.
 */
export function recoloured(
  samples: AlphaSamples,
  alpha: Float32Array,
  fallback: Float32Array,
  o: PoolOptions & { minContrast: number },
  colour: readonly number[],
  spread: (sw: Float64Array, swa: Float64Array) => [Float64Array, Float64Array],
  signal?: AbortSignal,
): { alphaHw: Float32Array; colour: [number, number, number] } | null {
  let a = alpha;
  let W: [number, number, number] = [colour[0], colour[1], colour[2]];
  for (let round = 0; round < COLOUR_ROUNDS; round++) {
    const peak = robustPeak(a);
    const next = round === 0 ? samples.colourBySlope(a, 0.5 * peak) : samples.colourFor(a, 0.5 * peak);
    // Settled (a white or black mark read right is clamped there): no more pooling rounds.
    if (!next || next.every((c, i) => Math.abs(c - W[i]) < 0.01)) break;
    W = next;
    samples.recolour(W, o.minContrast);
    a = samples.pool(fallback, o, spread, signal);
  }
  return W.some((c, i) => Math.abs(c - colour[i]) >= 0.02) ? { alphaHw: a, colour: W } : null;
}

/** Rows read above and below each band, so the background fill has context at its edges. */
const BAND_MARGIN = 16;

/**
 * How far a smooth background can be believed under each hole pixel: f / (f + T), T
 * the picture's texture there (RGB gradient energy of the pixels around the hole,
 * filled into it by push-pull), f = `share` × T's median over the hole (TEXTURE_SHARE).
 */
function textureTrust(J: Float32Array, hole: Uint8Array, w: number, h: number, share: number): Float32Array {
  const trust = new Float32Array(w * h).fill(1);
  if (!(share > 0)) return trust;
  const energy = new Float32Array(w * h);
  const unknown = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (x + 1 >= w || y + 1 >= h || hole[i] || hole[i + 1] || hole[i + w]) {
        unknown[i] = 1;
        continue;
      }
      let e = 0;
      for (let c = 0; c < 3; c++) {
        const dx = J[(i + 1) * 3 + c] - J[i * 3 + c];
        const dy = J[(i + w) * 3 + c] - J[i * 3 + c];
        e += dx * dx + dy * dy;
      }
      energy[i] = e;
    }
  }
  const filled = pushPull(energy, unknown, w, h, 1);
  const inHole: number[] = [];
  for (let i = 0; i < w * h; i += 3) if (hole[i]) inHole.push(filled[i]);
  if (inHole.length === 0) return trust;
  const floor = Math.max(1e-6, share * quantile(inHole, 0.5));
  for (let i = 0; i < w * h; i++) if (hole[i]) trust[i] = floor / (floor + Math.max(0, filled[i]));
  return trust;
}

/**
 * α samples from an image read in bands of `bandRows` rows (evenly spaced above
 * `pixelBudget` pixels): `binsOfRow(y, out)` gives each pixel's place (or −1
 * where it is not near the mark); those pixels are the hole of a push-pull
 * background over the band (± BAND_MARGIN rows), and each says α against it
 * (AlphaSamples.add). Shared by phase.ts and cell-pool.ts.
 */
export function sampleBands(
  image: RgbaImage,
  o: { bandRows: number; pixelBudget: number; minContrast: number; textureShare: number },
  colour: readonly number[],
  binsOfRow: (y: number, out: Int32Array) => void,
  signal?: AbortSignal,
): AlphaSamples {
  const { width: w, height: h } = image;
  // Pixels kept: both callers read the colour again from them (recoloured).
  const samples = new AlphaSamples(true);
  const bandStride = Math.max(1, Math.ceil((w * h) / o.pixelBudget));
  for (let y0 = 0; y0 < h; y0 += o.bandRows * bandStride) {
    throwIfAborted(signal);
    const y1 = Math.min(h, y0 + o.bandRows);
    const top = Math.max(0, y0 - BAND_MARGIN);
    const rows = Math.min(h, y1 + BAND_MARGIN) - top;
    const J = new Float32Array(w * rows * 3);
    const bins = new Int32Array(w * rows);
    const hole = new Uint8Array(w * rows);
    for (let r = 0; r < rows; r++) {
      binsOfRow(top + r, bins.subarray(r * w, (r + 1) * w));
      for (let x = 0; x < w; x++) {
        const i = r * w + x;
        const q = ((top + r) * w + x) * 4;
        hole[i] = bins[i] >= 0 ? 1 : 0;
        J[i * 3] = UNIT[image.data[q]];
        J[i * 3 + 1] = UNIT[image.data[q + 1]];
        J[i * 3 + 2] = UNIT[image.data[q + 2]];
      }
    }
    const B = pushPull(J, hole, w, rows);
    const trust = textureTrust(J, hole, w, rows, o.textureShare);
    for (let i = (y0 - top) * w; i < (y1 - top) * w; i++) if (hole[i]) samples.add(bins[i], J, B, i, colour, o.minContrast, trust[i]);
  }
  return samples;
}
