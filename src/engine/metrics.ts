/**
 * Image and mask quality metrics for the benchmarks and tests. Image metrics use
 * the RGB channels of RgbaImage and ignore alpha.
 */
import { WmError } from './errors';
import type { Mask, RgbaImage } from './types';

function sameSize(a: { width: number; height: number }, b: { width: number; height: number }, what: string): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new WmError('E_MASK_MISMATCH', `${what}: ${a.width}×${a.height} vs ${b.width}×${b.height}.`);
  }
}

/** Sum of squared RGB differences and the number of pixels counted (mask > 0 when given). */
function squaredError(a: RgbaImage, b: RgbaImage, mask?: Mask): { sum: number; pixels: number } {
  sameSize(a, b, 'Images differ in size');
  if (mask) sameSize(a, mask, 'Mask and image differ in size');
  const da = a.data;
  const db = b.data;
  const n = a.width * a.height;
  let sum = 0;
  let pixels = 0;
  for (let i = 0; i < n; i++) {
    if (mask && mask.data[i] === 0) continue;
    const o = i * 4;
    const r = da[o] - db[o];
    const g = da[o + 1] - db[o + 1];
    const bl = da[o + 2] - db[o + 2];
    sum += r * r + g * g + bl * bl;
    pixels++;
  }
  return { sum, pixels };
}

/** PSNR in dB over RGB; with a mask, only mask > 0 pixels count (fPSNR). Infinity when identical, NaN when the mask selects nothing. */
export function psnr(a: RgbaImage, b: RgbaImage, mask?: Mask): number {
  const { sum, pixels } = squaredError(a, b, mask);
  if (pixels === 0) return NaN;
  const mse = sum / (pixels * 3);
  if (mse === 0) return Infinity;
  return 10 * Math.log10((255 * 255) / mse);
}

/** RMSE in 0..255 units over RGB inside mask > 0 (RMSEw in the watermark-removal literature). NaN for an empty mask. */
export function rmseW(a: RgbaImage, b: RgbaImage, mask: Mask): number {
  const { sum, pixels } = squaredError(a, b, mask);
  if (pixels === 0) return NaN;
  return Math.sqrt(sum / (pixels * 3));
}

const SSIM_RADIUS = 5; // 11×11 window
const SSIM_SIGMA = 1.5;
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

function luma(img: RgbaImage): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n);
  const d = img.data;
  for (let i = 0; i < n; i++) out[i] = 0.299 * d[i * 4] + 0.587 * d[i * 4 + 1] + 0.114 * d[i * 4 + 2];
  return out;
}

/**
 * Mean SSIM on BT.601 luma with Wang et al.'s 11×11 Gaussian window (σ = 1.5),
 * valid region only, K1 = 0.01, K2 = 0.03
 * (https://ece.uwaterloo.ca/~z70wang/publications/ssim.pdf). Images smaller than
 * the window use one global window.
 */
export function ssim(a: RgbaImage, b: RgbaImage): number {
  sameSize(a, b, 'Images differ in size');
  const W = a.width;
  const H = a.height;
  if (W === 0 || H === 0) return NaN;
  const x = luma(a);
  const y = luma(b);
  const k = 2 * SSIM_RADIUS + 1;
  if (W < k || H < k) return ssimWindow(x, y);
  const kernel = new Float64Array(k);
  let ksum = 0;
  for (let i = 0; i < k; i++) {
    kernel[i] = Math.exp(-((i - SSIM_RADIUS) ** 2) / (2 * SSIM_SIGMA * SSIM_SIGMA));
    ksum += kernel[i];
  }
  for (let i = 0; i < k; i++) kernel[i] /= ksum;
  // Horizontal pass of x, y, x², y², xy over the valid columns.
  const vw = W - k + 1;
  const hx = new Float32Array(vw * H);
  const hy = new Float32Array(vw * H);
  const hxx = new Float32Array(vw * H);
  const hyy = new Float32Array(vw * H);
  const hxy = new Float32Array(vw * H);
  for (let r = 0; r < H; r++) {
    const row = r * W;
    for (let c = 0; c < vw; c++) {
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      for (let t = 0; t < k; t++) {
        const wt = kernel[t];
        const xv = x[row + c + t];
        const yv = y[row + c + t];
        sx += wt * xv;
        sy += wt * yv;
        sxx += wt * xv * xv;
        syy += wt * yv * yv;
        sxy += wt * xv * yv;
      }
      const o = r * vw + c;
      hx[o] = sx;
      hy[o] = sy;
      hxx[o] = sxx;
      hyy[o] = syy;
      hxy[o] = sxy;
    }
  }
  const vh = H - k + 1;
  let total = 0;
  for (let r = 0; r < vh; r++) {
    for (let c = 0; c < vw; c++) {
      let mx = 0;
      let my = 0;
      let exx = 0;
      let eyy = 0;
      let exy = 0;
      for (let t = 0; t < k; t++) {
        const wt = kernel[t];
        const o = (r + t) * vw + c;
        mx += wt * hx[o];
        my += wt * hy[o];
        exx += wt * hxx[o];
        eyy += wt * hyy[o];
        exy += wt * hxy[o];
      }
      total += ssimFormula(mx, my, exx - mx * mx, eyy - my * my, exy - mx * my);
    }
  }
  return total / (vw * vh);
}

function ssimWindow(x: Float32Array, y: Float32Array): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let vx = 0;
  let vy = 0;
  let cxy = 0;
  for (let i = 0; i < n; i++) {
    vx += (x[i] - mx) ** 2;
    vy += (y[i] - my) ** 2;
    cxy += (x[i] - mx) * (y[i] - my);
  }
  return ssimFormula(mx, my, vx / n, vy / n, cxy / n);
}

function ssimFormula(mx: number, my: number, vx: number, vy: number, cxy: number): number {
  return ((2 * mx * my + C1) * (2 * cxy + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2));
}

/** Binary confusion counts at the >= 128 threshold. */
function confusion(pred: Mask, truth: Mask): { tp: number; fp: number; fn: number } {
  sameSize(pred, truth, 'Masks differ in size');
  const p = pred.data;
  const t = truth.data;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < p.length; i++) {
    const pp = p[i] >= 128;
    const tt = t[i] >= 128;
    if (pp && tt) tp++;
    else if (pp) fp++;
    else if (tt) fn++;
  }
  return { tp, fp, fn };
}

/** Intersection over union of the binarised masks; 1 when both are empty (they agree). */
export function maskIoU(pred: Mask, truth: Mask): number {
  const { tp, fp, fn } = confusion(pred, truth);
  const union = tp + fp + fn;
  return union === 0 ? 1 : tp / union;
}

/** F1 (Dice) of the binarised masks; 1 when both are empty. */
export function maskF1(pred: Mask, truth: Mask): number {
  const { tp, fp, fn } = confusion(pred, truth);
  const denom = 2 * tp + fp + fn;
  return denom === 0 ? 1 : (2 * tp) / denom;
}

/**
 * How much a result changed where it must not: the share of mask == 0 pixels whose
 * RGB differs at all, and the mean absolute channel difference over those pixels.
 * Both 0 when the mask covers everything.
 */
export function changedOutside(a: RgbaImage, b: RgbaImage, mask: Mask): { share: number; meanAbs: number } {
  sameSize(a, b, 'Images differ in size');
  sameSize(a, mask, 'Mask and image differ in size');
  const da = a.data;
  const db = b.data;
  const n = a.width * a.height;
  let outside = 0;
  let changed = 0;
  let abs = 0;
  for (let i = 0; i < n; i++) {
    if (mask.data[i] !== 0) continue;
    outside++;
    const o = i * 4;
    const d = Math.abs(da[o] - db[o]) + Math.abs(da[o + 1] - db[o + 1]) + Math.abs(da[o + 2] - db[o + 2]);
    if (d !== 0) changed++;
    abs += d;
  }
  if (outside === 0) return { share: 0, meanAbs: 0 };
  return { share: changed / outside, meanAbs: abs / (outside * 3) };
}
