import { describe, expect, it } from 'vitest';
import type { Gradients } from './align';
import { consistentGradients } from './batch-box';
import { dropUnsharedParts } from './batch-parts';
import { composite, noisePhoto } from './testing';

describe('consistent gradients of a small batch', () => {
  const maps = (values: number[][]): Gradients[] =>
    values.map((v) => ({ gx: Float32Array.from(v), gy: new Float32Array(v.length), w: v.length, h: 1 }));

  it('keeps only what every one of fewer than five images agrees on, and takes the median from five on', () => {
    // Pixel 0: a mark's edge, the same sign in every image. Pixel 1: texture that two pictures share.
    const four = maps([[2, 5], [3, 5], [4, -1], [1, -1]]);
    const g4 = consistentGradients(four, four.map(() => [0, 0]), 2, 1);
    expect(g4[0]).toBeCloseTo(1);
    expect(g4[1]).toBe(0);
    const five = maps([[2, 5], [3, 5], [4, -1], [1, -1], [5, 5]]);
    const g5 = consistentGradients(five, five.map(() => [0, 0]), 2, 1);
    expect(g5[0]).toBeCloseTo(3);
    expect(g5[1]).toBeCloseTo(5);
  });

  it('reads each image at its shift', () => {
    const two = maps([[0, 2, 0], [2, 0, 0]]);
    expect(consistentGradients(two, [[0, 0], [-1, 0]], 3, 1)[1]).toBeCloseTo(2);
    expect(consistentGradients(two, [[0, 0], [0, 0]], 3, 1)[1]).toBe(0);
  });
});

describe('parts of a two-image estimate that only one image carries', () => {
  const W = 160;
  const H = 100;
  // The template: a bar (the mark, in both images) and a block (one picture's content, held
  // at half its contrast, as the mean of two images holds it).
  const tw = 100;
  const th = 40;
  const inBar = (u: number, v: number) => u >= 10 && u < 40 && v >= 10 && v < 30;
  const inBlock = (u: number, v: number) => u >= 60 && u < 90 && v >= 10 && v < 30;
  const alphaHw = Float32Array.from({ length: tw * th }, (_, i) => (inBar(i % tw, Math.floor(i / tw)) ? 0.5 : inBlock(i % tw, Math.floor(i / tw)) ? 0.25 : 0));
  const at = { x: 30, y: 30, scale: 1, gain: 1 };
  const image = (seed: number, block: boolean) =>
    composite(noisePhoto(W, H, seed), (x, y) => (inBar(x - at.x, y - at.y) ? 0.5 : block && inBlock(x - at.x, y - at.y) ? 0.5 : 0), [1, 1, 1]).image;

  it('zeroes the part one image lacks and keeps the part both carry', () => {
    const t = { width: tw, height: th, alphaHw: alphaHw.slice(), colour: [1, 1, 1] as [number, number, number] };
    const r = dropUnsharedParts([image(11, true), image(12, false)], t, [at, at], 0.3, 3);
    expect(r).toMatchObject({ parts: 2, dropped: 1 });
    expect(r.kept).toBeGreaterThan(0.6);
    expect(r.kept).toBeLessThan(0.75);
    expect(t.alphaHw[20 * tw + 25]).toBeCloseTo(0.5);
    expect(Math.max(...t.alphaHw.filter((_, i) => inBlock(i % tw, Math.floor(i / tw))))).toBe(0);
  });

  it('keeps both parts when both images carry them', () => {
    const t = { width: tw, height: th, alphaHw: alphaHw.map((a) => (a > 0 ? 0.5 : 0)), colour: [1, 1, 1] as [number, number, number] };
    const r = dropUnsharedParts([image(11, true), image(12, true)], t, [at, at], 0.3, 3);
    expect(r.dropped).toBe(0);
    expect(t.alphaHw[20 * tw + 75]).toBeCloseTo(0.5);
  });
});
