/** Crop and tile planning at full resolution: the model only ever sees crops. */
import { WmError } from './errors';
import { connectedComponents, createMask, maskBBox } from './mask';
import type { Mask, Rect } from './types';

export interface Tile {
  /** what the model sees: core + context, clipped to the image */
  input: Rect;
  /** the part whose output is pasted; cores never overlap and together cover every masked pixel */
  core: Rect;
}

export interface TilePlanOptions {
  marginPx: number;
  /** largest input side a model call takes, e.g. 512 */
  tile: number;
  sizeMultiple: number;
}

/**
 * Grid cell used to find marks. Labelling the full-resolution mask would need an
 * Int32 label per pixel (192 MB at 48 MP); a 32-px occupancy grid is ~47k cells
 * there, and per-cell pixel bounds keep the boxes exact. Pixels in 8-adjacent
 * cells are at most 2·cell − 2 apart per axis, so a cell ≤ margin never joins
 * marks the margin rule would keep apart; below 8 px we accept a little extra
 * merging rather than a near per-pixel grid.
 */
function cellSize(margin: number): number {
  return Math.min(32, Math.max(8, margin));
}

export function paddedSize(width: number, height: number, multiple: number): { width: number; height: number } {
  const m = Math.max(1, Math.floor(multiple));
  return { width: Math.ceil(width / m) * m, height: Math.ceil(height / m) * m };
}

/**
 * Cores: each group of marks closer than 2·margin is one box; a box whose input
 * (box + margin, clipped) fits the tile is one core, a larger one is split into a
 * grid of cores of side ≤ tile − 2·margin (tile rounded down to the multiple),
 * each shrunk to the marks it holds. Boxes do not overlap after merging, so
 * cores never overlap.
 *
 * Inputs: core + margin, clipped, then grown toward a multiple of sizeMultiple
 * where the image and the tile allow, so the model gets real context instead of
 * padding (the runner pads the rest: see paddedSize). paddedSize(input) never
 * exceeds `tile`.
 */
export function planTiles(mask: Mask, opts: TilePlanOptions): Tile[] {
  const margin = Math.floor(opts.marginPx);
  const tile = Math.floor(opts.tile);
  const multiple = Math.max(1, Math.floor(opts.sizeMultiple));
  if (!(margin >= 0) || !(tile >= 1)) {
    throw new WmError('E_BAD_OPTION', `Tile planning needs marginPx ≥ 0 and tile ≥ 1 (got ${opts.marginPx} and ${opts.tile}).`);
  }
  // Inputs stay within the largest multiple that fits the tile, so that the
  // runner's padding (paddedSize) never takes an input past `tile`.
  const side = multiple > 1 && tile >= multiple ? Math.floor(tile / multiple) * multiple : tile;
  const coreMax = side - 2 * margin;
  if (coreMax < 1) {
    throw new WmError('E_BAD_OPTION', `A ${side}-px tile leaves no room for a core inside a ${margin}-px margin.`);
  }
  const { width: W, height: H } = mask;
  const boxes = mergeBoxes(markBoxes(mask, cellSize(margin)), margin);
  const tiles: Tile[] = [];
  for (const box of boxes) {
    const input = expandClip(box, margin, W, H);
    if (input.width <= side && input.height <= side) {
      tiles.push({ core: box, input: growToMultiple(input, multiple, side, W, H) });
      continue;
    }
    const nx = Math.ceil(box.width / coreMax);
    const ny = Math.ceil(box.height / coreMax);
    for (let j = 0; j < ny; j++) {
      const y0 = box.y + Math.floor((j * box.height) / ny);
      const y1 = box.y + Math.floor(((j + 1) * box.height) / ny);
      for (let i = 0; i < nx; i++) {
        const x0 = box.x + Math.floor((i * box.width) / nx);
        const x1 = box.x + Math.floor(((i + 1) * box.width) / nx);
        const core = maskBBox(mask, { x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
        if (!core) continue;
        tiles.push({ core, input: growToMultiple(expandClip(core, margin, W, H), multiple, side, W, H) });
      }
    }
  }
  return tiles;
}

/** Exact pixel bounding boxes of the 8-connected groups of occupied grid cells. */
function markBoxes(mask: Mask, cell: number): Rect[] {
  const { width: W, height: H, data } = mask;
  const gw = Math.ceil(W / cell);
  const gh = Math.ceil(H / cell);
  const cells = gw * gh;
  const minX = new Int32Array(cells).fill(W);
  const maxX = new Int32Array(cells).fill(-1);
  const minY = new Int32Array(cells).fill(H);
  const maxY = new Int32Array(cells).fill(-1);
  const grid = createMask(gw, gh);
  for (let y = 0; y < H; y++) {
    const row = y * W;
    const cellRow = Math.floor(y / cell) * gw;
    for (let cx = 0; cx < gw; cx++) {
      const xs = cx * cell;
      const xe = Math.min(W, xs + cell);
      let first = -1;
      for (let x = xs; x < xe; x++) {
        if (data[row + x] !== 0) {
          first = x;
          break;
        }
      }
      if (first < 0) continue;
      let last = first;
      for (let x = xe - 1; x > first; x--) {
        if (data[row + x] !== 0) {
          last = x;
          break;
        }
      }
      const c = cellRow + cx;
      grid.data[c] = 255;
      if (first < minX[c]) minX[c] = first;
      if (last > maxX[c]) maxX[c] = last;
      if (y < minY[c]) minY[c] = y;
      maxY[c] = y;
    }
  }
  const { labels, components } = connectedComponents(grid);
  const n = components.length;
  const bx0 = new Int32Array(n + 1).fill(W);
  const bx1 = new Int32Array(n + 1).fill(-1);
  const by0 = new Int32Array(n + 1).fill(H);
  const by1 = new Int32Array(n + 1).fill(-1);
  for (let c = 0; c < cells; c++) {
    const id = labels[c];
    if (id === 0) continue;
    if (minX[c] < bx0[id]) bx0[id] = minX[c];
    if (maxX[c] > bx1[id]) bx1[id] = maxX[c];
    if (minY[c] < by0[id]) by0[id] = minY[c];
    if (maxY[c] > by1[id]) by1[id] = maxY[c];
  }
  const out: Rect[] = [];
  for (let id = 1; id <= n; id++) {
    out.push({ x: bx0[id], y: by0[id], width: bx1[id] - bx0[id] + 1, height: by1[id] - by0[id] + 1 });
  }
  return out;
}

/** Merges boxes until no two margin-expanded boxes overlap (gap < 2·margin on both axes). */
function mergeBoxes(input: Rect[], margin: number): Rect[] {
  let boxes = input.slice();
  const reach = 2 * margin;
  let changed = true;
  while (changed) {
    changed = false;
    boxes.sort((a, b) => a.x - b.x);
    const alive = new Uint8Array(boxes.length).fill(1);
    for (let i = 0; i < boxes.length; i++) {
      if (!alive[i]) continue;
      let a = boxes[i];
      // Sorted by x: once a box starts beyond a's reach, later ones do too.
      for (let j = i + 1; j < boxes.length && boxes[j].x - (a.x + a.width) < reach; j++) {
        if (!alive[j]) continue;
        const b = boxes[j];
        const gapY = Math.max(b.y - (a.y + a.height), a.y - (b.y + b.height));
        if (gapY >= reach) continue;
        const x0 = Math.min(a.x, b.x);
        const y0 = Math.min(a.y, b.y);
        const x1 = Math.max(a.x + a.width, b.x + b.width);
        const y1 = Math.max(a.y + a.height, b.y + b.height);
        a = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
        alive[j] = 0;
        changed = true;
      }
      boxes[i] = a;
    }
    boxes = boxes.filter((_, i) => alive[i] === 1);
  }
  return boxes.sort((a, b) => a.y - b.y || a.x - b.x);
}

function expandClip(r: Rect, margin: number, W: number, H: number): Rect {
  const x0 = Math.max(0, r.x - margin);
  const y0 = Math.max(0, r.y - margin);
  const x1 = Math.min(W, r.x + r.width + margin);
  const y1 = Math.min(H, r.y + r.height + margin);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

function growToMultiple(r: Rect, multiple: number, tile: number, W: number, H: number): Rect {
  if (multiple <= 1) return r;
  const [x, width] = growAxis(r.x, r.width, multiple, tile, W);
  const [y, height] = growAxis(r.y, r.height, multiple, tile, H);
  return { x, y, width, height };
}

/** Grows [start, start+len) to a multiple where it fits, centred, shifted back inside [0, limit). */
function growAxis(start: number, len: number, multiple: number, tile: number, limit: number): [number, number] {
  const target = Math.min(Math.ceil(len / multiple) * multiple, Math.floor(tile / multiple) * multiple, limit);
  if (target <= len) return [start, len];
  const s = Math.max(0, Math.min(start - Math.floor((target - len) / 2), limit - target));
  return [s, target];
}
