/// <reference path="./fft-js.d.ts" />
/**
 * 2-D FFTs on top of fft.js (radix-4, ~13 kB), for sides 2^k and 3·2^k (one
 * radix-3 step over three fft.js transforms, so padding a side to the next
 * good size costs at most 1.33× instead of 2×): the autocorrelation of the
 * lattice search, the alignment and location searches and the periodic Poisson
 * solve. Complex arrays are interleaved (re, im) row-major: `cplxHw[(y * w + x) * 2]`.
 */
import FFT from 'fft.js';

interface Plan {
  transform(out: Float64Array, data: Float64Array): void;
  inverseTransform(out: Float64Array, data: Float64Array): void;
}

/** A complex transform of size 3m (m a power of two): decimation in time, three transforms of m, one radix-3 step. */
class Radix3 implements Plan {
  private readonly m: number;
  private readonly sub: FFT;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly ins = [0, 1, 2].map(() => new Float64Array(0));
  private readonly outs = [0, 1, 2].map(() => new Float64Array(0));
  constructor(readonly size: number) {
    this.m = size / 3;
    this.sub = new FFT(this.m);
    this.cos = new Float64Array(size);
    this.sin = new Float64Array(size);
    for (let k = 0; k < size; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / size);
      this.sin[k] = Math.sin((2 * Math.PI * k) / size);
    }
    for (let r = 0; r < 3; r++) {
      this.ins[r] = new Float64Array(this.m * 2);
      this.outs[r] = new Float64Array(this.m * 2);
    }
  }
  transform(out: Float64Array, data: Float64Array): void {
    this.run(out, data, false);
  }
  inverseTransform(out: Float64Array, data: Float64Array): void {
    this.run(out, data, true);
  }
  private run(out: Float64Array, data: Float64Array, inverse: boolean): void {
    const { m, size, cos, sin } = this;
    for (let r = 0; r < 3; r++) {
      const a = this.ins[r];
      for (let j = 0; j < m; j++) {
        a[j * 2] = data[(3 * j + r) * 2];
        a[j * 2 + 1] = data[(3 * j + r) * 2 + 1];
      }
      if (inverse) this.sub.inverseTransform(this.outs[r], a);
      else this.sub.transform(this.outs[r], a);
    }
    const [a0, a1, a2] = this.outs;
    // Twiddles e^(∓2πik/n) (forward −, inverse +), then the 3-point butterfly on
    // k = j, j + m, j + 2m; fft.js's inverse divides by m, the step by 3 more.
    const sg = inverse ? 1 : -1;
    const scale = inverse ? 1 / 3 : 1;
    const r3 = (sg * Math.sqrt(3)) / 2;
    for (let j = 0; j < m; j++) {
      const o = j * 2;
      const c1 = cos[j];
      const s1 = sg * sin[j];
      const c2 = cos[2 * j];
      const s2 = sg * sin[2 * j];
      const t1r = a1[o] * c1 - a1[o + 1] * s1;
      const t1i = a1[o] * s1 + a1[o + 1] * c1;
      const t2r = a2[o] * c2 - a2[o + 1] * s2;
      const t2i = a2[o] * s2 + a2[o + 1] * c2;
      const sr = t1r + t2r;
      const si = t1i + t2i;
      // ω·t1 + ω²·t2 = −s/2 ± i·(√3/2)·(t1 − t2), ω = e^(∓2πi/3).
      const dr = r3 * (t1r - t2r);
      const di = r3 * (t1i - t2i);
      const mr = a0[o] - sr / 2;
      const mi = a0[o + 1] - si / 2;
      out[o] = (a0[o] + sr) * scale;
      out[o + 1] = (a0[o + 1] + si) * scale;
      out[o + 2 * m] = (mr - di) * scale;
      out[o + 2 * m + 1] = (mi + dr) * scale;
      out[o + 4 * m] = (mr + di) * scale;
      out[o + 4 * m + 1] = (mi - dr) * scale;
    }
  }
}

/** Columns moved at a time by the column passes (cache lines, not single doubles). */
const BLOCK = 16;

const plans = new Map<number, Plan>();
function plan(n: number): Plan {
  let p = plans.get(n);
  if (!p) {
    if (isPow2(n)) p = new FFT(n) as unknown as Plan;
    else if (n % 3 === 0 && isPow2(n / 3)) p = new Radix3(n);
    else throw new Error(`no FFT plan for size ${n}: sides must be 2^k or 3·2^k`);
    plans.set(n, p);
  }
  return p;
}

export const isPow2 = (n: number): boolean => n >= 2 && (n & (n - 1)) === 0;
const isGoodSize = (n: number): boolean => isPow2(n) || (n % 3 === 0 && isPow2(n / 3));
export function nextPow2(n: number): number {
  let p = 2;
  while (p < n) p <<= 1;
  return p;
}
/** The smallest size ≥ n this module transforms: 2^k or 3·2^k. */
export function fftSize(n: number): number {
  const p = nextPow2(n);
  const t = 3 * nextPow2(Math.ceil(n / 3));
  return t >= 6 && t < p ? t : p;
}

/** In-place 2-D transform of an interleaved complex (h, w) array; inverse scales by 1/(w·h). */
export function fft2d(cplxHw: Float64Array, w: number, h: number, inverse = false): void {
  if (!isGoodSize(w) || !isGoodSize(h)) throw new Error(`fft2d needs sides 2^k or 3·2^k, got ${w}×${h}`);
  if (cplxHw.length !== w * h * 2) throw new Error('fft2d: buffer does not match its sides');
  rowPass(cplxHw, w, h, inverse);
  columnPass(cplxHw, w, h, inverse);
}

/**
 * The inverse 2-D transform where only the rows y ≤ reach and y ≥ h − reach are
 * read afterwards (lags |dy| ≤ reach): columns first, then just those rows.
 */
export function fft2dInverseNearLags(cplxHw: Float64Array, w: number, h: number, reach: number): void {
  if (!isGoodSize(w) || !isGoodSize(h)) throw new Error(`fft2d needs sides 2^k or 3·2^k, got ${w}×${h}`);
  columnPass(cplxHw, w, h, true);
  if (2 * reach + 1 >= h) {
    rowPass(cplxHw, w, h, true);
    return;
  }
  rowPass(cplxHw, w, reach + 1, true);
  rowPass(cplxHw, w, h, true, h - reach);
}

/** Transforms rows from … rows − 1 in place. */
function rowPass(cplxHw: Float64Array, w: number, rows: number, inverse: boolean, from = 0): void {
  const rowPlan = plan(w);
  const rowIn = new Float64Array(w * 2);
  const rowOut = new Float64Array(w * 2);
  for (let y = from; y < rows; y++) {
    const o = y * w * 2;
    rowIn.set(cplxHw.subarray(o, o + w * 2));
    if (inverse) rowPlan.inverseTransform(rowOut, rowIn);
    else rowPlan.transform(rowOut, rowIn);
    cplxHw.set(rowOut, o);
  }
}

function columnPass(cplxHw: Float64Array, w: number, h: number, inverse: boolean): void {
  const colPlan = plan(h);
  // Columns are gathered and scattered BLOCK at a time, so each row's read is one contiguous run.
  const B = Math.min(BLOCK, w);
  const ins = new Float64Array(B * h * 2);
  const outs = new Float64Array(B * h * 2);
  for (let x0 = 0; x0 < w; x0 += B) {
    const n = Math.min(B, w - x0);
    for (let y = 0; y < h; y++) {
      const o = (y * w + x0) * 2;
      for (let b = 0; b < n; b++) {
        ins[(b * h + y) * 2] = cplxHw[o + b * 2];
        ins[(b * h + y) * 2 + 1] = cplxHw[o + b * 2 + 1];
      }
    }
    for (let b = 0; b < n; b++) {
      const colIn = ins.subarray(b * h * 2, (b + 1) * h * 2);
      const colOut = outs.subarray(b * h * 2, (b + 1) * h * 2);
      if (inverse) colPlan.inverseTransform(colOut, colIn);
      else colPlan.transform(colOut, colIn);
    }
    for (let y = 0; y < h; y++) {
      const o = (y * w + x0) * 2;
      for (let b = 0; b < n; b++) {
        cplxHw[o + b * 2] = outs[(b * h + y) * 2];
        cplxHw[o + b * 2 + 1] = outs[(b * h + y) * 2 + 1];
      }
    }
  }
}

/**
 * The power spectrum |F|² of a real (h, w) map zero-padded to (ph, pw), as (ph, pw).
 * The input is real, so F(pw − u, ph − v) = conj F(u, v): rows are transformed two
 * at a time (one as the real part, one as the imaginary), only the columns
 * u ≤ pw/2 are transformed, and the others are mirrored.
 */
export function powerSpectrum(realHw: Float32Array, w: number, h: number, pw: number, ph: number): Float64Array {
  if (!isGoodSize(pw) || !isGoodSize(ph)) throw new Error(`powerSpectrum needs sides 2^k or 3·2^k, got ${pw}×${ph}`);
  // Row transforms of the h non-zero rows; of each spectrum only u ≤ pw/2 is kept.
  const half = (pw >> 1) + 1;
  const c = new Float64Array(half * h * 2);
  const rowPlan = plan(pw);
  const rowIn = new Float64Array(pw * 2);
  const rowOut = new Float64Array(pw * 2);
  for (let y = 0; y < h; y += 2) {
    rowIn.fill(0);
    const second = y + 1 < h;
    for (let x = 0; x < w; x++) {
      rowIn[x * 2] = realHw[y * w + x];
      if (second) rowIn[x * 2 + 1] = realHw[(y + 1) * w + x];
    }
    rowPlan.transform(rowOut, rowIn);
    // Z = A + iB with A, B the spectra of the two real rows: A = (Z(u) + conj Z(−u)) / 2, B = (Z(u) − conj Z(−u)) / 2i.
    for (let u = 0; u < half; u++) {
      const n = (pw - u) % pw;
      const zr = rowOut[u * 2];
      const zi = rowOut[u * 2 + 1];
      const nr = rowOut[n * 2];
      const ni = rowOut[n * 2 + 1];
      const o = (y * half + u) * 2;
      c[o] = (zr + nr) / 2;
      c[o + 1] = (zi - ni) / 2;
      if (second) {
        c[o + half * 2] = (zi + ni) / 2;
        c[o + half * 2 + 1] = (nr - zr) / 2;
      }
    }
  }
  const power = new Float64Array(pw * ph);
  const colPlan = plan(ph);
  // BLOCK columns at a time; rows h … ph − 1 of the inputs stay 0 (the padding).
  const ins = new Float64Array(BLOCK * ph * 2);
  const outs = new Float64Array(BLOCK * ph * 2);
  for (let u0 = 0; u0 < half; u0 += BLOCK) {
    const n = Math.min(BLOCK, half - u0);
    for (let y = 0; y < h; y++) {
      const o = (y * half + u0) * 2;
      for (let k = 0; k < n; k++) {
        ins[(k * ph + y) * 2] = c[o + k * 2];
        ins[(k * ph + y) * 2 + 1] = c[o + k * 2 + 1];
      }
    }
    for (let k = 0; k < n; k++) colPlan.transform(outs.subarray(k * ph * 2, (k + 1) * ph * 2), ins.subarray(k * ph * 2, (k + 1) * ph * 2));
    for (let v = 0; v < ph; v++) {
      const row = v * pw;
      const mirrorRow = ((ph - v) % ph) * pw;
      for (let k = 0; k < n; k++) {
        const u = u0 + k;
        const re = outs[(k * ph + v) * 2];
        const im = outs[(k * ph + v) * 2 + 1];
        const p = re * re + im * im;
        power[row + u] = p;
        power[mirrorRow + ((pw - u) % pw)] = p;
      }
    }
  }
  return power;
}

/**
 * The circular autocorrelation from a power spectrum (`powerSpectrum`), at lags
 * dy in [0, rows) only: lag (dx, dy) sits at dy·pw + (dx + pw) % pw. With
 * `exponent` ≠ 1 the spectrum is raised to it first (0.5: partly whitened, so the
 * peaks of periodic structure stand out from a broad spectrum). The spectrum is
 * even, P(−u, −v) = P(u, v), so column pw − u of the first pass is column u upside
 * down, and only half the columns are transformed.
 */
export function autocorrelationRows(power: Float64Array, pw: number, ph: number, rows: number, exponent = 1): Float64Array {
  return autocorrelations(power, pw, ph, rows, exponent, null)[0];
}

/**
 * Two autocorrelations of one spectrum, raised to two exponents, for the price
 * of one: P^a and P^b are real and even, so their inverse transforms are real,
 * and the inverse transform of P^a + i·P^b carries the first in its real part
 * and the second in its imaginary part.
 */
export function autocorrelationRowsPair(power: Float64Array, pw: number, ph: number, rows: number, a: number, b: number): [Float64Array, Float64Array] {
  const [x, y] = autocorrelations(power, pw, ph, rows, a, b);
  return [x, y as Float64Array];
}

const raise = (p: number, e: number) => (e === 1 ? p : e === 0.5 ? Math.sqrt(p) : Math.pow(p, e));

function autocorrelations(power: Float64Array, pw: number, ph: number, rows: number, a: number, b: number | null): [Float64Array, Float64Array | null] {
  const c = new Float64Array(pw * rows * 2);
  const colPlan = plan(ph);
  const ins = new Float64Array(BLOCK * ph * 2);
  const outs = new Float64Array(BLOCK * ph * 2);
  const cols = (pw >> 1) + 1;
  for (let u0 = 0; u0 < cols; u0 += BLOCK) {
    const n = Math.min(BLOCK, cols - u0);
    for (let v = 0; v < ph; v++) {
      const row = v * pw + u0;
      for (let k = 0; k < n; k++) {
        const p = power[row + k];
        ins[(k * ph + v) * 2] = raise(p, a);
        ins[(k * ph + v) * 2 + 1] = b === null ? 0 : raise(p, b);
      }
    }
    for (let k = 0; k < n; k++) colPlan.inverseTransform(outs.subarray(k * ph * 2, (k + 1) * ph * 2), ins.subarray(k * ph * 2, (k + 1) * ph * 2));
    for (let y = 0; y < rows; y++) {
      const f = (ph - y) % ph;
      for (let k = 0; k < n; k++) {
        const u = u0 + k;
        const o = k * ph * 2;
        c[(y * pw + u) * 2] = outs[o + y * 2];
        c[(y * pw + u) * 2 + 1] = outs[o + y * 2 + 1];
        const mirror = (pw - u) % pw;
        if (mirror !== u) {
          c[(y * pw + mirror) * 2] = outs[o + f * 2];
          c[(y * pw + mirror) * 2 + 1] = outs[o + f * 2 + 1];
        }
      }
    }
  }
  rowPass(c, pw, rows, true);
  const out = new Float64Array(pw * rows);
  for (let i = 0; i < pw * rows; i++) out[i] = c[i * 2];
  if (b === null) return [out, null];
  const second = new Float64Array(pw * rows);
  for (let i = 0; i < pw * rows; i++) second[i] = c[i * 2 + 1];
  return [out, second];
}

/**
 * Solves the periodic Poisson equation ΔU = div on a (h, w) torus with the
 * 5-point Laplacian, by FFT (Dekel et al. 2017, step 3, on a torus because a
 * tiled mark lives on one). The mean of U is set to 0.
 */
export function solvePoissonPeriodic(divHw: Float32Array, w: number, h: number): Float32Array {
  const c = new Float64Array(w * h * 2);
  for (let i = 0; i < w * h; i++) c[i * 2] = divHw[i];
  fft2d(c, w, h);
  for (let v = 0; v < h; v++) {
    const ly = 2 * Math.cos((2 * Math.PI * v) / h) - 2;
    for (let u = 0; u < w; u++) {
      const o = (v * w + u) * 2;
      const lambda = 2 * Math.cos((2 * Math.PI * u) / w) - 2 + ly;
      if (u === 0 && v === 0) {
        c[o] = 0;
        c[o + 1] = 0;
      } else {
        c[o] /= lambda;
        c[o + 1] /= lambda;
      }
    }
  }
  fft2d(c, w, h, true);
  const out = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) out[i] = c[i * 2];
  return out;
}
