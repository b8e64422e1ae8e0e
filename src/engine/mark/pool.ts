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
import { invert } from './estimate';
import { templateField, type Placement } from './field';
import type { MarkTemplate } from './template';

export interface PoolOptions {
  /** Tukey cut-off of a sample's α residual. */
  tukey: number;
  /** Re-pooling rounds with Tukey weights. */
  rounds: number;
  /** Places whose pooled weight is below this share of the median keep the fallback. */
  minWeightShare: number;
}

/** Growing lists of (place, α sample, weight). */
export class AlphaSamples {
  private bins = new Int32Array(1 << 14);
  private values = new Float32Array(1 << 14);
  private weights = new Float32Array(1 << 14);
  count = 0;

  /** One sample from pixel i of (J, B), interleaved RGB in [0, 1], against colour W; none below `minContrast`. */
  add(bin: number, J: Float32Array, B: Float32Array, i: number, W: readonly number[], minContrast: number): void {
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
    }
    this.bins[this.count] = bin;
    this.values[this.count] = num / den;
    this.weights[this.count] = den;
    this.count++;
  }

  /**
   * Pooled α per place (length of `fallback`). `spread` spreads the sums of
   * weights and weighted values over neighbouring places (or returns them as
   * they are).
   */
  pool(fallback: Float32Array, o: PoolOptions, spread: (sw: Float64Array, swa: Float64Array) => [Float64Array, Float64Array], signal?: AbortSignal): Float32Array {
    const cells = fallback.length;
    let alpha = fallback;
    for (let round = 0; round <= o.rounds; round++) {
      throwIfAborted(signal);
      const sw = new Float64Array(cells);
      const swa = new Float64Array(cells);
      for (let k = 0; k < this.count; k++) {
        let wt = this.weights[k];
        if (round > 0) {
          const r = (this.values[k] - alpha[this.bins[k]]) / o.tukey;
          wt = Math.abs(r) < 1 ? wt * (1 - r * r) ** 2 : 0;
        }
        sw[this.bins[k]] += wt;
        swa[this.bins[k]] += wt * this.values[k];
      }
      const [pw, pwa] = spread(sw, swa);
      const floor = o.minWeightShare * positiveMedian(pw);
      const next = new Float32Array(cells);
      for (let i = 0; i < cells; i++) next[i] = pw[i] > floor && pw[i] > 0 ? Math.max(0, Math.min(0.995, pwa[i] / pw[i])) : fallback[i];
      alpha = next;
    }
    return alpha;
  }
}

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
  images.forEach((img, k) => {
    const at = placements[k];
    if (!at || at.scale !== 1 || at.gain !== 1 || !Number.isInteger(at.x) || !Number.isInteger(at.y)) return;
    throwIfAborted(signal);
    const x0 = Math.max(0, at.x - pad - margin);
    const y0 = Math.max(0, at.y - pad - margin);
    const x1 = Math.min(img.width, at.x + t.width + pad + margin);
    const y1 = Math.min(img.height, at.y + t.height + pad + margin);
    const w = x1 - x0;
    const h = y1 - y0;
    if (w <= 0 || h <= 0) return;
    const J = new Float32Array(w * h * 3);
    const hole = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = ((y + y0) * img.width + x + x0) * 4;
        const q = (y * w + x) * 3;
        J[q] = img.data[o] / 255;
        J[q + 1] = img.data[o + 1] / 255;
        J[q + 2] = img.data[o + 2] / 255;
        // Near the mark: template α > 0.01 within `grow` pixels.
        const u = x + x0 - at.x;
        const v = y + y0 - at.y;
        for (let dv = -grow; dv <= grow && !hole[y * w + x]; dv++) {
          for (let du = -grow; du <= grow; du++) {
            const uu = u + du;
            const vv = v + dv;
            if (uu >= 0 && vv >= 0 && uu < t.width && vv < t.height && t.alphaHw[vv * t.width + uu] > 0.01) {
              hole[y * w + x] = 1;
              break;
            }
          }
        }
      }
    }
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
  const alphaHw = samples.pool(fallback, TEMPLATE_POOL, (sw, swa) => [sw, swa], signal);
  const pooled = {
    template: { width: gw, height: gh, alphaHw, colour: t.colour },
    placements: placements.map((p) => (p ? { ...p, x: p.x - pad, y: p.y - pad } : null)),
  };
  // The smooth background is wrong across a picture's hard edges (flat graphics):
  // keep the pooled α only where its inversions leave less gradient energy.
  return stackEnergy(images, pooled.template, pooled.placements, pooled) < stackEnergy(images, t, placements, pooled) ? pooled : kept;
}

/**
 * Gradient energy (L1, RGB) of every image inverted with (template, placements),
 * on the boxes of `frame` (a template at least as large), so two templates are
 * compared on the same pixels.
 */
function stackEnergy(images: readonly RgbaImage[], t: MarkTemplate, placements: readonly (Placement | null)[], frame: { template: MarkTemplate; placements: readonly (Placement | null)[] }): number {
  let e = 0;
  images.forEach((img, k) => {
    const at = placements[k];
    const box = frame.placements[k];
    if (!at || !box) return;
    const field = templateField(t, at, img);
    const x0 = Math.max(0, Math.floor(box.x));
    const y0 = Math.max(0, Math.floor(box.y));
    const x1 = Math.min(img.width - 1, Math.ceil(box.x + frame.template.width * box.scale));
    const y1 = Math.min(img.height - 1, Math.ceil(box.y + frame.template.height * box.scale));
    const w = x1 - x0 + 1;
    const rows = y1 - y0 + 1;
    if (w < 2 || rows < 2) return;
    const inv = new Float32Array(w * rows * 3);
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < w; x++) {
        const a = Math.min(0.98, field.alphaAt(x + x0, y + y0));
        const o = ((y + y0) * img.width + x + x0) * 4;
        for (let c = 0; c < 3; c++) inv[(y * w + x) * 3 + c] = invert(img.data[o + c] / 255, a, t.colour[c]);
      }
    }
    for (let y = 0; y < rows - 1; y++) {
      for (let x = 0; x < w - 1; x++) {
        const i = (y * w + x) * 3;
        for (let c = 0; c < 3; c++) e += Math.abs(inv[i + 3 + c] - inv[i + c]) + Math.abs(inv[i + w * 3 + c] - inv[i + c]);
      }
    }
  });
  return e;
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
 * α samples from an image read in bands of `bandRows` rows (evenly spaced above
 * `pixelBudget` pixels): `binsOfRow(y, out)` gives each pixel's place (or −1
 * where it is not near the mark); those pixels are the hole of a push-pull
 * background over the band (± BAND_MARGIN rows), and each says α against it
 * (AlphaSamples.add). Shared by phase.ts and cell-pool.ts.
 */
export function sampleBands(
  image: RgbaImage,
  o: { bandRows: number; pixelBudget: number; minContrast: number },
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
    for (let i = (y0 - top) * w; i < (y1 - top) * w; i++) if (hole[i]) samples.add(bins[i], J, B, i, colour, o.minContrast);
  }
  return samples;
}

/**
 * Push-pull fill (Gortler et al. 1996): masked 2× averages up a pyramid until
 * every point has data, then each level's holes take the bilinear value of the
 * level above. O(pixels); a smooth surface close to the harmonic fill for thin holes.
 */
export function pushPull(J: Float32Array, hole: Uint8Array, w: number, h: number): Float32Array {
  const out = J.slice();
  let any = false;
  for (let i = 0; i < w * h; i++) if (hole[i]) { any = true; break; }
  if (!any) return out;
  const wt = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) wt[i] = hole[i] ? 0 : 1;
  const filled = fillLevel(J, wt, w, h);
  for (let i = 0; i < w * h; i++) {
    if (!hole[i]) continue;
    out[i * 3] = filled[i * 3];
    out[i * 3 + 1] = filled[i * 3 + 1];
    out[i * 3 + 2] = filled[i * 3 + 2];
  }
  return out;
}

/** Values (premultiplied by nothing: v is the value where wt > 0) filled where wt = 0, recursively. */
function fillLevel(v: Float32Array, wt: Float32Array, w: number, h: number): Float32Array {
  let empty = false;
  for (let i = 0; i < w * h; i++) if (wt[i] === 0) { empty = true; break; }
  if (!empty || (w === 1 && h === 1)) return v;
  const cw = Math.ceil(w / 2);
  const ch = Math.ceil(h / 2);
  const cv = new Float32Array(cw * ch * 3);
  const cwt = new Float32Array(cw * ch);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const q = wt[i];
      if (q === 0) continue;
      const ci = (y >> 1) * cw + (x >> 1);
      cwt[ci] += q;
      cv[ci * 3] += q * v[i * 3];
      cv[ci * 3 + 1] += q * v[i * 3 + 1];
      cv[ci * 3 + 2] += q * v[i * 3 + 2];
    }
  }
  for (let ci = 0; ci < cw * ch; ci++) {
    const q = cwt[ci];
    if (q > 0) {
      cv[ci * 3] /= q;
      cv[ci * 3 + 1] /= q;
      cv[ci * 3 + 2] /= q;
      cwt[ci] = Math.min(1, q);
    }
  }
  const coarse = fillLevel(cv, cwt, cw, ch);
  const out = v.slice();
  for (let y = 0; y < h; y++) {
    // Pixel centre (x + 0.5) / 2 − 0.5 in coarse coordinates.
    const cy = Math.min(ch - 1, Math.max(0, (y + 0.5) / 2 - 0.5));
    const y0 = Math.floor(cy);
    const y1 = Math.min(ch - 1, y0 + 1);
    const fy = cy - y0;
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (wt[i] > 0) continue;
      const cx = Math.min(cw - 1, Math.max(0, (x + 0.5) / 2 - 0.5));
      const x0 = Math.floor(cx);
      const x1 = Math.min(cw - 1, x0 + 1);
      const fx = cx - x0;
      for (let c = 0; c < 3; c++) {
        const a = (1 - fx) * coarse[(y0 * cw + x0) * 3 + c] + fx * coarse[(y0 * cw + x1) * 3 + c];
        const b = (1 - fx) * coarse[(y1 * cw + x0) * 3 + c] + fx * coarse[(y1 * cw + x1) * 3 + c];
        out[i * 3 + c] = (1 - fy) * a + fy * b;
      }
    }
  }
  return out;
}
