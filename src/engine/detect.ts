/**
 * Detection pipeline: every detector in the manifest sees the image resized to
 * its `maxSide`; their soft maps are combined by a per-pixel max at a common
 * detection resolution. Regions come from connected components of that map;
 * the full-resolution mask is made on demand (threshold, regions switched off,
 * dilation) so that adjusting the threshold never re-runs a model.
 */
import { throwIfAborted, WmError } from './errors';
import { connectedComponents, countMasked, createMask, maskBBox, upsampleThreshold } from './mask';
import { dilateMask } from './mask-morphology';
import type { ModelRunner, TensorF32 } from './runner';
import { detectorSize, resizeRgbaArea, rgbaToNchw, roundUp } from './tensor';
import { findBars } from './mark/bar';
import type { KnownMark } from './mark/remove';
import { unionMask } from './mark/instances';
import { triageRegions } from './triage/triage';
import type { FloatMap, KnownRegion, Mask, Rect, Region, RegionKind, RegionVerdict, RgbaImage } from './types';

export type { KnownRegion } from './types';

export interface Detection {
  /** Combined soft map at detection resolution, values in [0, 1]. */
  probability: FloatMap;
  /** Per-pixel kind index into KINDS at detection resolution. */
  kindIndex: Uint8Array;
  /** Full-resolution size of the image. */
  width: number;
  height: number;
  /** Per-pixel index into `unclips`: which detector gave the winning score. */
  sourceIndex: Uint8Array;
  /** Each detector's DB unclip ratio, in detector order. */
  unclips: number[];
  regions: Region[];
  /** Per region id: the detected core box (full resolution) and how far the unclip grows it. */
  cores: Map<number, { core: Rect; grow: number }>;
  backend: string;
  /** Regions whose mask is given outright (a known mark: see KnownRegion), by region id. */
  known?: Map<number, Mask>;
  /** Marks the detection found and removal should invert (footer and header bars, mark/bar.ts). */
  marks?: KnownMark[];
}

export const KINDS: RegionKind[] = ['text', 'logo', 'pattern'];

export interface DetectOptions {
  threshold: number;
  /** Long side of the common detection map; defaults to the largest detector maxSide. */
  mapSide?: number;
  /** Components smaller than this share of the map are ignored as noise. */
  minAreaShare?: number;
  /**
   * Triage each region (triage/): a verdict, and "probably content" switched off.
   * Default true; false gives the raw detector (benchmarks compare the two).
   */
  triage?: boolean;
  /** Marks known across the image (an accepted lattice): regions of their own, and evidence for triage. */
  known?: readonly KnownRegion[];
  /** Look for footer and header bars of one colour under the detected regions (default true). */
  bars?: boolean;
  /** The lattice search refused the picture's repeats as one pattern (mark/repeats.ts isPeriodicPicture): triage ignores placement. */
  periodicPicture?: boolean;
}

function outputOf(outputs: Record<string, TensorF32>, name: string, model: string): TensorF32 {
  const t = outputs[name];
  if (!t) throw new WmError('E_PROCESSING', `Model ${model} returned no output named "${name}".`);
  return t;
}

/** Sample a (1, C, oh, ow) plane bilinearly into a (mapW, mapH) grid covering the valid (vw, vh) part. */
function resamplePlane(
  t: TensorF32,
  channel: number,
  validW: number,
  validH: number,
  padW: number,
  padH: number,
  mapW: number,
  mapH: number,
): Float32Array {
  const [, , oh, ow] = t.dims;
  // The model may output at a stride (e.g. 1/4); scale the valid region accordingly.
  const fx = ow / padW;
  const fy = oh / padH;
  const srcW = validW * fx;
  const srcH = validH * fy;
  const out = new Float32Array(mapW * mapH);
  const base = channel * oh * ow;
  for (let y = 0; y < mapH; y++) {
    const sy = Math.min(oh - 1, Math.max(0, ((y + 0.5) * srcH) / mapH - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(oh - 1, y0 + 1);
    const wy = sy - y0;
    for (let x = 0; x < mapW; x++) {
      const sx = Math.min(ow - 1, Math.max(0, ((x + 0.5) * srcW) / mapW - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(ow - 1, x0 + 1);
      const wx = sx - x0;
      const a = t.data[base + y0 * ow + x0];
      const b = t.data[base + y0 * ow + x1];
      const c = t.data[base + y1 * ow + x0];
      const d = t.data[base + y1 * ow + x1];
      out[y * mapW + x] = (a * (1 - wx) + b * wx) * (1 - wy) + (c * (1 - wx) + d * wx) * wy;
    }
  }
  return out;
}

/**
 * Map raw detector output to a common score: the model's calibrated threshold
 * becomes 0.5, 0 and 1 stay put. Detectors of different kinds (a probability
 * map, an alpha regression) then share one UI threshold.
 */
export function calibrate(values: Float32Array, threshold: number): void {
  if (threshold === 0.5) return;
  const lo = 0.5 / threshold;
  const hi = 0.5 / (1 - threshold);
  for (let i = 0; i < values.length; i++) {
    const v = Math.min(1, Math.max(0, values[i]));
    values[i] = v < threshold ? v * lo : 0.5 + (v - threshold) * hi;
  }
}

export async function detect(
  image: RgbaImage,
  detectors: ModelRunner[],
  opts: DetectOptions,
  signal?: AbortSignal,
): Promise<Detection> {
  if (detectors.length === 0) throw new WmError('E_MODEL_MISSING', 'No detector model is installed.');
  const mapSide = opts.mapSide ?? Math.max(...detectors.map((d) => d.entry.maxSide ?? 1024));
  const map = detectorSize(image.width, image.height, mapSide);
  const probability = new Float32Array(map.width * map.height);
  const kindIndex = new Uint8Array(map.width * map.height);
  const sourceIndex = new Uint8Array(map.width * map.height);
  const unclips = detectors.map((d) => d.entry.unclip);
  let backend = '';
  // Resize once per distinct maxSide.
  const resized = new Map<number, RgbaImage>();

  for (let di = 0; di < detectors.length; di++) {
    const det = detectors[di];
    throwIfAborted(signal);
    const e = det.entry;
    const input = e.inputs.find((i) => i.meaning === 'image');
    const probOut = e.outputs.find((o) => o.meaning === 'probability' || o.meaning === 'alpha');
    if (!input || !probOut) {
      throw new WmError('E_MANIFEST_INVALID', `Detector ${e.id} needs an image input and a probability/alpha output.`);
    }
    const kindsOut = e.outputs.find((o) => o.meaning === 'kind-logits');
    const size = detectorSize(image.width, image.height, e.maxSide ?? 1024);
    const key = size.width * 100000 + size.height;
    let small = resized.get(key);
    if (!small) {
      small = resizeRgbaArea(image, size.width, size.height);
      resized.set(key, small);
    }
    const padW = roundUp(size.width, e.sizeMultiple);
    const padH = roundUp(size.height, e.sizeMultiple);
    const x = rgbaToNchw(small, { x: 0, y: 0, width: size.width, height: size.height }, padW, padH, input);
    const outputs = await det.run({ [input.name]: { data: x, dims: [1, 3, padH, padW] } }, signal);
    backend = det.backend;
    const prob = resamplePlane(outputOf(outputs, probOut.name, e.id), 0, size.width, size.height, padW, padH, map.width, map.height);
    calibrate(prob, e.threshold);

    const kinds = (e.kinds ?? ['text']).map((k) => KINDS.indexOf(k));
    let kindPlanes: Float32Array[] | null = null;
    if (kindsOut && kinds.length > 1) {
      const t = outputOf(outputs, kindsOut.name, e.id);
      kindPlanes = kinds.map((_, c) => resamplePlane(t, c, size.width, size.height, padW, padH, map.width, map.height));
    }
    for (let i = 0; i < probability.length; i++) {
      const p = prob[i];
      if (p > probability[i]) {
        probability[i] = p;
        let k = kinds[0];
        if (kindPlanes) {
          let best = -Infinity;
          for (let c = 0; c < kindPlanes.length; c++) {
            if (kindPlanes[c][i] > best) {
              best = kindPlanes[c][i];
              k = kinds[c];
            }
          }
        }
        kindIndex[i] = k;
        sourceIndex[i] = di;
      }
    }
  }

  const probabilityMap: FloatMap = { width: map.width, height: map.height, data: probability };
  const { regions, cores } = findRegions(
    probabilityMap,
    kindIndex,
    sourceIndex,
    unclips,
    image.width,
    image.height,
    opts.threshold,
    opts.minAreaShare ?? 2e-5,
  );
  const det: Detection = { probability: probabilityMap, kindIndex, sourceIndex, unclips, width: image.width, height: image.height, regions, cores, backend };
  if (opts.triage !== false) {
    throwIfAborted(signal);
    triageDetection(image, det, opts.threshold, opts.known, opts.periodicPicture);
  }
  // Footer and header bars that a detector region stands on: the whole bar, and a mark to invert (mark/bar.ts).
  const bars = opts.bars === false ? [] : findBars(image, det.regions, signal);
  addKnownRegions(det, [...(opts.known ?? []), ...bars.map((b) => b.region)]);
  if (bars.length) det.marks = bars.map((b) => ({ field: b.field, method: 'one-colour' }));
  return det;
}

/**
 * Triage (triage/) every region of a detection in place: a verdict each, and
 * "probably content" switched off. Each region is judged on its pixels of the
 * mask with every region on; known marks are repetition evidence.
 */
export function triageDetection(image: RgbaImage, det: Detection, threshold: number, known: readonly KnownRegion[] = [], periodicPicture = false): void {
  const regions = det.regions.filter((r) => !det.known?.has(r.id));
  if (regions.length === 0) return;
  const evidence = known.length ? known.slice(1).reduce((m, k) => unionMask(m, k.mask).mask, known[0].mask) : null;
  triageRegions(image, regions, detectionToMask(det, { threshold, disabledRegionIds: [], dilatePx: 0 }), evidence, periodicPicture);
}

/** Each known mark as a region of its own, first in the list, on by default (in place). */
export function addKnownRegions(det: Detection, known: readonly KnownRegion[]): void {
  let id = det.regions.reduce((m, r) => Math.max(m, r.id), 0);
  for (const k of known) {
    const box = maskBBox(k.mask);
    if (!box) continue;
    id++;
    det.regions.unshift({ id, kind: k.kind, confidence: k.confidence, box, area: countMasked(k.mask), enabled: true, verdict: k.verdict, reason: k.reason });
    (det.known ??= new Map()).set(id, k.mask);
  }
}

/**
 * Connected regions of the thresholded map, in full-resolution coordinates.
 * A region found by a DB-style text detector (PP-OCR marks a shrunk core of
 * each text line) grows by PaddleOCR's unclip rule, distance = ratio × area /
 * perimeter, so that the box covers the whole glyphs.
 */
export function findRegions(
  probability: FloatMap,
  kindIndex: Uint8Array,
  sourceIndex: Uint8Array,
  unclips: number[],
  width: number,
  height: number,
  threshold: number,
  minAreaShare: number,
): { regions: Region[]; cores: Map<number, { core: Rect; grow: number }> } {
  const bin: Mask = { width: probability.width, height: probability.height, data: new Uint8Array(probability.data.length) };
  for (let i = 0; i < bin.data.length; i++) bin.data[i] = probability.data[i] >= threshold ? 255 : 0;
  const { labels, components } = connectedComponents(bin);
  const n = components.length;
  const sources = Math.max(1, unclips.length);
  const sum = new Float64Array(n + 1);
  const votes = new Uint32Array((n + 1) * KINDS.length);
  const sourceVotes = new Uint32Array((n + 1) * sources);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l === 0) continue;
    sum[l] += probability.data[i];
    votes[l * KINDS.length + kindIndex[i]]++;
    sourceVotes[l * sources + sourceIndex[i]]++;
  }
  const sx = width / probability.width;
  const sy = height / probability.height;
  const minArea = Math.max(2, minAreaShare * probability.data.length);
  const regions: Region[] = [];
  const cores = new Map<number, { core: Rect; grow: number }>();
  for (const c of components) {
    if (c.area < minArea) continue;
    let kind = 0;
    for (let k = 1; k < KINDS.length; k++) if (votes[c.id * KINDS.length + k] > votes[c.id * KINDS.length + kind]) kind = k;
    let source = 0;
    for (let k = 1; k < sources; k++) if (sourceVotes[c.id * sources + k] > sourceVotes[c.id * sources + source]) source = k;
    const core = clampRect(
      { x: Math.floor(c.box.x * sx), y: Math.floor(c.box.y * sy), width: Math.ceil(c.box.width * sx), height: Math.ceil(c.box.height * sy) },
      width,
      height,
    );
    const area = c.area * sx * sy;
    const perimeter = 2 * (core.width + core.height);
    const grow = Math.round(((unclips[source] ?? 0) * area) / Math.max(1, perimeter));
    cores.set(c.id, { core, grow });
    regions.push({
      id: c.id,
      kind: KINDS[kind],
      confidence: sum[c.id] / c.area,
      box: clampRect({ x: core.x - grow, y: core.y - grow, width: core.width + 2 * grow, height: core.height + 2 * grow }, width, height),
      area: Math.round(area),
      enabled: true,
    });
  }
  regions.sort((a, b) => b.confidence - a.confidence);
  return { regions, cores };
}

/** Like mask.ts clipRect, but an empty overlap is a zero-size rect rather than null. */
function clampRect(r: Rect, width: number, height: number): Rect {
  const x0 = Math.max(0, Math.min(width, r.x));
  const y0 = Math.max(0, Math.min(height, r.y));
  const x1 = Math.max(x0, Math.min(width, r.x + r.width));
  const y1 = Math.max(y0, Math.min(height, r.y + r.height));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

export interface DetectionMaskOptions {
  threshold: number;
  /** Regions left out of the mask; by default those switched off (triage's "probably content"). */
  disabledRegionIds?: number[];
  dilatePx: number;
}

/**
 * The full-resolution mask for a detection: the soft map thresholded at full
 * resolution (bilinear), minus switched-off regions, each region dilated by its
 * unclip distance plus the user's extra pixels. Specks smaller than a region
 * are dropped: they are the detector's noise, not marks.
 */
export function detectionToMask(det: Detection, opts: DetectionMaskOptions): Mask {
  const { probability } = det;
  const off = opts.disabledRegionIds ?? det.regions.filter((r) => !r.enabled).map((r) => r.id);
  let map = probability;
  // A known mark's region has no blob in the map: switching it off only drops its own mask (below).
  const disabled = det.regions.filter((r) => off.includes(r.id) && !det.known?.has(r.id));
  if (disabled.length > 0) {
    const data = probability.data.slice();
    const sx = probability.width / det.width;
    const sy = probability.height / det.height;
    for (const r of disabled) {
      const x0 = Math.max(0, Math.floor(r.box.x * sx));
      const y0 = Math.max(0, Math.floor(r.box.y * sy));
      const x1 = Math.min(probability.width, Math.ceil((r.box.x + r.box.width) * sx));
      const y1 = Math.min(probability.height, Math.ceil((r.box.y + r.box.height) * sy));
      for (let y = y0; y < y1; y++) data.fill(0, y * probability.width + x0, y * probability.width + x1);
    }
    map = { width: probability.width, height: probability.height, data };
  }
  const thresholded = upsampleThreshold(map, opts.threshold, det.width, det.height);
  const out = createMask(det.width, det.height);
  const extra = Math.max(0, Math.round(opts.dilatePx));
  for (const r of det.regions) {
    if (off.includes(r.id)) continue;
    const info = det.cores.get(r.id);
    if (!info) continue;
    const grow = info.grow + extra;
    // The region's neighbourhood: its core, the growth, and a margin for the
    // bilinear threshold reaching a little past the low-resolution box.
    const pad = grow + Math.ceil(det.width / probability.width) + 1;
    const rect = clampRect(
      { x: info.core.x - pad, y: info.core.y - pad, width: info.core.width + 2 * pad, height: info.core.height + 2 * pad },
      det.width,
      det.height,
    );
    let crop = createMask(rect.width, rect.height);
    for (let y = 0; y < rect.height; y++) {
      const s0 = (rect.y + y) * det.width + rect.x;
      crop.data.set(thresholded.data.subarray(s0, s0 + rect.width), y * rect.width);
    }
    if (grow > 0) crop = dilateMask(crop, grow);
    for (let y = 0; y < rect.height; y++) {
      const o = (rect.y + y) * det.width + rect.x;
      const row = crop.data.subarray(y * rect.width, (y + 1) * rect.width);
      for (let x = 0; x < rect.width; x++) if (row[x] > out.data[o + x]) out.data[o + x] = row[x];
    }
  }
  for (const [id, known] of det.known ?? []) {
    if (off.includes(id)) continue;
    const grown = extra > 0 ? dilateMask(known, extra) : known;
    for (let i = 0; i < grown.data.length; i++) if (grown.data[i] > out.data[i]) out.data[i] = grown.data[i];
  }
  return out;
}
