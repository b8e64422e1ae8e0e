/**
 * The "before" bytes of an open mask gesture, copy-on-write by tile (issue 10,
 * item 1): a tile is copied the first time the gesture is about to write into
 * it, so a brush dab on a 12 MP mask holds a few 4 KB tiles instead of a 12 MB
 * snapshot, and the diff at the end reads those tiles only. A whole-mask step
 * still copies every tile, as the snapshot did.
 */
import { clipRect } from './mask';
import type { Rect } from './types';

/** Tile side in pixels: 4 KB a tile, few enough tiles that a whole 48 MP mask is ~12k of them. */
export const GESTURE_TILE = 64;

export class GestureTiles {
  /** Tile index (row-major) → the tile's bytes at the gesture's start, row-major, clipped to the mask. */
  private readonly tiles = new Map<number, Uint8Array>();
  private held = 0;
  private readonly cols: number;

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly tile = GESTURE_TILE,
  ) {
    this.cols = Math.ceil(width / tile);
  }

  /** Bytes held by the copied tiles. */
  get bytes(): number {
    return this.held;
  }

  /** Copies every tile under `rect` (clipped to the mask) that is not held yet. Call before writing into `rect`. */
  willWrite(mask: Uint8Array, rect: Rect): void {
    const r = clipRect(rect, this.width, this.height);
    if (!r) return;
    const t = this.tile;
    const tx1 = Math.floor((r.x + r.width - 1) / t);
    const ty1 = Math.floor((r.y + r.height - 1) / t);
    for (let ty = Math.floor(r.y / t); ty <= ty1; ty++) {
      for (let tx = Math.floor(r.x / t); tx <= tx1; tx++) {
        const key = ty * this.cols + tx;
        if (this.tiles.has(key)) continue;
        const bytes = copyPatch(mask, this.width, this.tileRect(key));
        this.tiles.set(key, bytes);
        this.held += bytes.byteLength;
      }
    }
  }

  /** Writes every held tile back: the mask as it was at the gesture's start. */
  restore(mask: Uint8Array): void {
    for (const [key, bytes] of this.tiles) {
      const r = this.tileRect(key);
      for (let j = 0; j < r.height; j++) mask.set(bytes.subarray(j * r.width, (j + 1) * r.width), (r.y + j) * this.width + r.x);
    }
  }

  /** Bounding box of the pixels that differ from the gesture's start; only held tiles can differ. */
  changedBox(mask: Uint8Array): Rect | null {
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -1;
    let y1 = -1;
    for (const [key, before] of this.tiles) {
      const r = this.tileRect(key);
      for (let j = 0; j < r.height; j++) {
        const row = (r.y + j) * this.width + r.x;
        const b = j * r.width;
        let first = -1;
        for (let i = 0; i < r.width; i++) {
          if (mask[row + i] !== before[b + i]) {
            first = i;
            break;
          }
        }
        if (first < 0) continue;
        let last = first;
        for (let i = r.width - 1; i > first; i--) {
          if (mask[row + i] !== before[b + i]) {
            last = i;
            break;
          }
        }
        x0 = Math.min(x0, r.x + first);
        x1 = Math.max(x1, r.x + last);
        y0 = Math.min(y0, r.y + j);
        y1 = Math.max(y1, r.y + j);
      }
    }
    return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
  }

  /** The rect's bytes (row-major) as they were at the gesture's start: held tiles, else the mask (untouched there). */
  before(mask: Uint8Array, rect: Rect): Uint8Array {
    const out = copyPatch(mask, this.width, rect);
    const t = this.tile;
    const rx1 = rect.x + rect.width;
    const ry1 = rect.y + rect.height;
    for (let ty = Math.floor(rect.y / t); ty * t < ry1; ty++) {
      for (let tx = Math.floor(rect.x / t); tx * t < rx1; tx++) {
        const bytes = this.tiles.get(ty * this.cols + tx);
        if (!bytes) continue;
        const tr = this.tileRect(ty * this.cols + tx);
        const xa = Math.max(rect.x, tr.x);
        const xb = Math.min(rx1, tr.x + tr.width);
        const ya = Math.max(rect.y, tr.y);
        const yb = Math.min(ry1, tr.y + tr.height);
        for (let y = ya; y < yb; y++) {
          const s = (y - tr.y) * tr.width + (xa - tr.x);
          out.set(bytes.subarray(s, s + xb - xa), (y - rect.y) * rect.width + (xa - rect.x));
        }
      }
    }
    return out;
  }

  private tileRect(key: number): Rect {
    const t = this.tile;
    const x = (key % this.cols) * t;
    const y = Math.floor(key / this.cols) * t;
    return { x, y, width: Math.min(t, this.width - x), height: Math.min(t, this.height - y) };
  }
}

/** The rect's bytes of a row-major plane `stride` wide, row-major (a copy). */
export function copyPatch(src: Uint8Array, stride: number, r: Rect): Uint8Array {
  const out = new Uint8Array(r.width * r.height);
  for (let j = 0; j < r.height; j++) {
    const s = (r.y + j) * stride + r.x;
    out.set(src.subarray(s, s + r.width), j * r.width);
  }
  return out;
}
