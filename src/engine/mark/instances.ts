/**
 * What the app needs around the estimators: a mark's α-support as a mask, the
 * union of two masks, α as a grey picture, one whole instance of a lattice cut
 * out as a template (to save it), and "find all like this" for a selection that
 * is no lattice: fit one colour in the selection, then find the same template
 * again and again, inverting each instance found so the next search sees past it.
 */
import { throwIfAborted, WmError } from '../errors';
import { countMasked } from '../mask';
import { dilateMask } from '../mask-morphology';
import { componentBoxesByLevel } from '../mask-components';
import { dilationLevels } from '../mask-morphology';
import type { KnownRegion, Mask, Rect, RgbaImage } from '../types';
import { templateField, type MarkField, type Placement } from './field';
import { ALPHA_MIN, invertMarks } from './invert';
import { locateMark } from './locate';
import { fitOneColour } from './single';
import type { RepeatsResult } from './repeats';
import type { MarkTemplate } from './template';

/** 255 wherever the field's α ≥ alphaMin, 0 elsewhere (only the field's bounds are read). */
export function fieldMask(field: MarkField, width: number, height: number, alphaMin = ALPHA_MIN, window?: Rect): Mask {
  // `window`: only that part of the image, as a mask of the window's size.
  const wx = window?.x ?? 0;
  const wy = window?.y ?? 0;
  const mw = window?.width ?? width;
  const mh = window?.height ?? height;
  const data = new Uint8Array(mw * mh);
  const b = field.bounds;
  const x1 = Math.min(width, wx + mw, b.x + b.width);
  const y1 = Math.min(height, wy + mh, b.y + b.height);
  const x0 = Math.max(0, wx, b.x);
  // A lattice gives α a row at a time (field.ts): the same values, without a call per pixel.
  const row = field.alphaRow ? new Float32Array(Math.max(0, x1 - x0)) : null;
  for (let y = Math.max(0, wy, b.y); y < y1; y++) {
    const o = (y - wy) * mw - wx;
    if (row) {
      field.alphaRow!(y, x0, x1, row);
      for (let x = x0; x < x1; x++) if (row[x - x0] >= alphaMin) data[o + x] = 255;
    } else {
      for (let x = x0; x < x1; x++) if (field.alphaAt(x, y) >= alphaMin) data[o + x] = 255;
    }
  }
  return { width: mw, height: mh, data };
}

/**
 * An accepted lattice as a detection region (engine/detect.ts KnownRegion): its
 * α-support, kind "pattern", verdict "overlay"; null when none was accepted.
 */
export function latticeRegion(r: RepeatsResult | null | undefined, width: number, height: number): KnownRegion | null {
  if (!r?.accepted || !r.field || !r.estimate) return null;
  const mask = fieldMask(r.field, width, height);
  if (countMasked(mask) === 0) return null;
  return {
    mask,
    kind: 'pattern',
    // The share of the predicted repeats that the autocorrelation confirmed.
    confidence: Math.max(0, Math.min(1, r.search.hitRate)),
    verdict: 'overlay',
    reason: `tiled mark: ${r.estimate.diagnostics.instances} repeats on a lattice, opacity ${Math.round(r.estimate.opacity * 100)} %; removal inverts it`,
  };
}

/** base ∪ add (max per pixel) and how many pixels were not masked before. */
export function unionMask(base: Mask, add: Mask): { mask: Mask; added: number } {
  if (base.width !== add.width || base.height !== add.height) {
    throw new WmError('E_MASK_MISMATCH', `The mask is ${base.width}×${base.height} but the mark's is ${add.width}×${add.height}.`);
  }
  const data = base.data.slice();
  let added = 0;
  for (let i = 0; i < data.length; i++) {
    if (add.data[i] > data[i]) {
      if (data[i] === 0) added++;
      data[i] = add.data[i];
    }
  }
  return { mask: { width: base.width, height: base.height, data }, added };
}

/** α as an opaque grey picture, stretched so the largest α is white (the opacity is shown beside it). */
export function alphaPreviewRgba(mark: { width: number; height: number; alphaHw: Float32Array }): RgbaImage {
  const n = mark.width * mark.height;
  let top = 0;
  for (let i = 0; i < n; i++) top = Math.max(top, mark.alphaHw[i]);
  const k = top > 0 ? 255 / top : 0;
  const data = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    const g = mark.alphaHw[i] * k;
    data[i * 4] = g;
    data[i * 4 + 1] = g;
    data[i * 4 + 2] = g;
    data[i * 4 + 3] = 255;
  }
  return { width: mark.width, height: mark.height, data };
}

/**
 * One whole instance of a field that covers the image (a lattice), cut out as a
 * template: the α-support is grown until the parts of one mark join (a ring, a
 * word) but stops before one cluster would exceed `cellArea` (one lattice cell);
 * the cluster nearest the centre that does not touch the border wins.
 */
export function fieldInstance(field: MarkField, width: number, height: number, cellArea = Infinity, reach: number | readonly [number, number] = Infinity): { template: MarkTemplate; box: Rect } | null {
  // Within `reach` of the centre first (one half-size, or one per axis): a 12 MP picture's six
  // dilations and labellings cost about a second. The whole picture if none is whole there.
  const [rx, ry] = typeof reach === 'number' ? [reach, reach] : reach;
  const near = rx < width / 2 || ry < height / 2;
  const best = (near && wholeInstance(field, width, height, cellArea, centredWindow(width, height, rx, ry))) || wholeInstance(field, width, height, cellArea);
  if (!best) return null;
  const box = { x: Math.max(0, best.x - 1), y: Math.max(0, best.y - 1), width: 0, height: 0 };
  box.width = Math.min(width, best.x + best.width + 1) - box.x;
  box.height = Math.min(height, best.y + best.height + 1) - box.y;
  const alphaHw = new Float32Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) for (let x = 0; x < box.width; x++) alphaHw[y * box.width + x] = field.alphaAt(box.x + x, box.y + y);
  return { template: { width: box.width, height: box.height, alphaHw, colour: field.colour }, box };
}

/**
 * Half-sizes of a centred window that holds a whole instance of a lattice mark grown by up to `grow` px,
 * when the instance's box is no larger than the cell's, (|v1x| + |v2x|) × (|v1y| + |v2y|): any window
 * of the cell's box holds one instance's corner, and the instance with its growth fits beside it; 2 px
 * more keep it off the window's border. (A mark wider than its cell, a long diagonal stripe, finds none
 * there, and fieldInstance searches the whole picture.)
 */
export function latticeReach(v1: readonly [number, number], v2: readonly [number, number], grow = GROWS[GROWS.length - 1]): [number, number] {
  return [Math.abs(v1[0]) + Math.abs(v2[0]) + grow + 2, Math.abs(v1[1]) + Math.abs(v2[1]) + grow + 2];
}

function centredWindow(width: number, height: number, rx: number, ry: number): Rect {
  const x = Math.max(0, Math.floor(width / 2 - rx));
  const y = Math.max(0, Math.floor(height / 2 - ry));
  return { x, y, width: Math.min(width, Math.ceil(width / 2 + rx)) - x, height: Math.min(height, Math.ceil(height / 2 + ry)) - y };
}

/**
 * The α-support grown until the parts of one mark join, in `window` (default the
 * image): the box, in image pixels, of the cluster nearest the image's centre
 * that does not touch the window's border; null if none.
 */
/** The α-support's growths tried by wholeInstance, px. */
const GROWS = [0, 2, 4, 8, 16, 32];

function wholeInstance(field: MarkField, width: number, height: number, cellArea: number, window?: Rect): Rect | null {
  const support = fieldMask(field, width, height, ALPHA_MIN, window);
  const { width: mw, height: mh } = support;
  const ox = window?.x ?? 0;
  const oy = window?.y ?? 0;
  let best: Rect | null = null;
  // Each growth is a threshold of one distance transform (dilateMask by each radius, without six
  // transforms), and the components of every threshold come from one union-find (not six labellings).
  const levels = dilationLevels(support, GROWS.slice(1));
  componentBoxesByLevel(levels, mw, mh, GROWS.length - 1, (k, boxes) => {
    const grow = GROWS[k];
    const whole = boxes.filter((b) => b.x > 0 && b.y > 0 && b.x + b.width < mw && b.y + b.height < mh);
    if (whole.length === 0) return false;
    const dist = (r: Rect) => Math.hypot(ox + r.x + r.width / 2 - width / 2, oy + r.y + r.height / 2 - height / 2);
    const pick = whole.sort((a, b) => dist(a) - dist(b))[0];
    if (best && pick.width * pick.height > cellArea) return false;
    best = { x: ox + pick.x + grow, y: oy + pick.y + grow, width: pick.width - 2 * grow, height: pick.height - 2 * grow };
    return true;
  });
  const found = best as Rect | null;
  return found && found.width > 0 && found.height > 0 ? found : null;
}

export interface LikeResult {
  template: MarkTemplate;
  /** The selected instance first, then each one found, in order of discovery. */
  placements: Placement[];
  /** Match score of each placement after the first. */
  scores: number[];
  /** α-support of every instance (grown by `growPx`). */
  mask: Mask;
  opacity: number;
}

export interface LikeOptions {
  maxInstances?: number;
  /** A match below this normalised correlation ends the search. */
  minScore?: number;
  growPx?: number;
}

/**
 * "Find all like this" without a lattice: the one-colour fit of the selection
 * gives α inside it; that template is then located, inverted and located again
 * until the match is weak, overlaps an instance already found, or `maxInstances`.
 */
export function findAllLike(image: RgbaImage, selection: Mask, box: Rect, opts: LikeOptions = {}, signal?: AbortSignal): LikeResult {
  const fit = fitOneColour(image, selection, box);
  if (!fit.field) {
    const why = fit.verdict === 'opaque' ? 'the mark there is opaque, so it cannot be learned from one copy' : 'what is there is not one semi-transparent colour over the picture';
    throw new WmError('E_MARK_NOT_FOUND', `No mark could be learned from the selection: ${why}.`);
  }
  const template = trimTemplate(fit.field, fit.opacity);
  if (!template) throw new WmError('E_MARK_NOT_FOUND', 'No mark could be learned from the selection: it holds no clear mark.');
  const first: Placement = { x: template.x, y: template.y, scale: 1, gain: 1 };
  const placements: Placement[] = [first];
  const scores: number[] = [];
  let working = invertMarks(image, [templateField(template.mark, first, image)], { limit: selection }).image;
  const max = opts.maxInstances ?? 24;
  const minScore = opts.minScore ?? 0.45;
  while (placements.length < max) {
    throwIfAborted(signal);
    const found = locateMark(working, template.mark, signal);
    if (!found || found.score < minScore) break;
    const at = found.placement;
    const w = template.mark.width * at.scale;
    const h = template.mark.height * at.scale;
    const clash = placements.some((p) => Math.abs(p.x - at.x) < w * 0.5 && Math.abs(p.y - at.y) < h * 0.5);
    if (clash) break;
    placements.push(at);
    scores.push(found.score);
    working = invertMarks(working, [templateField(template.mark, at, image)]).image;
  }
  const { width, height } = image;
  let mask: Mask = { width, height, data: new Uint8Array(width * height) };
  for (const p of placements) mask = unionMask(mask, fieldMask(templateField(template.mark, p, image), width, height)).mask;
  if (opts.growPx ?? 1) mask = dilateMask(mask, opts.growPx ?? 1);
  return { template: template.mark, placements, scores, mask, opacity: fit.opacity };
}

/** The fit's α over its crop, with the faint noise around the mark dropped and the crop trimmed to what is left. */
function trimTemplate(field: MarkField, opacity: number): { mark: MarkTemplate; x: number; y: number } | null {
  const b = field.bounds;
  const floor = Math.max(ALPHA_MIN, 0.1 * opacity);
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  for (let y = b.y; y < b.y + b.height; y++) {
    for (let x = b.x; x < b.x + b.width; x++) {
      if (!(field.alphaAt(x, y) >= floor)) continue;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  }
  if (x1 < 0) return null;
  const w = x1 - x0 + 3;
  const h = y1 - y0 + 3;
  const alphaHw = new Float32Array(w * h);
  for (let y = 0; y < h - 2; y++) {
    for (let x = 0; x < w - 2; x++) {
      const a = field.alphaAt(x0 + x, y0 + y);
      alphaHw[(y + 1) * w + x + 1] = a >= floor ? a : 0;
    }
  }
  return { mark: { width: w, height: h, alphaHw, colour: field.colour }, x: x0 - 1, y: y0 - 1 };
}
