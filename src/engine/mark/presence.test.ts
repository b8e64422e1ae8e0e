import { describe, expect, it } from 'vitest';
import { markPresence, markPresent, PRESENCE } from './presence';
import type { MarkTemplate } from './template';
import { composite, coverage, logoShape, noisePhoto } from './testing';

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
