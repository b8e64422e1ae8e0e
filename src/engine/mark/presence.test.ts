import { describe, expect, it } from 'vitest';
import type { MarkField } from './field';
import { fieldPresence, markPresence, markPresent, PRESENCE } from './presence';
import type { MarkTemplate } from './template';
import { composite, coverage, logoShape, noisePhoto, tiledAlpha } from './testing';

const W = 320;
const H = 240;
const shape = logoShape(110, 56);
const opacity = 0.5;
// The mark as a template (α over its box), placed at (100, 90).
const template: MarkTemplate = {
  width: 112,
  height: 58,
  alphaHw: Float32Array.from({ length: 112 * 58 }, (_, i) => opacity * coverage(shape, (i % 112) - 1, Math.floor(i / 112) - 1)),
  colour: [1, 1, 1],
};
const at = { x: 99, y: 89, scale: 1, gain: 1 };

describe('markPresence', () => {
  it('finds a learned mark where it is (gain ≈ 1) and not on the same photo without it', () => {
    for (const seed of [3, 4, 5]) {
      const photo = noisePhoto(W, H, seed);
      const { image } = composite(photo, (x, y) => opacity * coverage(shape, x - 100, y - 90), [1, 1, 1]);
      const here = markPresence(image, template, at);
      expect(here.gain).toBeGreaterThan(0.9);
      expect(here.gain).toBeLessThan(1.1);
      expect(here.explained).toBeGreaterThan(0.8);
      expect(markPresent(image, template, at)).toBe(true);
      const none = markPresence(photo, template, at);
      expect(none.gain < PRESENCE.minGain || none.explained < PRESENCE.minExplained).toBe(true);
      expect(markPresent(photo, template, at)).toBe(false);
      // Half as strong a mark fits half the gain.
      const { image: faint } = composite(photo, (x, y) => 0.5 * opacity * coverage(shape, x - 100, y - 90), [1, 1, 1]);
      expect(markPresence(faint, template, at).gain).toBeCloseTo(0.5, 1);
    }
  });
});

describe('fieldPresence', () => {
  it("tells a lattice's field on its mark from the same field half a cell away (a spread estimate read beside the mark)", () => {
    const tiledShape = logoShape(60, 30);
    const v1: [number, number] = [110, 0];
    const v2: [number, number] = [55, 80];
    const field = (dx: number, dy: number): MarkField => {
      const a = tiledAlpha(tiledShape, v1, v2, 0.3, [dx, dy]);
      return { colour: [0.5, 0.5, 0.5], bounds: { x: 0, y: 0, width: 640, height: 480 }, alphaAt: a };
    };
    for (const seed of [3, 4]) {
      const photo = noisePhoto(640, 480, seed);
      const { image } = composite(photo, tiledAlpha(tiledShape, v1, v2, 0.3), [0.5, 0.5, 0.5]);
      const here = fieldPresence(image, field(0, 0));
      expect(here.gain).toBeGreaterThan(0.8);
      expect(here.explained).toBeGreaterThan(0.5);
      // Below the mark, between two rows of repeats: the picture's own texture, not the mark.
      const beside = fieldPresence(image, field(0, 40));
      expect(beside.gain < PRESENCE.minGain || beside.explained < PRESENCE.minExplained / 2).toBe(true);
    }
  });
});
