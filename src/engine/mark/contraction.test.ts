import { describe, expect, it } from 'vitest';
import { lateVerdict, SPREAD_GATE } from './contraction';
import type { MarkField } from './field';
import { composite, logoShape, noisePhoto, rng, tiledAlpha } from './testing';

const W = 512;
const H = 384;

/** A textured, noisy picture (as an enlarged JPEG is under a mark) with a mid-grey logo at α 0.3, tiled. */
function greyOverTexture() {
  const photo = noisePhoto(W, H, 3);
  const rand = rng(9);
  for (let i = 0; i < W * H * 4; i++) if ((i & 3) !== 3) photo.data[i] += Math.round((rand() - 0.5) * 16);
  const alphaAt = tiledAlpha(logoShape(60, 36), [100, 0], [50, 80], 0.4);
  return { alphaAt, ...composite(photo, alphaAt, [0.5, 0.5, 0.5]) };
}

const fieldOf = (alphaAt: (x: number, y: number) => number): MarkField => ({
  colour: [0.5, 0.5, 0.5],
  bounds: { x: 0, y: 0, width: W, height: H },
  alphaAt,
});

describe('lateVerdict (a mark read from the spread, judged on the image)', () => {
  it('accepts the right mid-grey mark whose inversion lifts the texture under it past the plain bound, as the fit finds it strongly', () => {
    const { image, alphaAt } = greyOverTexture();
    const v = lateVerdict(image, fieldOf(alphaAt), SPREAD_GATE);
    // The inversion leaves more energy than the marked picture had: the plain bound alone refuses it.
    expect(v.ratio).toBeGreaterThan(SPREAD_GATE.maxRatio);
    expect(v.reason).toBe('ok');
    expect(lateVerdict(image, fieldOf(alphaAt), { ...SPREAD_GATE, strongMaxRatio: undefined }).reason).toMatch(/does not flatten/);
  });

  it('refuses the same mark placed between the instances: its inversion adds edges, and the fit does not find it', () => {
    const { image, alphaAt } = greyOverTexture();
    const misplaced = fieldOf((x, y) => alphaAt(x + 50, y + 40));
    const v = lateVerdict(image, misplaced, SPREAD_GATE);
    expect(v.ratio).toBeGreaterThan(SPREAD_GATE.strongMaxRatio!);
    expect(v.reason).toMatch(/does not flatten/);
    // With no energy bound at all, the presence fit still refuses it.
    expect(lateVerdict(image, misplaced, { ...SPREAD_GATE, maxRatio: 100, strongMaxRatio: 100 }).reason).toMatch(/not in the picture/);
  });
});
