/**
 * A mark placed on an image: where its α is, and its colour W. Two kinds share
 * one interface, so inversion does not care where the estimate came from: a
 * lattice (one periodic cell repeated over the whole image) and a template
 * placed at a sub-pixel position and scale (a batch, a saved mark).
 */
import type { Rect } from '../types';
import type { Lattice } from './lattice';

export interface MarkField {
  /** W, RGB in [0, 1]. */
  colour: [number, number, number];
  /** Pixels outside this rectangle have α = 0. */
  bounds: Rect;
  /** α at an integer pixel of the image. */
  alphaAt(x: number, y: number): number;
  /** Optional fast path: out[k] = alphaAt(x0 + k, y) for x0 ≤ x0 + k < x1 (a 12 MP inversion reads every pixel). */
  alphaRow?(y: number, x0: number, x1: number, out: Float32Array): void;
}

/** Bilinear α on a (h, w) grid; `wrap` for a periodic cell, else 0 outside. */
export function gridAlpha(alphaHw: Float32Array, w: number, h: number, u: number, v: number, wrap: boolean): number {
  let x0 = Math.floor(u);
  let y0 = Math.floor(v);
  const ax = u - x0;
  const ay = v - y0;
  let x1 = x0 + 1;
  let y1 = y0 + 1;
  if (wrap) {
    x0 = ((x0 % w) + w) % w;
    y0 = ((y0 % h) + h) % h;
    x1 = (x0 + 1) % w;
    y1 = (y0 + 1) % h;
  } else if (x0 < -1 || y0 < -1 || x0 >= w || y0 >= h) {
    return 0;
  }
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= w || y >= h ? 0 : alphaHw[y * w + x]);
  return (1 - ay) * ((1 - ax) * at(x0, y0) + ax * at(x1, y0)) + ay * ((1 - ax) * at(x0, y1) + ax * at(x1, y1));
}

/** One periodic cell of a lattice: α on a (height, width) grid, grid point (a, b) at origin + (a/width)·v1 + (b/height)·v2. */
export interface LatticeCell {
  alphaHw: Float32Array;
  width: number;
  height: number;
  colour: [number, number, number];
}

/** The cell of a lattice placed on the whole image. */
export function latticeField(
  lattice: Lattice,
  cell: LatticeCell,
  image: { width: number; height: number },
): MarkField {
  const [ax, ay] = lattice.v1;
  const [bx, by] = lattice.v2;
  const det = ax * by - ay * bx;
  const [ox, oy] = lattice.origin;
  return {
    colour: cell.colour,
    bounds: { x: 0, y: 0, width: image.width, height: image.height },
    alphaAt(x, y) {
      const rx = x - ox;
      const ry = y - oy;
      const s = (by * rx - bx * ry) / det;
      const t = (-ay * rx + ax * ry) / det;
      return wrappedBilinear(cell.alphaHw, cell.width, cell.height, (s - Math.floor(s)) * cell.width, (t - Math.floor(t)) * cell.height);
    },
    alphaRow(y, x0, x1, out) {
      const ry = y - oy;
      for (let x = x0; x < x1; x++) {
        const rx = x - ox;
        const s = (by * rx - bx * ry) / det;
        const t = (-ay * rx + ax * ry) / det;
        out[x - x0] = wrappedBilinear(cell.alphaHw, cell.width, cell.height, (s - Math.floor(s)) * cell.width, (t - Math.floor(t)) * cell.height);
      }
    },
  };
}

/**
 * gridAlpha(…, wrap = true) for u in [0, w), v in [0, h), without the general
 * case's modulo and closure: a 12 MP lattice inversion calls it per pixel.
 */
function wrappedBilinear(alphaHw: Float32Array, w: number, h: number, u: number, v: number): number {
  const x0 = Math.min(w - 1, Math.floor(u));
  const y0 = Math.min(h - 1, Math.floor(v));
  const ax = u - x0;
  const ay = v - y0;
  const x1 = x0 + 1 === w ? 0 : x0 + 1;
  const r0 = y0 * w;
  const r1 = y0 + 1 === h ? 0 : r0 + w;
  return (1 - ay) * ((1 - ax) * alphaHw[r0 + x0] + ax * alphaHw[r0 + x1]) + ay * ((1 - ax) * alphaHw[r1 + x0] + ax * alphaHw[r1 + x1]);
}

/** The pixel-exact cell of an integer lattice with basis (a, 0), (b, c): pixel (x, y) reads cell (x − ⌊y/c⌋·b mod a, y mod c). */
export function pixelLatticeField(
  hnf: { a: number; b: number; c: number },
  cell: { alphaHw: Float32Array; colour: [number, number, number] },
  image: { width: number; height: number },
): MarkField {
  const { a, b, c } = hnf;
  return {
    colour: cell.colour,
    bounds: { x: 0, y: 0, width: image.width, height: image.height },
    alphaAt(x, y) {
      const j = Math.floor(y / c);
      const cx = (((x - j * b) % a) + a) % a;
      return cell.alphaHw[(y - j * c) * a + cx];
    },
    alphaRow(y, x0, x1, out) {
      const j = Math.floor(y / c);
      const row = (y - j * c) * a;
      let cx = (((x0 - j * b) % a) + a) % a;
      // The row of the cell, repeated: copied a run at a time (a 12 MP inversion reads every row).
      for (let k = 0, n = x1 - x0; k < n; ) {
        const run = Math.min(a - cx, n - k);
        out.set(cell.alphaHw.subarray(row + cx, row + cx + run), k);
        k += run;
        cx = 0;
      }
    },
  };
}

/** Where a template sits: its top-left corner in image pixels (sub-pixel), its scale and an opacity gain. */
export interface Placement {
  x: number;
  y: number;
  scale: number;
  gain: number;
}

export function templateField(
  mark: { alphaHw: Float32Array; width: number; height: number; colour: [number, number, number] },
  at: Placement,
  image: { width: number; height: number },
): MarkField {
  const x0 = Math.max(0, Math.floor(at.x) - 1);
  const y0 = Math.max(0, Math.floor(at.y) - 1);
  const x1 = Math.min(image.width, Math.ceil(at.x + mark.width * at.scale) + 1);
  const y1 = Math.min(image.height, Math.ceil(at.y + mark.height * at.scale) + 1);
  return {
    colour: mark.colour,
    bounds: { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) },
    alphaAt(x, y) {
      const a = gridAlpha(mark.alphaHw, mark.width, mark.height, (x - at.x) / at.scale, (y - at.y) / at.scale, false);
      return Math.min(0.995, a * at.gain);
    },
  };
}
