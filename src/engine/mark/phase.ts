/**
 * α of a lattice that is not whole pixels (a preview resized after tiling),
 * re-estimated from every pixel at its own phase: shift-and-add.
 *
 * The cell estimate (repeats.ts) samples every instance bilinearly onto one
 * grid and renders it back bilinearly, so a hard anti-aliased edge is blurred
 * twice and differs from the true α by up to half its step (α rms ≈ 0.04–0.06
 * on the bench's resized cases). But the instances sit at many sub-pixel
 * phases, so together they sample the cell far more finely than one instance
 * does. Here every pixel near the mark gives one sample of α at its exact
 * phase: a = ⟨J − B, W − B⟩ / |W − B|², with B a smooth background (a
 * push-pull fill of the mark's support from the pixels around it: as good as
 * the harmonic fill here, on val, and O(pixels)) and W the estimate's colour. Samples are binned on a cell grid of PHASE.binsPerPx
 * points per pixel, pooled by a Gaussian in phase (normalised convolution,
 * weights |W − B|²: where the mark barely differs from the picture a sample
 * says little), and re-pooled with Tukey weights around the pooled value, so
 * picture texture that the harmonic background misses does not pull α.
 * Phases with too few samples keep the cell estimate. Above PHASE.pixelBudget
 * pixels, evenly spaced bands are read, not all: a 12 MP picture has far more
 * instances than the pooling needs.
 */
import type { RgbaImage } from '../types';
import type { LatticeCell } from './field';
import { ALPHA_MIN } from './invert';
import { recoloured, sampleBands, TEXTURE_SHARE } from './pool';
import type { Lattice } from './lattice';

/** Chosen on the val split's resized tiled cases (`npm run bench:quality -- --marks-only --marks-split val`). */
export const PHASE = {
  /** Grid points per image pixel along each lattice vector. */
  binsPerPx: 3,
  /** Gaussian pooling radius in grid points (0.75 = a quarter pixel). */
  sigma: 0.75,
  /** Tukey cut-off of a sample's α residual. */
  tukey: 0.25,
  /** Re-pooling rounds with Tukey weights. */
  rounds: 1,
  /** The support is grown by this many pixels: the anti-aliased rim and any resampling overshoot. */
  grow: 1.5,
  /** Samples where |W − B|² (RGB sum, values in [0, 1]) is below this say nothing about α (100 8-bit levels²). */
  minContrast: 100 / 255 ** 2,
  /** Samples weighted by how smooth the picture is around them (pool.ts `TEXTURE_SHARE`). */
  textureShare: TEXTURE_SHARE,
  /** Grid points whose pooled weight is below this share of the median keep the cell estimate. */
  minWeightShare: 0.05,
  /** Rows of one band of the background fill (plus 16 above and below, pool.ts `sampleBands`). */
  bandRows: 256,
  /** Pixels read at most: bands are skipped evenly above this. */
  pixelBudget: 4_000_000,
  /** Grid points at most (12 MP with a wide lattice stays bounded). */
  maxBins: 1 << 21,
};


/**
 * The cell re-estimated per phase, on a grid of PHASE.binsPerPx points per
 * pixel; `cell` gives the support (its α ≥ 0.01, grown), W and the value where
 * too few samples fall.
 */
export function refineByPhase(image: RgbaImage, lattice: Lattice, cell: LatticeCell, signal?: AbortSignal): { cell: LatticeCell; recoloured: LatticeCell | null } {
  const { width: w, height: h } = image;
  const [ax, ay] = lattice.v1;
  const [bx, by] = lattice.v2;
  const det = ax * by - ay * bx;
  const [ox, oy] = lattice.origin;
  let gw = Math.max(1, Math.ceil(PHASE.binsPerPx * Math.hypot(ax, ay)));
  let gh = Math.max(1, Math.ceil(PHASE.binsPerPx * Math.hypot(bx, by)));
  const shrink = Math.sqrt(Math.max(1, (gw * gh) / PHASE.maxBins));
  gw = Math.max(1, Math.floor(gw / shrink));
  gh = Math.max(1, Math.floor(gh / shrink));
  const cells = gw * gh;
  const fallback = resampleWrap(cell.alphaHw, cell.width, cell.height, gw, gh);
  // The support, grown in the cell (PHASE.grow pixels along each lattice vector).
  const support = growWrap(fallback, gw, gh, Math.ceil((PHASE.grow * gw) / Math.hypot(ax, ay)), Math.ceil((PHASE.grow * gh) / Math.hypot(bx, by)));
  // Lattice coordinates are affine in x: per row, s = s0 + x·dsx, t = t0 + x·dtx.
  const dsx = by / det;
  const dtx = -ay / det;
  const binsOfRow = (y: number, out: Int32Array): void => {
    const ry = y - oy;
    let s = (-by * ox - bx * ry) / det;
    let t = (ay * ox + ax * ry) / det;
    for (let x = 0; x < w; x++, s += dsx, t += dtx) {
      let u = Math.round((s - Math.floor(s)) * gw);
      let v = Math.round((t - Math.floor(t)) * gh);
      if (u === gw) u = 0;
      if (v === gh) v = 0;
      const k = v * gw + u;
      out[x] = support[k] ? k : -1;
    }
  };

  // Enough instances for the pooling, not all of them: a 12 MP image reads every third band.
  const samples = sampleBands(image, PHASE, cell.colour, binsOfRow, signal);

  const spread = (sw: Float64Array, swa: Float64Array) => gaussianWrap2(sw, swa, gw, gh, PHASE.sigma);
  const alpha = samples.pool(fallback, PHASE, spread, signal);
  const other = recoloured(samples, alpha, fallback, PHASE, cell.colour, spread, signal);
  return { cell: { alphaHw: alpha, width: gw, height: gh, colour: cell.colour }, recoloured: other ? { ...other, width: gw, height: gh } : null };
}

/** 1 where a ≥ ALPHA_MIN, grown by (ru, rv) grid points on the periodic (h, w) grid. */
function growWrap(a: Float32Array, w: number, h: number, ru: number, rv: number): Uint8Array {
  const set = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) set[i] = a[i] >= ALPHA_MIN ? 1 : 0;
  return dilateLines(dilateLines(set, w, h, 1, w, ru), h, w, w, 1, rv);
}

/**
 * Periodic 1-D dilation of `lines` lines of length `len` (element stride
 * `step`, line stride `lineStep`) by r: a running count over a window of
 * 2r + 1, O(len) per line.
 */
function dilateLines(src: Uint8Array, len: number, lines: number, step: number, lineStep: number, r: number): Uint8Array {
  const out = new Uint8Array(src.length);
  const span = Math.min(r, Math.floor((len - 1) / 2));
  for (let l = 0; l < lines; l++) {
    const base = l * lineStep;
    const at = (i: number) => src[base + ((((i % len) + len) % len) * step)];
    let count = 0;
    for (let i = -span; i <= span; i++) count += at(i);
    for (let i = 0; i < len; i++) {
      if (count > 0) out[base + i * step] = 1;
      count += at(i + span + 1) - at(i - span);
    }
  }
  return out;
}

/** A periodic (h, w) grid resampled bilinearly to (gh, gw), grid point (u, v) at (u/gw, v/gh) of the period. */
function resampleWrap(src: Float32Array, w: number, h: number, gw: number, gh: number): Float32Array {
  const out = new Float32Array(gw * gh);
  const x0 = new Int32Array(gw);
  const x1 = new Int32Array(gw);
  const fx = new Float32Array(gw);
  for (let u = 0; u < gw; u++) {
    const x = (u / gw) * w;
    x0[u] = Math.min(w - 1, Math.floor(x));
    x1[u] = (x0[u] + 1) % w;
    fx[u] = x - x0[u];
  }
  for (let v = 0; v < gh; v++) {
    const y = (v / gh) * h;
    const y0 = Math.min(h - 1, Math.floor(y));
    const r0 = y0 * w;
    const r1 = ((y0 + 1) % h) * w;
    const fy = y - y0;
    for (let u = 0; u < gw; u++) {
      const top = src[r0 + x0[u]] + fx[u] * (src[r0 + x1[u]] - src[r0 + x0[u]]);
      const bottom = src[r1 + x0[u]] + fx[u] * (src[r1 + x1[u]] - src[r1 + x0[u]]);
      out[v * gw + u] = top + fy * (bottom - top);
    }
  }
  return out;
}

/**
 * Separable Gaussian on a periodic (h, w) grid, applied to two arrays at once
 * (weights and weighted values). Only the places within the kernel's radius of
 * data are summed (most of a cell is empty): each row's columns near data are
 * listed once, and the vertical pass reads only those. The sums are the same as
 * over every place (the terms skipped are zeros); at 12 MP (a 1111 × 855 grid)
 * it takes about a third of the time of summing everywhere.
 */
function gaussianWrap2(a: Float64Array, b: Float64Array, w: number, h: number, sigma: number): [Float64Array, Float64Array] {
  const rad = Math.ceil(3 * sigma);
  const k = Array.from({ length: 2 * rad + 1 }, (_, i) => Math.exp(-((i - rad) ** 2) / (2 * sigma * sigma)));
  const wrapU = Int32Array.from({ length: w + 2 * rad }, (_, i) => (((i - rad) % w) + w) % w);
  const wrapV = Int32Array.from({ length: h + 2 * rad }, (_, i) => (((i - rad) % h) + h) % h);
  const ta = new Float64Array(w * h);
  const tb = new Float64Array(w * h);
  // Per row, the columns within rad of data (CSR: cols[start[v] … start[v + 1])).
  const start = new Int32Array(h + 1);
  let cols = new Int32Array(Math.max(16, w * 4));
  let n = 0;
  const near = new Uint8Array(w);
  for (let v = 0; v < h; v++) {
    start[v] = n;
    const r = v * w;
    let used = false;
    near.fill(0);
    for (let u = 0; u < w; u++) {
      if (a[r + u] === 0) continue;
      used = true;
      for (let i = 0; i <= 2 * rad; i++) near[wrapU[u + i]] = 1;
    }
    if (!used) continue;
    for (let u = 0; u < w; u++) {
      if (!near[u]) continue;
      let sa = 0;
      let sb = 0;
      for (let i = 0; i <= 2 * rad; i++) {
        const j = r + wrapU[u + i];
        sa += k[i] * a[j];
        sb += k[i] * b[j];
      }
      ta[r + u] = sa;
      tb[r + u] = sb;
      if (n === cols.length) {
        const grown = new Int32Array(cols.length * 2);
        grown.set(cols);
        cols = grown;
      }
      cols[n++] = u;
    }
  }
  start[h] = n;
  const oa = new Float64Array(w * h);
  const ob = new Float64Array(w * h);
  for (let v = 0; v < h; v++) {
    const ro = v * w;
    for (let i = 0; i <= 2 * rad; i++) {
      const src = wrapV[v + i];
      const ki = k[i];
      const rs = src * w;
      for (let c = start[src]; c < start[src + 1]; c++) {
        const u = cols[c];
        oa[ro + u] += ki * ta[rs + u];
        ob[ro + u] += ki * tb[rs + u];
      }
    }
  }
  return [oa, ob];
}

