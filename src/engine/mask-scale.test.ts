import { describe, expect, it } from 'vitest';
import { maskForSize } from './mask-scale';

const mask = (width: number, height: number, fill: (x: number, y: number) => number) => {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = fill(x, y);
  return { width, height, data };
};

describe('maskForSize', () => {
  it('copies a mask of the same size, never sharing its buffer', () => {
    const m = mask(4, 3, (x, y) => x * 10 + y);
    const out = maskForSize(m, 4, 3);
    expect([...out.data]).toEqual([...m.data]);
    out.data[0] = 99;
    expect(m.data[0]).toBe(0);
  });

  it('doubles each pixel when scaling up 2×', () => {
    const m = mask(2, 2, (x, y) => (x === 1 && y === 0 ? 255 : 0));
    const out = maskForSize(m, 4, 4);
    expect([...out.data]).toEqual([0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('keeps only 0 and 255, and a box lands at the same relative place', () => {
    // A box over x 40..59, y 10..19 of a 100×50 mask.
    const m = mask(100, 50, (x, y) => (x >= 40 && x < 60 && y >= 10 && y < 20 ? 255 : 0));
    const out = maskForSize(m, 37, 71);
    const values = new Set(out.data);
    expect([...values].sort()).toEqual([0, 255]);
    let minX = Infinity, maxX = -1, minY = Infinity, maxY = -1;
    for (let y = 0; y < 71; y++) for (let x = 0; x < 37; x++) if (out.data[y * 37 + x]) {
      minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
    }
    expect(minX / 37).toBeCloseTo(0.4, 1);
    expect((maxX + 1) / 37).toBeCloseTo(0.6, 1);
    expect(minY / 71).toBeCloseTo(0.2, 1);
    expect((maxY + 1) / 71).toBeCloseTo(0.4, 1);
  });

  it('scales down by picking, not averaging', () => {
    const m = mask(4, 1, (x) => [0, 255, 0, 255][x]);
    expect([...maskForSize(m, 2, 1).data]).toEqual([255, 255]);
  });
});
