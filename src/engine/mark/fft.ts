/// <reference path="./fft-js.d.ts" />
/**
 * Power-of-two 2-D FFTs on top of fft.js (radix-4, ~13 kB): the autocorrelation
 * of the lattice search and the periodic Poisson solve. Complex arrays are
 * interleaved (re, im) row-major: `cplxHw[(y * w + x) * 2]`.
 */
import FFT from 'fft.js';

const plans = new Map<number, FFT>();
function plan(n: number): FFT {
  let p = plans.get(n);
  if (!p) {
    p = new FFT(n);
    plans.set(n, p);
  }
  return p;
}

export const isPow2 = (n: number): boolean => n >= 2 && (n & (n - 1)) === 0;
export function nextPow2(n: number): number {
  let p = 2;
  while (p < n) p <<= 1;
  return p;
}

/** In-place 2-D transform of an interleaved complex (h, w) array; inverse scales by 1/(w·h). */
export function fft2d(cplxHw: Float64Array, w: number, h: number, inverse = false): void {
  if (!isPow2(w) || !isPow2(h)) throw new Error(`fft2d needs power-of-two sides, got ${w}×${h}`);
  if (cplxHw.length !== w * h * 2) throw new Error('fft2d: buffer does not match its sides');
  rowPass(cplxHw, w, h, inverse);
  columnPass(cplxHw, w, h, inverse);
}

function rowPass(cplxHw: Float64Array, w: number, rows: number, inverse: boolean): void {
  const rowPlan = plan(w);
  const rowIn = new Float64Array(w * 2);
  const rowOut = new Float64Array(w * 2);
  for (let y = 0; y < rows; y++) {
    const o = y * w * 2;
    rowIn.set(cplxHw.subarray(o, o + w * 2));
    if (inverse) rowPlan.inverseTransform(rowOut, rowIn);
    else rowPlan.transform(rowOut, rowIn);
    cplxHw.set(rowOut, o);
  }
}

function columnPass(cplxHw: Float64Array, w: number, h: number, inverse: boolean): void {
  const colPlan = plan(h);
  const colIn = new Float64Array(h * 2);
  const colOut = new Float64Array(h * 2);
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) {
      const o = (y * w + x) * 2;
      colIn[y * 2] = cplxHw[o];
      colIn[y * 2 + 1] = cplxHw[o + 1];
    }
    if (inverse) colPlan.inverseTransform(colOut, colIn);
    else colPlan.transform(colOut, colIn);
    for (let y = 0; y < h; y++) {
      const o = (y * w + x) * 2;
      cplxHw[o] = colOut[y * 2];
      cplxHw[o + 1] = colOut[y * 2 + 1];
    }
  }
}

/**
 * The power spectrum |F|² of a real (h, w) map zero-padded to (ph, pw), as (ph, pw).
 * The input is real, so F(pw − u, ph − v) = conj F(u, v): only the columns u ≤ pw/2
 * are transformed, the others are mirrored.
 */
export function powerSpectrum(realHw: Float32Array, w: number, h: number, pw: number, ph: number): Float64Array {
  if (!isPow2(pw) || !isPow2(ph)) throw new Error(`powerSpectrum needs power-of-two sides, got ${pw}×${ph}`);
  // Row transforms of the h non-zero rows, real input: only the first half of each spectrum is filled and needed.
  const c = new Float64Array(pw * h * 2);
  const rowPlan = plan(pw);
  const rowIn = new Float64Array(pw);
  const rowOut = new Float64Array(pw * 2);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) rowIn[x] = realHw[y * w + x];
    rowPlan.realTransform(rowOut, rowIn);
    c.set(rowOut.subarray(0, pw + 2), y * pw * 2);
  }
  const power = new Float64Array(pw * ph);
  const colPlan = plan(ph);
  const colIn = new Float64Array(ph * 2);
  const colOut = new Float64Array(ph * 2);
  for (let u = 0; u <= pw >> 1; u++) {
    colIn.fill(0);
    for (let y = 0; y < h; y++) {
      colIn[y * 2] = c[(y * pw + u) * 2];
      colIn[y * 2 + 1] = c[(y * pw + u) * 2 + 1];
    }
    colPlan.transform(colOut, colIn);
    for (let v = 0; v < ph; v++) {
      const p = colOut[v * 2] * colOut[v * 2] + colOut[v * 2 + 1] * colOut[v * 2 + 1];
      power[v * pw + u] = p;
      power[((ph - v) % ph) * pw + ((pw - u) % pw)] = p;
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
  const c = new Float64Array(pw * rows * 2);
  const colPlan = plan(ph);
  const colIn = new Float64Array(ph * 2);
  const colOut = new Float64Array(ph * 2);
  for (let u = 0; u <= pw >> 1; u++) {
    for (let v = 0; v < ph; v++) {
      const p = power[v * pw + u];
      colIn[v * 2] = exponent === 1 ? p : exponent === 0.5 ? Math.sqrt(p) : Math.pow(p, exponent);
      colIn[v * 2 + 1] = 0;
    }
    colPlan.inverseTransform(colOut, colIn);
    const mirror = (pw - u) % pw;
    for (let y = 0; y < rows; y++) {
      c[(y * pw + u) * 2] = colOut[y * 2];
      c[(y * pw + u) * 2 + 1] = colOut[y * 2 + 1];
      if (mirror !== u) {
        const f = (ph - y) % ph;
        c[(y * pw + mirror) * 2] = colOut[f * 2];
        c[(y * pw + mirror) * 2 + 1] = colOut[f * 2 + 1];
      }
    }
  }
  rowPass(c, pw, rows, true);
  const out = new Float64Array(pw * rows);
  for (let i = 0; i < pw * rows; i++) out[i] = c[i * 2];
  return out;
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
