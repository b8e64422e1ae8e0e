import { describe, expect, it } from 'vitest';
import { fillRect } from '../mask';
import type { Mask } from '../types';
import { templateField } from './field';
import { alphaPreviewRgba, fieldInstance, fieldMask, findAllLike, latticeReach, unionMask } from './instances';
import { findRepeats } from './repeats';
import { composite, coverage, logoShape, noisePhoto, tiledAlpha } from './testing';

const W = 640;
const H = 480;

/** Share of the true mark's pixels (α > 0.05) that the mask covers, and how many masked pixels hold no mark. */
function score(mask: Mask, alpha: Float32Array): { recall: number; spill: number } {
  let hit = 0;
  let truth = 0;
  let spill = 0;
  for (let p = 0; p < alpha.length; p++) {
    if (alpha[p] > 0.05) {
      truth++;
      if (mask.data[p]) hit++;
    } else if (mask.data[p] && alpha[p] === 0) spill++;
  }
  return { recall: hit / truth, spill };
}

describe('mark instances for the app', () => {
  it('fieldMask and unionMask: the support of a placed template, added to a mask', () => {
    const alphaHw = new Float32Array(4 * 3).fill(0.5);
    alphaHw[0] = 0;
    const field = templateField({ width: 4, height: 3, alphaHw, colour: [1, 1, 1] }, { x: 10, y: 5, scale: 1, gain: 1 }, { width: 32, height: 16 });
    const m = fieldMask(field, 32, 16);
    expect(m.data[5 * 32 + 11]).toBe(255);
    expect(m.data[5 * 32 + 10]).toBe(0);
    expect(m.data[0]).toBe(0);
    const base: Mask = { width: 32, height: 16, data: new Uint8Array(32 * 16) };
    base.data[0] = 255;
    base.data[6 * 32 + 11] = 128;
    const { mask, added } = unionMask(base, m);
    expect(mask.data[0]).toBe(255);
    expect(mask.data[6 * 32 + 11]).toBe(255);
    expect(added).toBe(m.data.filter((v) => v > 0).length - 1);
    expect(base.data[6 * 32 + 11]).toBe(128);
  });

  it('alphaPreviewRgba: the largest α is white, zero is black, opaque', () => {
    const img = alphaPreviewRgba({ width: 2, height: 1, alphaHw: Float32Array.from([0, 0.4]) });
    expect(Array.from(img.data)).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
  });

  it('fieldInstance cuts one whole instance of a lattice, all its parts joined', () => {
    const photo = noisePhoto(W, H, 7);
    const { image } = composite(photo, tiledAlpha(logoShape(70, 40), [128, 0], [37, 84], 0.5), [1, 1, 1]);
    const r = findRepeats(image);
    expect(r.accepted).toBe(true);
    const one = fieldInstance(r.field!, W, H, 128 * 84);
    expect(one).not.toBeNull();
    // The logo's box is 70×40; its ink spans about 62×32.
    expect(one!.box.width).toBeGreaterThan(55);
    expect(one!.box.width).toBeLessThan(80);
    expect(one!.box.height).toBeGreaterThan(25);
    expect(one!.box.height).toBeLessThan(50);
    expect(Math.max(...one!.template.alphaHw)).toBeGreaterThan(0.4);
    // Searched only within reach of the centre (the worker's shortcut on large pictures): the same instance.
    const near = fieldInstance(r.field!, W, H, 128 * 84, Math.hypot(128, 0) + Math.hypot(37, 84) + 64);
    expect(near!.box).toEqual(one!.box);
    expect(near!.template.alphaHw).toEqual(one!.template.alphaHw);
    // Too small a reach for any whole instance: the whole picture is searched instead.
    expect(fieldInstance(r.field!, W, H, 128 * 84, 10)!.box).toEqual(one!.box);
  });

  it('latticeReach: the centred window holds a whole instance, so nothing outside it is read', () => {
    // Lattices square, skewed and staggered, marks up to nearly a cell, at several offsets.
    const cases: [[number, number], [number, number], number, number][] = [
      [[400, 0], [0, 250], 200, 100],
      [[400.6, 0], [37.3, 250.4], 300, 160],
      [[128, 0], [64, 84], 110, 60],
      [[90, 35], [-40, 110], 70, 50],
      [[300, 0], [150, 120], 280, 90],
    ];
    for (const [v1, v2, mw, mh] of cases) {
      for (const origin of [[0, 0], [57, 13], [201.5, 77.25]] as [number, number][]) {
        const [rx, ry] = latticeReach(v1, v2);
        const [cx, cy] = [2000, 1500];
        const base = tiledAlpha(logoShape(mw, mh), v1, v2, 0.5, origin);
        const field = {
          colour: [1, 1, 1] as [number, number, number],
          bounds: { x: 0, y: 0, width: 4000, height: 3000 },
          alphaAt: (x: number, y: number) => {
            if (x < Math.floor(cx - rx) || x >= Math.ceil(cx + rx) || y < Math.floor(cy - ry) || y >= Math.ceil(cy + ry)) throw new Error(`read outside the window at ${x}, ${y}`);
            return base(x, y);
          },
        };
        const cell = Math.abs(v1[0] * v2[1] - v1[1] * v2[0]);
        const one = fieldInstance(field, 4000, 3000, cell, [rx, ry]);
        expect(one).not.toBeNull();
        // One instance, or one part of it where the parts lie more than 64 px apart (the largest growth).
        expect(one!.box.width).toBeLessThanOrEqual(mw + 4);
        expect(one!.box.height).toBeLessThanOrEqual(mh + 4);
        expect(Math.max(...one!.template.alphaHw)).toBeGreaterThan(0.45);
      }
    }
  });

  it('fieldMask of a window is that part of the whole mask', () => {
    const alphaHw = new Float32Array(6 * 5).fill(0.5);
    const field = templateField({ width: 6, height: 5, alphaHw, colour: [1, 1, 1] }, { x: 3, y: 2, scale: 1, gain: 1 }, { width: 20, height: 12 });
    const whole = fieldMask(field, 20, 12);
    const win = { x: 5, y: 4, width: 9, height: 7 };
    const part = fieldMask(field, 20, 12, 0.01, win);
    expect([part.width, part.height]).toEqual([9, 7]);
    for (let y = 0; y < 7; y++) for (let x = 0; x < 9; x++) expect(part.data[y * 9 + x]).toBe(whole.data[(y + 4) * 20 + x + 5]);
    expect(part.data.some((v) => v > 0)).toBe(true);
  });

  it('findAllLike finds scattered copies of the mark in a box (no lattice) and masks them', () => {
    const photo = noisePhoto(W, H, 21);
    const shape = logoShape(80, 44);
    const spots: [number, number][] = [
      [40, 30],
      [420, 60],
      [150, 260],
      [500, 380],
    ];
    const alphaAt = (x: number, y: number) => Math.max(...spots.map(([sx, sy]) => coverage(shape, x - sx, y - sy))) * 0.45;
    const { image, alpha } = composite(photo, alphaAt, [1, 1, 1]);
    const selection: Mask = { width: W, height: H, data: new Uint8Array(W * H) };
    const box = { x: 34, y: 24, width: 92, height: 56 };
    fillRect(selection, box, 255);
    const like = findAllLike(image, selection, box);
    expect(like.placements.length).toBeGreaterThanOrEqual(4);
    const found = like.placements.slice(1).map((p) => spots.findIndex(([sx, sy]) => Math.hypot(p.x - sx, p.y - sy) < 12));
    expect(new Set(found.filter((i) => i > 0)).size).toBe(3);
    const s = score(like.mask, alpha);
    expect(s.recall).toBeGreaterThan(0.9);
    // A one-pixel rim and some faint α around each copy, not the picture.
    expect(s.spill).toBeLessThan(1.5 * alpha.filter((a) => a > 0.05).length);
  });

  it('findAllLike refuses a selection that holds no blend, with E_MARK_NOT_FOUND', () => {
    const photo = noisePhoto(W, H, 3);
    const selection: Mask = { width: W, height: H, data: new Uint8Array(W * H) };
    const box = { x: 200, y: 200, width: 60, height: 40 };
    fillRect(selection, box, 255);
    expect(() => findAllLike(photo, selection, box)).toThrow(expect.objectContaining({ code: 'E_MARK_NOT_FOUND' }));
  });
});
