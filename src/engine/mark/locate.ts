/**
 * Finds a saved mark in a new image: normalised cross-correlation (by FFT) of the
 * image's gradient magnitude with the template's α edges at scales 0.8–1.2, then
 * a sub-pixel position, a finer scale and the opacity gain at full resolution.
 */
import { throwIfAborted } from '../errors';
import type { RgbaImage } from '../types';
import { gradientMap, refineShift } from './align';
import { fitGain } from './gain';
import { fft2d, fftSize } from './fft';
import { gridAlpha, type Placement } from './field';
import type { MarkTemplate } from './template';

export interface Located {
  placement: Placement;
  /** Normalised correlation of the best match, −1..1. */
  score: number;
}

const WORK_SIDE = 384;
const MIN_SCORE = 0.25;

export function locateMark(image: RgbaImage, mark: MarkTemplate, signal?: AbortSignal): Located | null {
  const ws = Math.min(1, WORK_SIDE / Math.max(image.width, image.height));
  const { map: g, w, h } = gradientMap(image, ws);
  const pw = fftSize(w + Math.ceil(mark.width * ws * 1.2) + 2);
  const ph = fftSize(h + Math.ceil(mark.height * ws * 1.2) + 2);
  const fImg = new Float64Array(pw * ph * 2);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) fImg[(y * pw + x) * 2] = g[y * w + x];
  fft2d(fImg, pw, ph);
  // Summed squares of the image map, for the local energy under the template.
  const sat = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) sat[(y + 1) * (w + 1) + x + 1] = g[y * w + x] ** 2 + sat[y * (w + 1) + x + 1] + sat[(y + 1) * (w + 1) + x] - sat[y * (w + 1) + x];

  let best: { x: number; y: number; s: number; score: number } | null = null;
  for (let s = 0.8; s <= 1.2001; s += 0.05) {
    throwIfAborted(signal);
    const tw = Math.max(3, Math.round(mark.width * s * ws));
    const th = Math.max(3, Math.round(mark.height * s * ws));
    if (tw >= w || th >= h) continue;
    const t = templateEdges(mark, tw, th);
    const c = new Float64Array(pw * ph * 2);
    for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) c[(y * pw + x) * 2] = t.map[y * tw + x];
    fft2d(c, pw, ph);
    for (let i = 0; i < pw * ph; i++) {
      const re = fImg[i * 2] * c[i * 2] + fImg[i * 2 + 1] * c[i * 2 + 1];
      const im = fImg[i * 2 + 1] * c[i * 2] - fImg[i * 2] * c[i * 2 + 1];
      c[i * 2] = re;
      c[i * 2 + 1] = im;
    }
    fft2d(c, pw, ph, true);
    for (let y = 0; y + th <= h; y++) {
      for (let x = 0; x + tw <= w; x++) {
        const e = sat[(y + th) * (w + 1) + x + tw] - sat[y * (w + 1) + x + tw] - sat[(y + th) * (w + 1) + x] + sat[y * (w + 1) + x];
        if (e <= 1e-6) continue;
        const score = c[(y * pw + x) * 2] / (t.norm * Math.sqrt(e));
        if (!best || score > best.score) best = { x, y, s, score };
      }
    }
  }
  if (!best || best.score < MIN_SCORE) return null;

  // Full resolution: sub-pixel position at each finer scale; keep the best edge agreement.
  let fine: { placement: Placement; agreement: number } | null = null;
  for (let s = best.s - 0.04; s <= best.s + 0.0401; s += 0.02) {
    const points = edgePointsAt(mark, s);
    if (points.length < 9) continue;
    const start: [number, number] = [best.x / ws, best.y / ws];
    const [x, y] = refineShift(image, points, start, Math.ceil(1 / ws) + 1);
    const agreement = edgeAgreement(image, points, x, y);
    if (!fine || agreement > fine.agreement) fine = { placement: { x, y, scale: s, gain: 1 }, agreement };
  }
  if (!fine) return null;
  const placement = { ...fine.placement, gain: fitGain(image, mark, fine.placement) };
  return { placement, score: best.score };
}

/** Gradient magnitude of α resampled to (th, tw), zero-mean, and its norm. */
function templateEdges(mark: MarkTemplate, tw: number, th: number): { map: Float32Array; norm: number } {
  const a = new Float32Array(tw * th);
  for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) a[y * tw + x] = gridAlpha(mark.alphaHw, mark.width, mark.height, ((x + 0.5) * mark.width) / tw - 0.5, ((y + 0.5) * mark.height) / th - 0.5, false);
  const m = new Float32Array(tw * th);
  let mean = 0;
  for (let y = 1; y < th - 1; y++) for (let x = 1; x < tw - 1; x++) {
    const i = y * tw + x;
    m[i] = Math.hypot(a[i + 1] - a[i - 1], a[i + tw] - a[i - tw]);
    mean += m[i];
  }
  mean /= tw * th;
  let norm = 0;
  for (let i = 0; i < tw * th; i++) {
    m[i] -= mean;
    norm += m[i] * m[i];
  }
  return { map: m, norm: Math.sqrt(norm) || 1 };
}

/** Template edge points (x, y, weight) at scale s, relative to the template's top-left. */
function edgePointsAt(mark: MarkTemplate, s: number): Float32Array {
  const out: number[] = [];
  const w = mark.width;
  for (let y = 1; y < mark.height - 1; y++) for (let x = 1; x < w - 1; x++) {
    const i = y * w + x;
    const g = Math.hypot(mark.alphaHw[i + 1] - mark.alphaHw[i - 1], mark.alphaHw[i + w] - mark.alphaHw[i - w]);
    if (g > 0.1) out.push(x * s, y * s, g);
  }
  const n = out.length / 3;
  const step = Math.max(1, Math.floor(n / 3000));
  const kept: number[] = [];
  for (let k = 0; k < n; k += step) kept.push(out[k * 3], out[k * 3 + 1], out[k * 3 + 2]);
  return Float32Array.from(kept);
}

function edgeAgreement(image: RgbaImage, points: Float32Array, x: number, y: number): number {
  let s = 0;
  for (let k = 0; k < points.length; k += 3) {
    const px = Math.round(points[k] + x);
    const py = Math.round(points[k + 1] + y);
    if (px < 1 || py < 1 || px >= image.width - 1 || py >= image.height - 1) continue;
    const l = (xx: number, yy: number) => {
      const i = (yy * image.width + xx) * 4;
      return 0.299 * image.data[i] + 0.587 * image.data[i + 1] + 0.114 * image.data[i + 2];
    };
    s += points[k + 2] * Math.hypot(l(px + 1, py) - l(px - 1, py), l(px, py + 1) - l(px, py - 1));
  }
  return s;
}
