import { describe, expect, it } from 'vitest';
import { autocorrelationRows, autocorrelationRowsPair, fft2d, fft2dInverseNearLags, fftSize, powerSpectrum } from './fft';

/** Direct O(n²) 2-D DFT, the reference the fast paths are held to. */
function dft2d(re: number[], im: number[], w: number, h: number, inverse: boolean): [number[], number[]] {
  const sg = inverse ? 1 : -1;
  const outR = new Array<number>(w * h).fill(0);
  const outI = new Array<number>(w * h).fill(0);
  for (let v = 0; v < h; v++) {
    for (let u = 0; u < w; u++) {
      let sr = 0;
      let si = 0;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const t = sg * 2 * Math.PI * ((u * x) / w + (v * y) / h);
          const c = Math.cos(t);
          const s = Math.sin(t);
          sr += re[y * w + x] * c - im[y * w + x] * s;
          si += re[y * w + x] * s + im[y * w + x] * c;
        }
      }
      outR[v * w + u] = inverse ? sr / (w * h) : sr;
      outI[v * w + u] = inverse ? si / (w * h) : si;
    }
  }
  return [outR, outI];
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

describe('fft', () => {
  it('picks sides 2^k or 3·2^k, whichever is smaller', () => {
    expect([fftSize(5), fftSize(7), fftSize(13), fftSize(512), fftSize(513), fftSize(768), fftSize(769), fftSize(1152)]).toEqual([6, 8, 16, 512, 768, 768, 1024, 1536]);
  });

  it.each([
    [8, 4],
    [12, 6],
    [24, 16],
    [6, 48],
  ])('matches a direct DFT on a %i×%i grid, both ways', (w, h) => {
    const r = rng(w * 31 + h);
    const re = Array.from({ length: w * h }, r);
    const im = Array.from({ length: w * h }, r);
    for (const inverse of [false, true]) {
      const c = new Float64Array(w * h * 2);
      for (let i = 0; i < w * h; i++) [c[i * 2], c[i * 2 + 1]] = [re[i], im[i]];
      fft2d(c, w, h, inverse);
      const [er, ei] = dft2d(re, im, w, h, inverse);
      let err = 0;
      for (let i = 0; i < w * h; i++) err = Math.max(err, Math.abs(c[i * 2] - er[i]), Math.abs(c[i * 2 + 1] - ei[i]));
      expect(err).toBeLessThan(1e-9);
    }
  });

  it('inverts just the rows near lag 0 when asked to, and those rows match the full inverse', () => {
    const [w, h, reach] = [12, 24, 3];
    const r = rng(7);
    const c = Float64Array.from({ length: w * h * 2 }, r);
    const full = c.slice();
    fft2d(full, w, h, true);
    fft2dInverseNearLags(c, w, h, reach);
    for (const y of [0, 1, 2, 3, h - 3, h - 2, h - 1]) for (let i = y * w * 2; i < (y + 1) * w * 2; i++) expect(c[i]).toBeCloseTo(full[i], 10);
    // A row it was told it need not invert differs from the full inverse.
    let far = 0;
    for (let i = 8 * w * 2; i < 9 * w * 2; i++) far = Math.max(far, Math.abs(c[i] - full[i]));
    expect(far).toBeGreaterThan(1e-3);
  });

  it('refuses sides it cannot transform', () => {
    expect(() => fft2d(new Float64Array(10 * 4 * 2), 10, 4)).toThrow(/2\^k or 3·2\^k/);
  });

  it.each([
    [7, 5, 12, 8],
    [9, 6, 16, 12],
    [5, 5, 8, 8],
  ])('gives the zero-padded power spectrum and both autocorrelations of a %i×%i map padded to %i×%i', (w, h, pw, ph) => {
    const r = rng(w + 100 * h);
    const map = Float32Array.from({ length: w * h }, r);
    const re = new Array<number>(pw * ph).fill(0);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) re[y * pw + x] = map[y * w + x];
    const [fr, fi] = dft2d(re, new Array<number>(pw * ph).fill(0), pw, ph, false);
    const expected = fr.map((v, i) => v * v + fi[i] * fi[i]);
    const power = powerSpectrum(map, w, h, pw, ph);
    for (let i = 0; i < pw * ph; i++) expect(power[i]).toBeCloseTo(expected[i], 8);
    // Circular autocorrelation, directly: sum over x of m(x)·m(x + lag) on the padded torus.
    const rows = 3;
    const direct = (dx: number, dy: number) => {
      let s = 0;
      for (let y = 0; y < ph; y++) for (let x = 0; x < pw; x++) s += re[y * pw + x] * re[((y + dy) % ph) * pw + ((x + dx) % pw)];
      return s;
    };
    const plain = autocorrelationRows(power, pw, ph, rows, 1);
    const [pair1, pairHalf] = autocorrelationRowsPair(power, pw, ph, rows, 1, 0.5);
    const half = autocorrelationRows(power, pw, ph, rows, 0.5);
    for (let dy = 0; dy < rows; dy++) {
      for (let dx = 0; dx < pw; dx++) {
        const i = dy * pw + dx;
        expect(plain[i]).toBeCloseTo(direct(dx, dy), 8);
        expect(pair1[i]).toBeCloseTo(plain[i], 10);
        expect(pairHalf[i]).toBeCloseTo(half[i], 10);
      }
    }
  });
});
