/**
 * Detection pipeline: every detector in the manifest sees the image resized to
 * its `maxSide`; their soft maps are combined by a per-pixel max at a common
 * detection resolution. Regions come from connected components of that map;
 * the full-resolution mask is made on demand (threshold, regions switched off,
 * dilation) so that adjusting the threshold never re-runs a model.
 */
import { throwIfAborted, WmError } from './errors';
import { connectedComponents, dilateMask, upsampleThreshold } from './mask';
import type { ModelRunner, TensorF32 } from './runner';
import { detectorSize, resizeRgbaArea, rgbaToNchw, roundUp } from './tensor';
import type { FloatMap, Mask, Rect, Region, RegionKind, RgbaImage } from './types';

export interface Detection {
  /** Combined soft map at detection resolution, values in [0, 1]. */
  probability: FloatMap;
  /** Per-pixel kind index into KINDS at detection resolution. */
  kindIndex: Uint8Array;
  /** Full-resolution size of the image. */
  width: number;
  height: number;
  /** Grow regions by this fraction of their short side (largest `unclip` among detectors that fired). */
  unclip: number;
  regions: Region[];
  backend: string;
}

export const KINDS: RegionKind[] = ['text', 'logo', 'pattern'];

export interface DetectOptions {
  threshold: number;
  /** Long side of the common detection map; defaults to the largest detector maxSide. */
  mapSide?: number;
  /** Components smaller than this share of the map are ignored as noise. */
  minAreaShare?: number;
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
  let unclip = 0;
  let backend = '';
  // Resize once per distinct maxSide.
  const resized = new Map<number, RgbaImage>();

  for (const det of detectors) {
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
    let fired = false;
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
        if (p >= opts.threshold) fired = true;
      }
    }
    if (fired) unclip = Math.max(unclip, e.unclip);
  }

  const probabilityMap: FloatMap = { width: map.width, height: map.height, data: probability };
  const regions = findRegions(probabilityMap, kindIndex, image.width, image.height, opts.threshold, unclip, opts.minAreaShare ?? 2e-5);
  return { probability: probabilityMap, kindIndex, width: image.width, height: image.height, unclip, regions, backend };
}

/** Connected regions of the thresholded map, in full-resolution coordinates, unclipped. */
export function findRegions(
  probability: FloatMap,
  kindIndex: Uint8Array,
  width: number,
  height: number,
  threshold: number,
  unclip: number,
  minAreaShare: number,
): Region[] {
  const bin: Mask = { width: probability.width, height: probability.height, data: new Uint8Array(probability.data.length) };
  for (let i = 0; i < bin.data.length; i++) bin.data[i] = probability.data[i] >= threshold ? 255 : 0;
  const { labels, components } = connectedComponents(bin);
  const n = components.length;
  const sum = new Float64Array(n + 1);
  const votes = new Uint32Array((n + 1) * KINDS.length);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l === 0) continue;
    sum[l] += probability.data[i];
    votes[l * KINDS.length + kindIndex[i]]++;
  }
  const sx = width / probability.width;
  const sy = height / probability.height;
  const minArea = Math.max(2, minAreaShare * probability.data.length);
  const regions: Region[] = [];
  for (const c of components) {
    if (c.area < minArea) continue;
    let kind = 0;
    for (let k = 1; k < KINDS.length; k++) if (votes[c.id * KINDS.length + k] > votes[c.id * KINDS.length + kind]) kind = k;
    const grow = Math.round(unclip * Math.min(c.box.width * sx, c.box.height * sy));
    const box = clipRect(
      {
        x: Math.floor(c.box.x * sx) - grow,
        y: Math.floor(c.box.y * sy) - grow,
        width: Math.ceil(c.box.width * sx) + 2 * grow,
        height: Math.ceil(c.box.height * sy) + 2 * grow,
      },
      width,
      height,
    );
    regions.push({
      id: c.id,
      kind: KINDS[kind],
      confidence: sum[c.id] / c.area,
      box,
      area: Math.round(c.area * sx * sy),
      enabled: true,
    });
  }
  regions.sort((a, b) => b.confidence - a.confidence);
  return regions;
}

export function clipRect(r: Rect, width: number, height: number): Rect {
  const x0 = Math.max(0, Math.min(width, r.x));
  const y0 = Math.max(0, Math.min(height, r.y));
  const x1 = Math.max(x0, Math.min(width, r.x + r.width));
  const y1 = Math.max(y0, Math.min(height, r.y + r.height));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

export interface DetectionMaskOptions {
  threshold: number;
  disabledRegionIds: number[];
  dilatePx: number;
}

/**
 * The full-resolution mask for a detection: the soft map thresholded at full
 * resolution (bilinear), minus switched-off regions, dilated by the detector's
 * unclip (DB-style text maps mark a shrunk core) plus the user's extra pixels.
 */
export function detectionToMask(det: Detection, opts: DetectionMaskOptions): Mask {
  const { probability } = det;
  let map = probability;
  const disabled = det.regions.filter((r) => opts.disabledRegionIds.includes(r.id));
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
  let mask = upsampleThreshold(map, opts.threshold, det.width, det.height);
  const active = det.regions.filter((r) => !opts.disabledRegionIds.includes(r.id));
  let grow = Math.max(0, opts.dilatePx);
  if (det.unclip > 0 && active.length > 0) {
    // Median short side of the regions, before their own unclip growth.
    const sides = active.map((r) => Math.min(r.box.width, r.box.height) / (1 + 2 * det.unclip)).sort((a, b) => a - b);
    grow += Math.round(det.unclip * sides[Math.floor(sides.length / 2)]);
  }
  if (grow > 0) mask = dilateMask(mask, grow);
  return mask;
}
