/**
 * Pre- and post-processing between RGBA crops and NCHW float tensors, driven
 * by the manifest's TensorSpec (channel order, range, mean/std). The image is
 * never resampled here: crops go in at full resolution, padded by edge
 * replication up to the model's size multiple.
 */
import type { TensorSpec } from './model-spec';
import type { Mask, Rect, RgbaImage } from './types';

/** Crop `rect` of `image` into a (1, 3, padH, padW) tensor, edge-replicating past the rect. */
export function rgbaToNchw(image: RgbaImage, rect: Rect, padW: number, padH: number, spec: TensorSpec): Float32Array {
  const out = new Float32Array(3 * padW * padH); // (1, 3, padH, padW)
  const plane = padW * padH;
  const [lo, hi] = spec.range;
  const scale = (hi - lo) / 255;
  const mean = spec.mean ?? [0, 0, 0];
  const std = spec.std ?? [1, 1, 1];
  const bgr = spec.colorOrder === 'bgr';
  // Per output channel c: which RGBA channel feeds it.
  const src = bgr ? [2, 1, 0] : [0, 1, 2];
  const mul = [0, 1, 2].map((c) => scale / std[c]);
  const add = [0, 1, 2].map((c) => (lo - mean[c]) / std[c]);
  const w = image.width;
  const data = image.data;
  for (let y = 0; y < padH; y++) {
    const sy = rect.y + Math.min(y, rect.height - 1);
    const rowBase = sy * w;
    const outRow = y * padW;
    for (let x = 0; x < padW; x++) {
      const sx = rect.x + Math.min(x, rect.width - 1);
      const i = (rowBase + sx) * 4;
      const o = outRow + x;
      out[o] = data[i + src[0]] * mul[0] + add[0];
      out[plane + o] = data[i + src[1]] * mul[1] + add[1];
      out[2 * plane + o] = data[i + src[2]] * mul[2] + add[2];
    }
  }
  return out;
}

/** Crop `rect` of a mask into a (1, 1, padH, padW) tensor of 0/1 (any mask > 0 counts), zero-padded. */
export function maskToNchw(mask: Mask, rect: Rect, padW: number, padH: number): Float32Array {
  const out = new Float32Array(padW * padH);
  for (let y = 0; y < rect.height; y++) {
    const row = (rect.y + y) * mask.width + rect.x;
    const outRow = y * padW;
    for (let x = 0; x < rect.width; x++) out[outRow + x] = mask.data[row + x] > 0 ? 1 : 0;
  }
  return out;
}

/**
 * Read the top-left (width, height) of a (1, 3, padH, padW) tensor back into an
 * RGBA crop. Alpha is copied from `alphaSource` (the original image) so that
 * the remover never changes transparency.
 */
export function nchwToRgba(
  tensor: Float32Array,
  padW: number,
  padH: number,
  rect: Rect,
  spec: Pick<TensorSpec, 'range' | 'colorOrder'>,
  alphaSource: RgbaImage,
): Uint8ClampedArray {
  const out = new Uint8ClampedArray(rect.width * rect.height * 4);
  const plane = padW * padH;
  const [lo, hi] = spec.range;
  const k = 255 / (hi - lo);
  const bgr = spec.colorOrder === 'bgr';
  const dstOf = bgr ? [2, 1, 0] : [0, 1, 2];
  for (let y = 0; y < rect.height; y++) {
    const alphaRow = ((rect.y + y) * alphaSource.width + rect.x) * 4;
    for (let x = 0; x < rect.width; x++) {
      const t = y * padW + x;
      const o = (y * rect.width + x) * 4;
      // Uint8ClampedArray rounds half to even and clamps, which is what we want.
      out[o + dstOf[0]] = (tensor[t] - lo) * k;
      out[o + dstOf[1]] = (tensor[plane + t] - lo) * k;
      out[o + dstOf[2]] = (tensor[2 * plane + t] - lo) * k;
      out[o + 3] = alphaSource.data[alphaRow + x * 4 + 3];
    }
  }
  return out;
}

/**
 * Area-average downscale (box filter over the source footprint of each output
 * pixel) for the detector's input. Exact for integer factors, good for the
 * rest, O(source pixels). Upscaling falls back to nearest-neighbour, which the
 * detector never needs since we never enlarge.
 */
export function resizeRgbaArea(image: RgbaImage, outW: number, outH: number): RgbaImage {
  const { width: w, height: h, data } = image;
  if (outW === w && outH === h) return image;
  const out = new Uint8ClampedArray(outW * outH * 4);
  const sx = w / outW;
  const sy = h / outH;
  const acc = new Float64Array(outW * 4);
  const wsum = new Float64Array(outW);
  for (let oy = 0; oy < outH; oy++) {
    acc.fill(0);
    wsum.fill(0);
    const y0 = oy * sy;
    const y1 = Math.min(h, (oy + 1) * sy);
    for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
      const wy = Math.min(y + 1, y1) - Math.max(y, y0);
      if (wy <= 0) continue;
      const row = y * w * 4;
      for (let ox = 0; ox < outW; ox++) {
        const x0 = ox * sx;
        const x1 = Math.min(w, (ox + 1) * sx);
        for (let x = Math.floor(x0); x < Math.ceil(x1); x++) {
          const wx = Math.min(x + 1, x1) - Math.max(x, x0);
          if (wx <= 0) continue;
          const wgt = wx * wy;
          const i = row + x * 4;
          const a = ox * 4;
          acc[a] += data[i] * wgt;
          acc[a + 1] += data[i + 1] * wgt;
          acc[a + 2] += data[i + 2] * wgt;
          acc[a + 3] += data[i + 3] * wgt;
          wsum[ox] += wgt;
        }
      }
    }
    for (let ox = 0; ox < outW; ox++) {
      const o = (oy * outW + ox) * 4;
      const inv = 1 / wsum[ox];
      out[o] = acc[ox * 4] * inv;
      out[o + 1] = acc[ox * 4 + 1] * inv;
      out[o + 2] = acc[ox * 4 + 2] * inv;
      out[o + 3] = acc[ox * 4 + 3] * inv;
    }
  }
  return { width: outW, height: outH, data: out };
}

/** The size the detector sees: long side `maxSide` at most, never enlarged. */
export function detectorSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const s = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

export function roundUp(n: number, multiple: number): number {
  return Math.ceil(n / multiple) * multiple;
}

/** Copy a rectangle out of an image (rows are copied with TypedArray.set). */
export function cropRect(image: RgbaImage, rect: Rect): RgbaImage {
  const out = new Uint8ClampedArray(rect.width * rect.height * 4);
  for (let y = 0; y < rect.height; y++) {
    const s = ((rect.y + y) * image.width + rect.x) * 4;
    out.set(image.data.subarray(s, s + rect.width * 4), y * rect.width * 4);
  }
  return { width: rect.width, height: rect.height, data: out };
}
