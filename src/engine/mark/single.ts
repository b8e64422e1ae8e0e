/**
 * One instance, one colour (../../../../shared/notes/mark-estimation.md): fit
 * J = (1 − a·s)·B + a·s·W over a masked region, where B is a smooth background
 * (the harmonic fill of the region from its surroundings), W one colour and a one
 * opacity. The fit tells what the region is — a semi-transparent overlay (invert
 * it, keeping the texture under it), opaque (fill it) or not a blend at all
 * (probably content) — and, for an overlay, gives the α to invert.
 */
import type { Mask, Rect, RgbaImage } from '../types';
import type { MarkField } from './field';
import { quantile } from './sample';
import { harmonicFill } from './harmonic';

export { harmonicFill };

export type BlendVerdict = 'overlay' | 'opaque' | 'not-a-blend';

export interface OneColourFit {
  verdict: BlendVerdict;
  /** Opacity a of the mark's core. */
  opacity: number;
  colour: [number, number, number];
  /** Share of the region's deviation from B that one colour explains. */
  explained: number;
  /** α over the crop, for inversion; null unless the verdict is 'overlay'. */
  field: MarkField | null;
}

/** Background ring the fit reads around a region's box, px. */
export const FIT_MARGIN = 8;
const MARGIN = FIT_MARGIN;

export function fitOneColour(image: RgbaImage, mask: Mask, box: Rect): OneColourFit {
  const x0 = Math.max(0, box.x - MARGIN);
  const y0 = Math.max(0, box.y - MARGIN);
  const x1 = Math.min(image.width, box.x + box.width + MARGIN);
  const y1 = Math.min(image.height, box.y + box.height + MARGIN);
  const w = x1 - x0;
  const h = y1 - y0;
  const n = w * h;
  const inMask = new Uint8Array(n);
  const J = new Float32Array(n * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = (y0 + y) * image.width + x0 + x;
    inMask[y * w + x] = mask.data[p] > 0 ? 1 : 0;
    for (let c = 0; c < 3; c++) J[(y * w + x) * 3 + c] = image.data[p * 4 + c] / 255;
  }
  const B = harmonicFill(J, inMask, w, h);
  const inside: number[] = [];
  for (let i = 0; i < n; i++) if (inMask[i]) inside.push(i);
  const none: OneColourFit = { verdict: 'not-a-blend', opacity: 0, colour: [0, 0, 0], explained: 0, field: null };
  if (inside.length === 0) return none;

  // W: the grey level or deviation colour whose per-pixel projection explains the most.
  const dev = (i: number, c: number) => J[i * 3 + c] - B[i * 3 + c];
  const strong = inside.filter((i) => Math.hypot(dev(i, 0), dev(i, 1), dev(i, 2)) > 0.06);
  if (strong.length < 8) return none;
  const candidates: [number, number, number][] = [];
  for (let g = 0; g <= 1.001; g += 0.05) candidates.push([g, g, g]);
  const project = (i: number, W: readonly number[]) => {
    let num = 0;
    let den = 0;
    for (let c = 0; c < 3; c++) {
      const d = W[c] - B[i * 3 + c];
      num += dev(i, c) * d;
      den += d * d;
    }
    return den > 1e-4 ? num / den : 0;
  };
  const score = (W: readonly number[]) => {
    let total = 0;
    let residual = 0;
    for (const i of strong) {
      const a = Math.max(0, project(i, W));
      for (let c = 0; c < 3; c++) {
        const r = dev(i, c) - a * (W[c] - B[i * 3 + c]);
        total += dev(i, c) ** 2;
        residual += r * r;
      }
    }
    return total > 0 ? 1 - residual / total : 0;
  };
  let best = { W: candidates[0], s: -Infinity };
  for (const W of candidates) {
    const s = score(W);
    if (s > best.s) best = { W, s };
  }
  const alphas = strong.map((i) => project(i, best.W));
  const opacity = Math.min(1, Math.max(0, quantile(alphas, 0.75)));
  // W refined on the core, where α ≈ a: W = (J − (1 − a)·B) / a.
  const core = strong.filter((_, j) => alphas[j] > 0.6 * opacity);
  const colour = [0, 1, 2].map((c) =>
    opacity > 0.05 ? Math.min(1, Math.max(0, quantile(core.map((i) => (J[i * 3 + c] - (1 - opacity) * B[i * 3 + c]) / opacity), 0.5))) : best.W[c],
  ) as [number, number, number];
  const explained = score(colour);
  const verdict: BlendVerdict = explained < 0.7 ? 'not-a-blend' : opacity > 0.85 ? 'opaque' : 'overlay';
  if (verdict !== 'overlay') return { verdict, opacity, colour, explained, field: null };

  // α: the core keeps one opacity (so the texture under it survives the inversion); edges keep their own.
  const alphaHw = new Float32Array(n);
  for (const i of inside) {
    const a = project(i, colour);
    alphaHw[i] = a > 0.5 * opacity ? opacity : Math.max(0, a);
  }
  const field: MarkField = {
    colour,
    bounds: { x: x0, y: y0, width: w, height: h },
    alphaAt: (x, y) => alphaHw[(y - y0) * w + (x - x0)],
  };
  return { verdict, opacity, colour, explained, field };
}
