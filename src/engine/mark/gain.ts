/** Per-image opacity gain of a placed mark (Dekel et al.'s per-image refinement, opacity part). */
import type { RgbaImage } from '../types';
import { invert } from './estimate';
import { templateField, type Placement } from './field';
import type { MarkTemplate } from './template';

/**
 * The opacity gain (0.85–1.15) whose inversion leaves the least gradient energy under
 * the mark in this image. Measured on the image's own pixels, with α sampled as
 * the inversion samples it, so a sub-pixel placement does not bias it.
 */
export function fitGain(image: RgbaImage, template: MarkTemplate, at: Placement): number {
  const energy = inversionEnergy(image, template, at);
  // One opacity is the rule for a mark; leave 1 unless another gain is clearly better.
  const e1 = energy(1);
  let best = { g: 1, e: e1 };
  for (let g = 0.85; g <= 1.1501; g += 0.05) {
    const e = energy(g);
    if (e < best.e) best = { g, e };
  }
  if (best.e > 0.92 * e1) return 1;
  const coarse = best.g;
  for (let g = coarse - 0.04; g <= coarse + 0.0401; g += 0.01) {
    const e = energy(g);
    if (e < best.e) best = { g, e };
  }
  return Math.round(best.g * 100) / 100;
}

/** True when inverting the mark at `at` removes at least a fifth of the gradient energy under it: the mark is there. */
export function inversionFlattens(image: RgbaImage, template: MarkTemplate, at: Placement): boolean {
  return inversionEnergyRatio(image, template, at) < 0.8;
}

/** Gradient energy under the placed mark after inverting it, over before (1 when there is none). */
export function inversionEnergyRatio(image: RgbaImage, template: MarkTemplate, at: Placement): number {
  const energy = inversionEnergy(image, template, at);
  const before = energy(0);
  return before > 0 ? energy(1) / before : 1;
}

/** Gradient energy (L1) under the placed mark after inverting it with α·gain, on the image's own pixels. */
function inversionEnergy(image: RgbaImage, template: MarkTemplate, at: Placement): (gain: number) => number {
  const base = templateField(template, { ...at, gain: 1 }, image);
  const b = base.bounds;
  const w = b.width;
  const pts: number[] = [];
  const alpha = new Float32Array(b.width * b.height);
  for (let y = 0; y < b.height; y++) for (let x = 0; x < w; x++) {
    alpha[y * w + x] = base.alphaAt(b.x + x, b.y + y);
    if (alpha[y * w + x] > 0.01 && x < w - 1 && y < b.height - 1) pts.push(x, y);
  }
  const colour = template.colour;
  const d = image.data;
  const value = (x: number, y: number, c: number, gain: number) =>
    invert(d[((b.y + y) * image.width + b.x + x) * 4 + c] / 255, Math.min(0.98, alpha[y * w + x] * gain), colour[c]);
  return (gain: number): number => {
    let e = 0;
    for (let k = 0; k < pts.length; k += 2) {
      const x = pts[k];
      const y = pts[k + 1];
      for (let c = 0; c < 3; c++) {
        const here = value(x, y, c, gain);
        e += Math.abs(value(x + 1, y, c, gain) - here) + Math.abs(value(x, y + 1, c, gain) - here);
      }
    }
    return e;
  };
}
