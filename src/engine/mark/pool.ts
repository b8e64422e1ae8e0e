/**
 * α from single pixels, pooled: every pixel near a mark whose place in the mark
 * is known (its phase in a lattice cell, its offset in a batch template) says
 * a = ⟨J − B, W − B⟩ / |W − B|² against a smooth background B (push-pull), with
 * weight |W − B|² (where the mark barely differs from the picture a sample says
 * little). Samples that share a place are pooled by weighted least squares, then
 * re-pooled with Tukey weights around the pooled value, so picture texture that
 * the smooth background misses does not pull α. Places with too little weight
 * keep a fallback. Used by phase.ts (resized lattices) and poolTemplate
 * (batches).
 */
import { throwIfAborted } from '../errors';
import type { RgbaImage } from '../types';
import type { Placement } from './field';
import { flattenCore, MANY_INSTANCES, MAX_CORE_SIGMA, MAX_CORE_SIGMA_MANY } from './core';
import { markPresence } from './presence';
import { markHole, pushPull } from './push-pull';
import { quantile } from './sample';
import type { MarkTemplate } from './template';

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
  count = 0;

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
    if (den < minContrast) return;
    if (this.count === this.bins.length) {
      const grow = <T extends Int32Array | Float32Array>(old: T, into: T): T => (into.set(old), into);
      this.bins = grow(this.bins, new Int32Array(2 * this.count));
      this.values = grow(this.values, new Float32Array(2 * this.count));
      this.weights = grow(this.weights, new Float32Array(2 * this.count));
      this.trusts = grow(this.trusts, new Float32Array(2 * this.count));
    }
    this.bins[this.count] = bin;
    this.values[this.count] = num / den;
    this.weights[this.count] = den;
    this.trusts[this.count] = trust;
    if (trust !== 1) this.trusted = true;
    this.count++;
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

/** Chosen on the val split's batches (bench batches 0 and 1, K = 8 and 16). */
export const TEMPLATE_POOL = { tukey: 0.25, rounds: 2, minWeightShare: 0.05, grow: 1, pad: 3, margin: 16, minContrast: 100 / 255 ** 2 };

/**
 * A batch's template re-estimated from every image's pixels (one place per
 * template pixel, no spreading): the template grows by TEMPLATE_POOL.pad on
 * each side, so a placement moves by −pad. Images placed at a fraction of a
 * pixel are not read (their samples would sit between places).
 */
export function poolTemplate(images: readonly RgbaImage[], t: MarkTemplate, placements: readonly (Placement | null)[], signal?: AbortSignal): { template: MarkTemplate; placements: (Placement | null)[] } {
  const { pad, margin, grow } = TEMPLATE_POOL;
  const gw = t.width + 2 * pad;
  const gh = t.height + 2 * pad;
  const fallback = new Float32Array(gw * gh);
  for (let v = 0; v < t.height; v++) for (let u = 0; u < t.width; u++) fallback[(v + pad) * gw + u + pad] = t.alphaHw[v * t.width + u];
  const samples = new AlphaSamples();
  let used = 0;
  images.forEach((img, k) => {
    const at = placements[k];
    if (!at || at.scale !== 1 || at.gain !== 1 || !Number.isInteger(at.x) || !Number.isInteger(at.y)) return;
    throwIfAborted(signal);
    used++;
    const x0 = Math.max(0, at.x - pad - margin);
    const y0 = Math.max(0, at.y - pad - margin);
    const x1 = Math.min(img.width, at.x + t.width + pad + margin);
    const y1 = Math.min(img.height, at.y + t.height + pad + margin);
    const w = x1 - x0;
    const h = y1 - y0;
    if (w <= 0 || h <= 0) return;
    const J = new Float32Array(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = ((y + y0) * img.width + x + x0) * 4;
        const q = (y * w + x) * 3;
        J[q] = img.data[o] / 255;
        J[q + 1] = img.data[o + 1] / 255;
        J[q + 2] = img.data[o + 2] / 255;
      }
    }
    // Near the mark: template α > 0.01 within `grow` pixels.
    const hole = markHole(w, h, grow, (x, y) => {
      const u = x + x0 - at.x;
      const v = y + y0 - at.y;
      return u >= 0 && v >= 0 && u < t.width && v < t.height ? t.alphaHw[v * t.width + u] : 0;
    });
    const B = pushPull(J, hole, w, h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        if (!hole[i]) continue;
        const u = x + x0 - at.x + pad;
        const v = y + y0 - at.y + pad;
        if (u >= 0 && v >= 0 && u < gw && v < gh) samples.add(v * gw + u, J, B, i, t.colour, TEMPLATE_POOL.minContrast);
      }
    }
  });
  const kept = { template: t, placements: [...placements] };
  if (samples.count === 0) return kept;
  const coreSigma = used >= MANY_INSTANCES ? MAX_CORE_SIGMA_MANY : MAX_CORE_SIGMA;
  const alphaHw = samples.pool(fallback, { ...TEMPLATE_POOL, coreSigma }, (sw, swa) => [sw, swa], signal);
  const pooled = {
    template: { width: gw, height: gh, alphaHw, colour: t.colour },
    placements: placements.map((p) => (p ? { ...p, x: p.x - pad, y: p.y - pad } : null)),
  };
  // The smooth background is wrong across a picture's hard edges (flat graphics): keep the
  // pooled α only where it explains more of every image's pixels under the mark (presence.ts).
  // This replaced a gradient-energy comparison, which on the val batches (seed 6) kept an
  // estimate with α spread over the pictures' common sky in one batch of six
  // (K = 4: 22.4 dB inside the mark where the pooled α gives 30.9; K = 8: 22.7 against 32.4).
  return unexplained(images, pooled.template, pooled.placements) < unexplained(images, t, placements) ? pooled : kept;
}

/** Σ over the placed images of the share of J − B under the mark that the template does not explain. */
function unexplained(images: readonly RgbaImage[], t: MarkTemplate, placements: readonly (Placement | null)[]): number {
  let sum = 0;
  images.forEach((img, k) => {
    const at = placements[k];
    if (at) sum += 1 - markPresence(img, t, at).explained;
  });
  return sum;
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
      for (let c = 0; c < 3; c++) e += (J[(i + 1) * 3 + c] - J[i * 3 + c]) ** 2 + (J[(i + w) * 3 + c] - J[i * 3 + c]) ** 2;
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
  const samples = new AlphaSamples();
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
        J[i * 3] = image.data[q] / 255;
        J[i * 3 + 1] = image.data[q + 1] / 255;
        J[i * 3 + 2] = image.data[q + 2] / 255;
      }
    }
    const B = pushPull(J, hole, w, rows);
    const trust = textureTrust(J, hole, w, rows, o.textureShare);
    for (let i = (y0 - top) * w; i < (y1 - top) * w; i++) if (hole[i]) samples.add(bins[i], J, B, i, colour, o.minContrast, trust[i]);
  }
  return samples;
}
