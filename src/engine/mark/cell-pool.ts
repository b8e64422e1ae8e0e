/**
 * α of an integer lattice's pixel-exact cell, re-estimated from the image's own
 * pixels (as phase.ts does for resized lattices and poolTemplate for batches):
 * each pixel near the mark says a = ⟨J − B, W − B⟩ / |W − B|² against a
 * push-pull background B, and the samples that fall on one cell pixel are
 * pooled by weighted least squares, then with Tukey weights (pool.ts). The
 * stack's median (estimate.ts) sees each cell pixel in at most 48 instances and
 * through the picture's texture; this reads every instance against its own
 * surroundings. The smooth background is wrong across hard edges, so the
 * pooled α is kept only when its inversion leaves less gradient energy
 * (`inversionEnergies`). Val tiled cases with an integer lattice (38 of 76,
 * seeds 5/77/123), mean fPSNR 29.59 → 30.36 dB: 21 cases gain up to 9 dB,
 * 3 lose 1.4–2.5 dB (near-perfect estimates that the gate did not keep).
 */
import { throwIfAborted } from '../errors';
import type { RgbaImage } from '../types';
import { ALPHA_MIN } from './invert';
import { AlphaSamples, pushPull } from './pool';
import { growMask, neighbours } from './support';
import type { MarkField } from './field';

export const CELL_POOL = {
  /** Tukey cut-off of a sample's α residual, re-pooling rounds, and the share of the median weight below which a pixel keeps the cell estimate. */
  tukey: 0.25,
  rounds: 2,
  minWeightShare: 0.05,
  /** Support grown by this many pixels: the anti-aliased rim. */
  grow: 1,
  /** Samples where |W − B|² is below this say nothing about α (100 8-bit levels²). */
  minContrast: 100 / 255 ** 2,
  bandRows: 256,
  /** Pixels read at most (evenly spaced bands; a 1 MP picture is read whole, 12 MP has more instances than the pooling needs). */
  pixelBudget: 1_500_000,
  /** Pixels the energy gate reads at most. */
  energyBudget: 750_000,
};
const BAND_MARGIN = 16;

export function poolIntegerCell(
  image: RgbaImage,
  hnf: { a: number; b: number; c: number },
  cell: { alphaHw: Float32Array; colour: [number, number, number] },
  signal?: AbortSignal,
): Float32Array {
  const { a, b, c } = hnf;
  const { width: w, height: h } = image;
  const n = a * c;
  const nb = neighbours(a, c, { kind: 'torus', twist: b });
  const seed = new Uint8Array(n);
  for (let i = 0; i < n; i++) seed[i] = cell.alphaHw[i] >= ALPHA_MIN ? 1 : 0;
  const support = growMask(seed, nb, CELL_POOL.grow);
  const cellIndex = (px: number, py: number) => {
    const j = Math.floor(py / c);
    return (py - j * c) * a + ((((px - j * b) % a) + a) % a);
  };
  const samples = new AlphaSamples();
  const W = cell.colour;
  const bandStride = Math.max(1, Math.ceil((w * h) / CELL_POOL.pixelBudget));
  for (let y0 = 0; y0 < h; y0 += CELL_POOL.bandRows * bandStride) {
    throwIfAborted(signal);
    const y1 = Math.min(h, y0 + CELL_POOL.bandRows);
    const top = Math.max(0, y0 - BAND_MARGIN);
    const rows = Math.min(h, y1 + BAND_MARGIN) - top;
    const J = new Float32Array(w * rows * 3);
    const bins = new Int32Array(w * rows);
    const hole = new Uint8Array(w * rows);
    for (let r = 0; r < rows; r++) {
      for (let x = 0; x < w; x++) {
        const i = r * w + x;
        const k = cellIndex(x, top + r);
        bins[i] = support[k] ? k : -1;
        hole[i] = support[k];
        const o = ((top + r) * w + x) * 4;
        J[i * 3] = image.data[o] / 255;
        J[i * 3 + 1] = image.data[o + 1] / 255;
        J[i * 3 + 2] = image.data[o + 2] / 255;
      }
    }
    const B = pushPull(J, hole, w, rows);
    for (let i = (y0 - top) * w; i < (y1 - top) * w; i++) if (hole[i]) samples.add(bins[i], J, B, i, W, CELL_POOL.minContrast);
  }
  return samples.pool(cell.alphaHw, CELL_POOL, (sw, swa) => [sw, swa], signal);
}

/**
 * L1 gradient energy (RGB, 8-bit levels) of the image inverted with each field,
 * over the pixels where any of them has α ≥ ALPHA_MIN, on evenly spread bands of
 * at most `budget` pixels: the lower, the flatter the inversion leaves the marks.
 */
export function inversionEnergies(image: RgbaImage, fields: readonly MarkField[], budget = CELL_POOL.energyBudget): number[] {
  const { width: w, height: h, data } = image;
  const bandRows = 64;
  const stride = Math.max(1, Math.ceil((w * h) / budget));
  const energies = fields.map(() => 0);
  const rows = fields.map(() => [new Float32Array(w), new Float32Array(w)]);
  const inv = fields.map(() => [new Float32Array(w * 3), new Float32Array(w * 3)]);
  const any = [new Uint8Array(w), new Uint8Array(w)];
  for (let y0 = 0; y0 < h - 1; y0 += bandRows * stride) {
    for (let y = y0; y < Math.min(h - 1, y0 + bandRows); y++) {
      for (let r = 0; r < 2; r++) {
        any[r].fill(0);
        fields.forEach((f, k) => {
          const a = rows[k][r];
          for (let x = 0; x < w; x++) a[x] = f.alphaAt(x, y + r);
        });
        for (let x = 0; x < w; x++) for (let k = 0; k < fields.length; k++) if (rows[k][r][x] >= ALPHA_MIN) any[r][x] = 1;
        fields.forEach((f, k) => {
          const a = rows[k][r];
          const out = inv[k][r];
          for (let x = 0; x < w; x++) {
            const o = ((y + r) * w + x) * 4;
            const al = Math.min(0.98, a[x] >= ALPHA_MIN ? a[x] : 0);
            for (let c = 0; c < 3; c++) out[x * 3 + c] = (data[o + c] - al * 255 * f.colour[c]) / (1 - al);
          }
        });
      }
      for (let x = 0; x < w - 1; x++) {
        if (!any[0][x]) continue;
        for (let k = 0; k < fields.length; k++) {
          const [cur, next] = inv[k];
          let e = 0;
          for (let c = 0; c < 3; c++) e += Math.abs(cur[x * 3 + 3 + c] - cur[x * 3 + c]) + Math.abs(next[x * 3 + c] - cur[x * 3 + c]);
          energies[k] += e;
        }
      }
    }
  }
  return energies;
}
