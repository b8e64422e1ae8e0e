import { describe, expect, it } from 'vitest';
import { keepDecodedFromUrl } from './limits';

describe('keepDecodedFromUrl', () => {
  it('reads a positive whole number', () => {
    expect(keepDecodedFromUrl('?keepDecoded=5')).toBe(5);
  });

  it("leaves the worker's default for a missing, zero, negative or fractional value", () => {
    for (const q of ['', '?keepDecoded=', '?keepDecoded=0', '?keepDecoded=-2', '?keepDecoded=1.5', '?keepDecoded=lots']) {
      expect(keepDecodedFromUrl(q), q).toBeUndefined();
    }
  });
});
