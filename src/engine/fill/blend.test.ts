import { describe, expect, it } from 'vitest';
import { matchBoundary, NOISE_LEVELS } from './blend';
import { depthMap, makeLevel } from './level';
import { targetField } from './patchmatch';

describe('matchBoundary', () => {
  const W = 60;
  const H = 40;
  // A horizontal ramp; a 20×14 box (depth 7) and a 2-px stroke (depth 1) as holes.
  const truth = new Float32Array(W * H * 3);
  for (let i = 0; i < W * H; i++) truth.fill(40 + 2 * (i % W), i * 3, i * 3 + 3);
  const hole = new Uint8Array(W * H);
  for (let y = 10; y < 24; y++) hole.fill(1, y * W + 8, y * W + 28);
  for (let y = 30; y < 32; y++) hole.fill(1, y * W + 35, y * W + 55);
  // Every target matched to the same source: on a ramp any source predicts the right steps.
  const level = makeLevel(W, H, truth, hole, 3);
  const field = targetField(level, 3);
  field.source.fill(level.sources[0]);
  const depth = depthMap(hole, W, H);

  function fillWithOffset(box: number, stroke: number): Float32Array {
    const rgb = truth.slice();
    for (let i = 0; i < W * H; i++) if (hole[i]) for (let c = 0; c < 3; c++) rgb[i * 3 + c] += Math.floor(i / W) < 28 ? box : stroke;
    return rgb;
  }

  it('takes out an offset the patches left in a thick region, down to the noise threshold; nothing else moves', () => {
    const rgb = fillWithOffset(30, 30);
    const before = rgb.slice();
    matchBoundary(rgb, hole, depth, W, H, field);
    for (let i = 0; i < W * H; i++) {
      const inBox = hole[i] && Math.floor(i / W) < 28;
      for (let c = 0; c < 3; c++) {
        if (inBox) expect(Math.abs(rgb[i * 3 + c] - truth[i * 3 + c])).toBeLessThanOrEqual(NOISE_LEVELS + 0.5);
        // Known pixels and the thin stroke are left as they were.
        else expect(rgb[i * 3 + c]).toBe(before[i * 3 + c]);
      }
    }
  });

  it('leaves offsets within the noise threshold alone', () => {
    const rgb = fillWithOffset(NOISE_LEVELS - 1, 0);
    const before = rgb.slice();
    matchBoundary(rgb, hole, depth, W, H, field);
    expect(Buffer.from(rgb.buffer).equals(Buffer.from(before.buffer))).toBe(true);
  });
});
