import { describe, expect, it } from 'vitest';
import { BYTES_PER_OPEN_PIXEL, checkMemoryBudget } from './memory';

describe('checkMemoryBudget (issue 11, item 9)', () => {
  const mp12 = { width: 4000, height: 3000 };
  it('lets images in until the budget, then refuses with E_MEMORY_BUDGET', () => {
    const maxBytes = 3 * 1024 ** 3;
    let openPixels = 0;
    let opened = 0;
    for (let i = 0; i < 60; i++) {
      try {
        checkMemoryBudget(mp12.width, mp12.height, { openPixels, maxBytes });
        openPixels += mp12.width * mp12.height;
        opened++;
      } catch (e) {
        expect(e).toMatchObject({ code: 'E_MEMORY_BUDGET', message: expect.stringMatching(/Close some images/) });
      }
    }
    expect(opened).toBe(Math.floor(maxBytes / (12e6 * BYTES_PER_OPEN_PIXEL)));
    expect(opened).toBeLessThan(60);
  });

  it('accepts exactly up to the budget', () => {
    const px = 1000 * 1000;
    expect(() => checkMemoryBudget(1000, 1000, { openPixels: px, maxBytes: 2 * px * BYTES_PER_OPEN_PIXEL })).not.toThrow();
    expect(() => checkMemoryBudget(1000, 1001, { openPixels: px, maxBytes: 2 * px * BYTES_PER_OPEN_PIXEL })).toThrow();
  });
});
