import { describe, expect, it } from 'vitest';
import { LUMA_NOISE, matchBoundary } from './blend';
import { makeLevel } from './level';
import { targetField } from './patchmatch';

describe('matchBoundary', () => {
  const W = 60;
  const H = 40;
  // A horizontal ramp; a 20×14 box and a 2-px stroke as holes.
  const truth = new Float32Array(W * H * 3);
  for (let i = 0; i < W * H; i++) truth.fill(40 + 2 * (i % W), i * 3, i * 3 + 3);
  const hole = new Uint8Array(W * H);
  for (let y = 10; y < 24; y++) hole.fill(1, y * W + 8, y * W + 28);
  for (let y = 30; y < 32; y++) hole.fill(1, y * W + 35, y * W + 55);
  // Every target matched to the same source: on a ramp any source predicts the right steps.
  const level = makeLevel(W, H, truth, hole, 3);
  const field = targetField(level, 3);
  field.source.fill(level.sources[0]);

  function withOffset(rgb: [number, number, number]): Float32Array {
    const out = truth.slice();
    for (let i = 0; i < W * H; i++) if (hole[i]) for (let c = 0; c < 3; c++) out[i * 3 + c] += rgb[c];
    return out;
  }

  it('takes out a brightness offset the patches left, down to the noise threshold; known pixels do not move', () => {
    const rgb = withOffset([30, 30, 30]);
    matchBoundary(rgb, hole, W, H, field);
    for (let i = 0; i < W * H; i++) {
      for (let c = 0; c < 3; c++) {
        if (hole[i]) expect(Math.abs(rgb[i * 3 + c] - truth[i * 3 + c])).toBeLessThanOrEqual(LUMA_NOISE + 0.5);
        else expect(rgb[i * 3 + c]).toBe(truth[i * 3 + c]);
      }
    }
  });

  it('leaves offsets within the noise threshold, and differences of colour alone (a mark bleeds its chroma into the edge)', () => {
    // Zero luminance, 30 levels of red: what JPEG's chroma subsampling leaves next to a saturated mark.
    for (const offset of [[LUMA_NOISE - 1, LUMA_NOISE - 1, LUMA_NOISE - 1], [30, (-30 * 0.299) / 0.587, 0]] as [number, number, number][]) {
      const rgb = withOffset(offset);
      const before = rgb.slice();
      matchBoundary(rgb, hole, W, H, field);
      expect(Buffer.from(rgb.buffer).equals(Buffer.from(before.buffer))).toBe(true);
    }
  });
});
