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
  const rowPlan = plan(w);
  const colPlan = plan(h);
  const rowIn = new Float64Array(w * 2);
  const rowOut = new Float64Array(w * 2);
  for (let y = 0; y < h; y++) {
    const o = y * w * 2;
    rowIn.set(cplxHw.subarray(o, o + w * 2));
    if (inverse) rowPlan.inverseTransform(rowOut, rowIn);
    else rowPlan.transform(rowOut, rowIn);
    cplxHw.set(rowOut, o);
  }
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
 * Circular autocorrelation of a real (h, w) map, zero-padded to (ph, pw) so that
 * lags up to ph − h and pw − w do not wrap. Returns the real (ph, pw) result;
 * lag (dx, dy) sits at ((dy + ph) % ph, (dx + pw) % pw).
 */
export function autocorrelate(realHw: Float32Array, w: number, h: number, pw: number, ph: number): Float64Array {
  const c = new Float64Array(pw * ph * 2);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) c[(y * pw + x) * 2] = realHw[y * w + x];
  fft2d(c, pw, ph);
  for (let i = 0; i < pw * ph; i++) {
    c[i * 2] = c[i * 2] * c[i * 2] + c[i * 2 + 1] * c[i * 2 + 1];
    c[i * 2 + 1] = 0;
  }
  fft2d(c, pw, ph, true);
  const out = new Float64Array(pw * ph);
  for (let i = 0; i < pw * ph; i++) out[i] = c[i * 2];
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
