import { describe, expect, it } from 'vitest';
import { bestReferenceShifts, reinforcedShifts } from './align';
import { rng } from './testing';

const W = 96;
const H = 64;

/** A sparse pattern (a few bright dots) shifted by d, over noise of its own. */
function map(pattern: [number, number][], d: [number, number], seed: number, noise: number): Float32Array {
  const rand = rng(seed);
  const m = Float32Array.from({ length: W * H }, () => noise * (rand() - 0.5));
  for (const [x, y] of pattern) {
    const xx = x + d[0];
    const yy = y + d[1];
    if (xx >= 0 && yy >= 0 && xx < W && yy < H) m[yy * W + xx] += 1;
  }
  return m;
}

describe('reinforcedShifts', () => {
  it('places an image against the placed images brought to the reference frame', () => {
    const rand = rng(5);
    const pattern = Array.from({ length: 12 }, () => [20 + Math.floor(rand() * 40), 15 + Math.floor(rand() * 30)] as [number, number]);
    const d1: [number, number] = [9, -6];
    const d2: [number, number] = [-7, 5];
    const maps = [map(pattern, [0, 0], 1, 0.5), map(pattern, d1, 2, 0.5), map(pattern, d2, 3, 0.5)];
    const { ref, shifts, spec } = bestReferenceShifts(maps, W, H, 1.2);
    expect(ref).toBe(0);
    expect(shifts[1].d.map(Math.round)).toEqual(d1);
    // Image 2 taken as unplaced: against the sum of images 0 and 1 (both holding the pattern at
    // the reference's place) its peak stands out more than against image 0 alone. Image 1
    // brought over with the wrong sign would put a second copy of the pattern 2·d1 away.
    const unplaced = shifts.map((s, k) => (k === 2 ? { ...s, distinctness: 1 } : s));
    const single = shifts[2];
    const out = reinforcedShifts(spec, W, H, ref, unplaced, 1.2);
    expect(out[2].d.map(Math.round)).toEqual(d2);
    expect(out[2].distinctness).toBeGreaterThan(single.distinctness);
    expect(out[1]).toEqual(shifts[1]);
  });
});
