/**
 * A saved mark: one PNG whose RGB is W and whose alpha is α (16 bits per channel,
 * so α keeps 1/65535 steps), plus a small JSON sidecar. fast-png encodes and
 * decodes it in pure JS, the same in the worker and in Node. For the user's own
 * marks: nothing here ships or looks up third-party templates.
 */
import { decode, encode } from 'fast-png';
import { WmError } from '../errors';

export interface MarkTemplate {
  width: number;
  height: number;
  /** α per pixel, (h, w), in [0, 1]. */
  alphaHw: Float32Array;
  /** W, RGB in [0, 1]. */
  colour: [number, number, number];
}

export interface MarkSidecar {
  format: 'unmark-mark';
  version: 1;
  width: number;
  height: number;
  colour: [number, number, number];
  /** Median α of the mark's core. */
  opacity: number;
  /** How it was learned, for the user's records. */
  source?: { method: 'shared' | 'repeats' | 'fit'; images?: number };
}

const MAX_SIDE = 4096;

export function encodeMarkPng(mark: MarkTemplate): Uint8Array {
  const n = mark.width * mark.height;
  const data = new Uint16Array(n * 4);
  const rgb = mark.colour.map((c) => Math.round(Math.min(1, Math.max(0, c)) * 65535));
  for (let i = 0; i < n; i++) {
    data[i * 4] = rgb[0];
    data[i * 4 + 1] = rgb[1];
    data[i * 4 + 2] = rgb[2];
    data[i * 4 + 3] = Math.round(Math.min(1, Math.max(0, mark.alphaHw[i])) * 65535);
  }
  return encode({ width: mark.width, height: mark.height, data, depth: 16, channels: 4 });
}

export function markSidecar(mark: MarkTemplate, source?: MarkSidecar['source']): MarkSidecar {
  const core = Array.from(mark.alphaHw).filter((a) => a > 0.02).sort((a, b) => a - b);
  return {
    format: 'unmark-mark',
    version: 1,
    width: mark.width,
    height: mark.height,
    colour: mark.colour.map((c) => Math.round(c * 1e4) / 1e4) as [number, number, number],
    opacity: core.length ? Math.round(core[Math.floor(core.length * 0.75)] * 1e4) / 1e4 : 0,
    ...(source ? { source } : {}),
  };
}

/** Reads a mark PNG (8- or 16-bit, RGBA or grey+alpha). The colour is the α-weighted mean of RGB. */
export function decodeMarkPng(bytes: Uint8Array): MarkTemplate {
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes);
  } catch (e) {
    throw new WmError('E_MARK_INVALID', 'This mark file is not a readable PNG.', { cause: e });
  }
  const { width, height, channels, depth } = png;
  if (channels !== 4 && channels !== 2) throw new WmError('E_MARK_INVALID', 'A mark PNG needs an alpha channel (α of the mark).');
  if (width > MAX_SIDE || height > MAX_SIDE) throw new WmError('E_MARK_INVALID', `A mark may be at most ${MAX_SIDE} px on a side.`);
  const max = depth === 16 ? 65535 : depth === 8 ? 255 : 0;
  if (!max) throw new WmError('E_MARK_INVALID', `Unsupported bit depth ${depth} in the mark PNG.`);
  const src = png.data as ArrayLike<number>;
  const n = width * height;
  const alphaHw = new Float32Array(n);
  const sum = [0, 0, 0];
  let weight = 0;
  for (let i = 0; i < n; i++) {
    const a = src[i * channels + channels - 1] / max;
    alphaHw[i] = a;
    for (let c = 0; c < 3; c++) sum[c] += a * (src[i * channels + (channels === 4 ? c : 0)] / max);
    weight += a;
  }
  if (weight <= 0) throw new WmError('E_MARK_INVALID', 'This mark PNG is fully transparent: it holds no mark.');
  return { width, height, alphaHw, colour: [sum[0] / weight, sum[1] / weight, sum[2] / weight] };
}
