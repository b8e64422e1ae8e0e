import { describe, expect, it } from 'vitest';
import { createMask, fillRect } from './mask';
import { paddedSize, planTiles, type Tile, type TilePlanOptions } from './plan';
import type { Mask, Rect } from './types';

function contains(outer: Rect, inner: Rect): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

/** Checks every invariant the pipeline relies on. */
function checkPlan(mask: Mask, tiles: Tile[], opts: TilePlanOptions): void {
  const image = { x: 0, y: 0, width: mask.width, height: mask.height };
  const owner = new Int32Array(mask.width * mask.height).fill(-1);
  let overlaps = 0;
  let uncovered = 0;
  tiles.forEach((t, k) => {
    expect(contains(image, t.input), `input ${JSON.stringify(t.input)} inside image`).toBe(true);
    expect(contains(t.input, t.core), 'core inside input').toBe(true);
    const padded = paddedSize(t.input.width, t.input.height, opts.sizeMultiple);
    expect(padded.width).toBeLessThanOrEqual(opts.tile);
    expect(padded.height).toBeLessThanOrEqual(opts.tile);
    expect(t.core.width).toBeGreaterThan(0);
    // The core has the full margin of context wherever the image allows.
    expect(t.input.x).toBeLessThanOrEqual(Math.max(0, t.core.x - opts.marginPx));
    expect(t.input.y).toBeLessThanOrEqual(Math.max(0, t.core.y - opts.marginPx));
    expect(t.input.x + t.input.width).toBeGreaterThanOrEqual(Math.min(mask.width, t.core.x + t.core.width + opts.marginPx));
    expect(t.input.y + t.input.height).toBeGreaterThanOrEqual(Math.min(mask.height, t.core.y + t.core.height + opts.marginPx));
    for (let y = t.core.y; y < t.core.y + t.core.height; y++)
      for (let x = t.core.x; x < t.core.x + t.core.width; x++) {
        if (owner[y * mask.width + x] !== -1) overlaps++;
        owner[y * mask.width + x] = k;
      }
  });
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i] !== 0 && owner[i] === -1) uncovered++;
  expect(overlaps, 'pixels in two cores').toBe(0);
  expect(uncovered, 'masked pixels in no core').toBe(0);
}

const opts: TilePlanOptions = { marginPx: 16, tile: 128, sizeMultiple: 8 };

describe('planTiles', () => {
  it('returns no tiles for an empty mask', () => {
    expect(planTiles(createMask(300, 200), opts)).toEqual([]);
  });

  it('clips inputs at corners and edges', () => {
    const m = createMask(300, 200);
    fillRect(m, { x: 0, y: 0, width: 5, height: 5 }, 255);
    fillRect(m, { x: 295, y: 190, width: 5, height: 10 }, 255);
    fillRect(m, { x: 150, y: 0, width: 10, height: 3 }, 255);
    fillRect(m, { x: 0, y: 100, width: 2, height: 2 }, 255);
    const tiles = planTiles(m, opts);
    expect(tiles.length).toBe(4);
    checkPlan(m, tiles, opts);
    const corner = tiles.find((t) => t.core.x === 0 && t.core.y === 0);
    expect(corner?.core).toEqual({ x: 0, y: 0, width: 5, height: 5 });
    expect(corner?.input.x).toBe(0);
    expect(corner?.input.y).toBe(0);
    // 5 + 16 = 21 grows to the next multiple of 8.
    expect(corner?.input.width).toBe(24);
  });

  it('tiles a fully masked image without overlap', () => {
    const m = createMask(333, 250);
    m.data.fill(255);
    const tiles = planTiles(m, opts);
    checkPlan(m, tiles, opts);
    // Cores of side ≤ 128 − 32 = 96: ceil(333/96) × ceil(250/96) = 4 × 3.
    expect(tiles.length).toBe(12);
  });

  it('keeps far-apart marks separate and merges near ones', () => {
    const far = createMask(400, 300);
    fillRect(far, { x: 20, y: 20, width: 10, height: 10 }, 255);
    fillRect(far, { x: 300, y: 200, width: 10, height: 10 }, 255);
    const t1 = planTiles(far, opts);
    expect(t1.length).toBe(2);
    checkPlan(far, t1, opts);

    const near = createMask(400, 300);
    fillRect(near, { x: 100, y: 100, width: 10, height: 10 }, 255);
    // A 20-px gap < 2·16: the margins overlap, so one tile.
    fillRect(near, { x: 130, y: 100, width: 10, height: 10 }, 255);
    const t2 = planTiles(near, opts);
    expect(t2.length).toBe(1);
    expect(t2[0].core).toEqual({ x: 100, y: 100, width: 40, height: 10 });
    checkPlan(near, t2, opts);

    // A 40-px gap ≥ 2·16 in different grid cells: two tiles.
    const apart = createMask(400, 300);
    fillRect(apart, { x: 100, y: 100, width: 10, height: 10 }, 255);
    fillRect(apart, { x: 150, y: 100, width: 10, height: 10 }, 255);
    expect(planTiles(apart, opts).length).toBe(2);
  });

  it('splits a long thin mark and skips empty cores', () => {
    const m = createMask(1000, 300);
    // An L: a long bar plus a tall bar; the big merged box has empty regions.
    fillRect(m, { x: 10, y: 10, width: 900, height: 4 }, 255);
    fillRect(m, { x: 10, y: 10, width: 4, height: 280 }, 255);
    const tiles = planTiles(m, opts);
    checkPlan(m, tiles, opts);
    // 900 / 96 → 10 columns on the top row, 280 / 96 → 3 rows down the left: 12 non-empty cores.
    expect(tiles.length).toBe(12);
  });

  it('handles random scattered marks on an odd-sized image', () => {
    let s = 5;
    const r = (): number => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296);
    const m = createMask(517, 389);
    for (let k = 0; k < 60; k++) {
      fillRect(m, { x: Math.floor(r() * 517), y: Math.floor(r() * 389), width: 1 + Math.floor(r() * 40), height: 1 + Math.floor(r() * 20) }, 255);
    }
    const o = { marginPx: 12, tile: 100, sizeMultiple: 16 };
    checkPlan(m, planTiles(m, o), o);
  });

  it('rejects a tile too small for its margin', () => {
    expect(() => planTiles(createMask(10, 10), { marginPx: 64, tile: 128, sizeMultiple: 1 })).toThrow(/no room/);
  });
});

describe('paddedSize', () => {
  it('rounds up to the multiple', () => {
    expect(paddedSize(100, 64, 32)).toEqual({ width: 128, height: 64 });
    expect(paddedSize(7, 9, 1)).toEqual({ width: 7, height: 9 });
  });
});
