import { describe, expect, it } from 'vitest';
import {
  cloneMask,
  connectedComponents,
  countMasked,
  createMask,
  fillRect,
  maskBBox,
  maskedIndices,
  maskToOverlayRgba,
  masksEqual,
  stampLine,
  stampLineRects,
  upsampleThreshold,
} from './mask';
import { applyMaskOp, dilateMask, dilationLevels, erodeMask, featherMask } from './mask-morphology';
import { seededRandom } from './random';
import { randomMask } from './testing';
import type { Mask } from './types';


/** O(N²) reference: squared distance to the nearest pixel satisfying pred. */
function bruteD2(m: Mask, pred: (v: number) => boolean): Float64Array {
  const out = new Float64Array(m.width * m.height).fill(Infinity);
  for (let y = 0; y < m.height; y++)
    for (let x = 0; x < m.width; x++)
      for (let sy = 0; sy < m.height; sy++)
        for (let sx = 0; sx < m.width; sx++) {
          if (!pred(m.data[sy * m.width + sx])) continue;
          const d = (x - sx) ** 2 + (y - sy) ** 2;
          if (d < out[y * m.width + x]) out[y * m.width + x] = d;
        }
  return out;
}

describe('fillRect', () => {
  it('normalises negative sizes and clips to the mask', () => {
    const m = createMask(10, 8);
    const r = fillRect(m, { x: 12, y: 10, width: -5, height: -4 }, 255);
    expect(r).toEqual({ x: 7, y: 6, width: 3, height: 2 });
    expect(countMasked(m)).toBe(6);
    expect(m.data[6 * 10 + 7]).toBe(255);
    expect(m.data[5 * 10 + 7]).toBe(0);
  });
  it('returns null when fully outside', () => {
    const m = createMask(4, 4);
    expect(fillRect(m, { x: -10, y: 0, width: 5, height: 3 }, 255)).toBeNull();
    expect(countMasked(m)).toBe(0);
  });
});

describe('stampLine', () => {
  it('paints exactly the pixels whose centres are within the radius of the segment', () => {
    const w = 40;
    const h = 30;
    const cases: [number, number, number, number, number][] = [
      [5, 5, 30, 20, 3],
      [20, 3, 20, 25, 2.5],
      [3, 10, 35, 10, 4],
      [10.3, 12.7, 10.3, 12.7, 5],
      [-5, -5, 8, 6, 3],
    ];
    for (const [x0, y0, x1, y1, r] of cases) {
      const m = createMask(w, h);
      const dirty = stampLine(m, x0, y0, x1, y1, r, 255);
      let minX = w;
      let maxX = -1;
      let minY = h;
      let maxY = -1;
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const px = x + 0.5;
          const py = y + 0.5;
          const dx = x1 - x0;
          const dy = y1 - y0;
          const l2 = dx * dx + dy * dy;
          const t = l2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / l2));
          const d = Math.hypot(px - (x0 + t * dx), py - (y0 + t * dy));
          // Skip pixels within float noise of the boundary.
          const boundary = Math.abs(d - r) < 1e-9;
          const want = d < r ? 255 : 0;
          if (!boundary) expect(m.data[y * w + x], `(${x},${y}) case ${[x0, y0, x1, y1, r]}`).toBe(want);
          if (m.data[y * w + x]) {
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
            minY = Math.min(minY, y);
            maxY = Math.max(maxY, y);
          }
        }
      expect(dirty).toEqual({ x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 });
    }
  });
  it('erases with value 0 and returns null when the stroke misses the mask', () => {
    const m = createMask(10, 10);
    m.data.fill(255);
    stampLine(m, 5, 5, 5, 5, 2, 0);
    expect(m.data[5 * 10 + 5]).toBe(0);
    expect(m.data[0]).toBe(255);
    expect(stampLine(m, -20, -20, -15, -30, 3, 0)).toBeNull();
  });
  it('paints the pixel under the pointer even with a tiny radius', () => {
    const m = createMask(5, 5);
    expect(stampLine(m, 2, 2, 2, 2, 0.1, 255)).not.toBeNull();
    expect(countMasked(m)).toBeGreaterThanOrEqual(1);
  });

  it('stampLineRects covers every pixel it paints, in boxes near the segment', () => {
    const rand = seededRandom(11);
    for (let k = 0; k < 300; k++) {
      const m = createMask(160, 120);
      const [x0, y0] = [rand() * 200 - 20, rand() * 160 - 20];
      const long = rand() < 0.3;
      const [x1, y1] = long ? [rand() * 200 - 20, rand() * 160 - 20] : [x0 + rand() * 10 - 5, y0 + rand() * 10 - 5];
      const radius = rand() < 0.2 ? rand() : rand() * 15;
      stampLine(m, x0, y0, x1, y1, radius, 255);
      const rects = stampLineRects(x0, y0, x1, y1, radius, 32);
      for (const r of rects) expect(Math.max(r.width, r.height)).toBeLessThanOrEqual(32 + 2 * Math.max(radius, 1) + 4);
      for (let i = 0; i < m.data.length; i++) {
        if (!m.data[i]) continue;
        const [x, y] = [i % 160, Math.floor(i / 160)];
        expect(rects.some((r) => x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height)).toBe(true);
      }
    }
  });
});

describe('distance-based morphology', () => {
  it('dilate, erode and feather match a brute-force Euclidean reference', () => {
    const w = 23;
    const h = 17;
    const m = randomMask(w, h, 0.04, 7);
    const dFg = bruteD2(m, (v) => v > 0);
    for (const px of [1, 1.5, 2, 3.2, 5, 30]) {
      const dil = dilateMask(m, px);
      const ero = erodeMask(dilateMask(m, 4), px);
      const dil4 = dilateMask(m, 4);
      const dBg4 = bruteD2(dil4, (v) => v === 0);
      const fea = featherMask(m, px);
      for (let i = 0; i < w * h; i++) {
        expect(dil.data[i]).toBe(dFg[i] <= px * px ? 255 : 0);
        expect(ero.data[i]).toBe(dil4.data[i] !== 0 && dBg4[i] > px * px ? 255 : 0);
        const want = m.data[i] !== 0 ? m.data[i] : dFg[i] < px * px ? Math.round(255 * (1 - Math.sqrt(dFg[i]) / px)) : 0;
        expect(fea.data[i]).toBe(want);
      }
    }
  });
  it('dilationLevels gives every radius\'s dilation from one transform', () => {
    const m = randomMask(41, 29, 0.004, 11);
    const radii = [1, 2, 4, 8, 16];
    const levels = dilationLevels(m, radii);
    radii.forEach((r, k) => {
      const want = dilateMask(m, r).data;
      for (let i = 0; i < want.length; i++) expect(levels[i] <= k + 1 ? 255 : 0).toBe(want[i]);
    });
    for (let i = 0; i < levels.length; i++) expect(levels[i] === 0).toBe(m.data[i] !== 0);
    expect(levels.some((v) => v === 255)).toBe(true);
  });
  it('erode keeps soft interior values and does not erode at the image border', () => {
    const m = createMask(12, 12);
    m.data.fill(200);
    m.data[6 * 12 + 6] = 0;
    const e = erodeMask(m, 2);
    expect(e.data[0]).toBe(200); // corner: border is not background
    expect(e.data[6 * 12 + 8]).toBe(0); // distance 2 from the hole
    expect(e.data[6 * 12 + 9]).toBe(200); // distance 3
  });
  it('a 1-px dilation of a single pixel is a plus shape; px=0 is identity', () => {
    const m = createMask(5, 5);
    m.data[12] = 255;
    expect(countMasked(dilateMask(m, 1))).toBe(5);
    expect(countMasked(dilateMask(m, Math.SQRT2))).toBe(9);
    expect(masksEqual(dilateMask(m, 0), m)).toBe(true);
  });
  it('empty masks stay empty', () => {
    const m = createMask(30, 20);
    expect(countMasked(dilateMask(m, 5))).toBe(0);
    expect(countMasked(featherMask(m, 5))).toBe(0);
  });
  it('feather ramps outward from a hard edge', () => {
    const m = createMask(20, 1);
    fillRect(m, { x: 0, y: 0, width: 10, height: 1 }, 255);
    const f = featherMask(m, 4);
    expect(Array.from(f.data.slice(8, 15))).toEqual([255, 255, 191, 128, 64, 0, 0]);
  });
});

describe('applyMaskOp', () => {
  it('returns new masks and leaves the input alone', () => {
    const m = createMask(4, 2);
    m.data.set([0, 10, 255, 128, 0, 0, 0, 1]);
    const before = cloneMask(m);
    const inv = applyMaskOp(m, { op: 'invert' });
    expect(Array.from(inv.data)).toEqual([255, 245, 0, 127, 255, 255, 255, 254]);
    expect(countMasked(applyMaskOp(m, { op: 'clear' }))).toBe(0);
    expect(countMasked(applyMaskOp(m, { op: 'fill' }))).toBe(8);
    expect(applyMaskOp(m, { op: 'dilate', px: 1 })).not.toBe(m);
    expect(masksEqual(m, before)).toBe(true);
  });
});

describe('upsampleThreshold', () => {
  it('upsamples a 2×2 map with aligned centres and thresholds', () => {
    const map = { width: 2, height: 2, data: new Float32Array([0, 1, 0, 1]) };
    const m = upsampleThreshold(map, 0.5, 8, 2);
    // Centre of column x maps to (x+0.5)/4 − 0.5; the ramp crosses 0.5 between x=3 and x=4.
    expect(Array.from(m.data.slice(0, 8))).toEqual([0, 0, 0, 0, 255, 255, 255, 255]);
    const low = upsampleThreshold(map, 0.2, 8, 2);
    expect(Array.from(low.data.slice(0, 8))).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
  });
  it('a uniform map above threshold fills the whole mask', () => {
    const map = { width: 3, height: 3, data: new Float32Array(9).fill(0.9) };
    expect(countMasked(upsampleThreshold(map, 0.5, 17, 11))).toBe(17 * 11);
  });
});

describe('countMasked', () => {
  it('counts nonzero bytes in aligned, unaligned and odd-length views', () => {
    const buf = new Uint8Array(23);
    [0, 1, 5, 8, 9, 10, 11, 17, 22].forEach((i) => (buf[i] = i === 0 ? 1 : 200));
    expect(countMasked({ width: 23, height: 1, data: buf })).toBe(9);
    expect(countMasked({ width: 7, height: 1, data: buf.subarray(1, 8) })).toBe(2);
    expect(countMasked({ width: 13, height: 1, data: buf.subarray(9, 22) })).toBe(4);
    expect(countMasked({ width: 8, height: 1, data: buf.subarray(4, 12) })).toBe(5);
  });
});

describe('maskBBox / countMasked', () => {
  it('finds the box, optionally inside a rect', () => {
    const m = createMask(10, 10);
    m.data[2 * 10 + 3] = 1;
    m.data[7 * 10 + 8] = 255;
    expect(maskBBox(m)).toEqual({ x: 3, y: 2, width: 6, height: 6 });
    expect(maskBBox(m, { x: 5, y: 5, width: 5, height: 5 })).toEqual({ x: 8, y: 7, width: 1, height: 1 });
    expect(maskBBox(m, { x: 0, y: 3, width: 5, height: 3 })).toBeNull();
    expect(maskBBox(createMask(3, 3))).toBeNull();
    expect(countMasked(m)).toBe(2);
  });
});

describe('connectedComponents', () => {
  it('uses 8-connectivity and numbers components in raster order', () => {
    const rows = [
      '#..#....', //
      '.#.#..##', //
      '..#...#.', //
      '........', //
      '#......#',
    ];
    const m = createMask(8, 5);
    rows.forEach((r, y) => [...r].forEach((c, x) => (m.data[y * 8 + x] = c === '#' ? 255 : 0)));
    const { labels, components } = connectedComponents(m);
    // The diagonal and the vertical bar join through (2,2)-(3,1).
    expect(components.length).toBe(4);
    expect(components[0]).toEqual({ id: 1, box: { x: 0, y: 0, width: 4, height: 3 }, area: 5 });
    expect(components[1]).toEqual({ id: 2, box: { x: 6, y: 1, width: 2, height: 2 }, area: 3 });
    expect(labels[4 * 8]).toBe(3);
    expect(labels[4 * 8 + 7]).toBe(4);
    expect(labels[1]).toBe(0);
  });
  it('merges a U shape whose arms are labelled before they meet', () => {
    const m = createMask(5, 3);
    [0, 4, 5, 9, 10, 11, 12, 13, 14].forEach((i) => (m.data[i] = 255));
    const { components, labels } = connectedComponents(m);
    expect(components.length).toBe(1);
    expect(components[0].area).toBe(9);
    expect(labels[4]).toBe(1);
  });
  it('counts areas that sum to the masked count on random masks', () => {
    const m = randomMask(64, 48, 0.3, 3);
    const { labels, components } = connectedComponents(m);
    expect(components.reduce((a, c) => a + c.area, 0)).toBe(countMasked(m));
    for (let i = 0; i < labels.length; i++) expect(labels[i] === 0).toBe(m.data[i] === 0);
    // Neighbouring masked pixels always share a label.
    for (let y = 0; y < 48; y++)
      for (let x = 0; x < 63; x++) {
        const i = y * 64 + x;
        if (m.data[i] && m.data[i + 1]) expect(labels[i]).toBe(labels[i + 1]);
        if (y < 47 && m.data[i] && m.data[i + 65]) expect(labels[i]).toBe(labels[i + 65]);
      }
  });
});

describe('maskToOverlayRgba', () => {
  it('writes constant RGB and alpha = mask value, in byte order', () => {
    const m = createMask(4, 3);
    m.data.set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 200]);
    const out = maskToOverlayRgba(m, { x: 1, y: 1, width: 3, height: 2 }, [255, 0, 10]);
    expect(Array.from(out)).toEqual([
      255, 0, 10, 5, 255, 0, 10, 6, 255, 0, 10, 7, 255, 0, 10, 9, 255, 0, 10, 10, 255, 0, 10, 200,
    ]);
  });
  it('reuses a provided buffer, including an unaligned view', () => {
    const m = createMask(2, 1);
    m.data.set([9, 99]);
    const buf = new Uint8ClampedArray(8);
    expect(maskToOverlayRgba(m, { x: 0, y: 0, width: 2, height: 1 }, [1, 2, 3], buf)).toBe(buf);
    expect(Array.from(buf)).toEqual([1, 2, 3, 9, 1, 2, 3, 99]);
    const unaligned = new Uint8ClampedArray(new ArrayBuffer(9), 1, 8);
    maskToOverlayRgba(m, { x: 0, y: 0, width: 2, height: 1 }, [1, 2, 3], unaligned);
    expect(Array.from(unaligned)).toEqual([1, 2, 3, 9, 1, 2, 3, 99]);
    expect(() => maskToOverlayRgba(m, { x: 1, y: 0, width: 2, height: 1 }, [1, 2, 3])).toThrow();
  });
});

describe('masksEqual', () => {
  it('compares size and content', () => {
    const a = createMask(2, 2);
    const b = cloneMask(a);
    expect(masksEqual(a, b)).toBe(true);
    b.data[3] = 1;
    expect(masksEqual(a, b)).toBe(false);
    expect(masksEqual(createMask(2, 3), createMask(3, 2))).toBe(false);
  });
});

describe('maskedIndices', () => {
  it('lists every set byte in order, in aligned buffers and in views at odd offsets, tails included', () => {
    const buf = new Uint8Array(4 * 1000 + 7);
    for (let i = 0; i < buf.length; i += 1 + (i % 13)) buf[i] = i % 5 === 0 ? 1 : 200;
    for (const view of [buf, buf.subarray(3), buf.subarray(1, 4003), buf.subarray(4)]) {
      const naive: number[] = [];
      for (let i = 0; i < view.length; i++) if (view[i] !== 0) naive.push(i);
      expect(Array.from(maskedIndices(view))).toEqual(naive);
    }
    expect(maskedIndices(new Uint8Array(9)).length).toBe(0);
  });
});
