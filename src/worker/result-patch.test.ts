import { describe, expect, it } from 'vitest';
import { seededRandom } from '../engine/random';
import type { RgbaImage } from '../engine/types';
import { applyPatch, makePatch, MAX_PATCH_SHARE } from './result-patch';

function photo(w: number, h: number, seed: number): RgbaImage {
  const rand = seededRandom(seed);
  return { width: w, height: h, data: Uint8ClampedArray.from({ length: w * h * 4 }, (_, i) => ((i & 3) === 3 ? 255 : Math.floor(rand() * 256))) };
}

describe('results kept as patches', () => {
  it('rebuilds a result exactly from its document and the changed pixels', () => {
    const original = photo(97, 61, 1);
    const result: RgbaImage = { ...original, data: new Uint8ClampedArray(original.data) };
    const rand = seededRandom(2);
    let written = 0;
    for (let y = 10; y < 30; y++) for (let x = 20; x < 60; x++) {
      const i = (y * 97 + x) * 4;
      result.data[i + (written % 3)] ^= 1 + Math.floor(rand() * 200);
      written++;
    }
    const patch = makePatch(original, result);
    expect(patch).not.toBeNull();
    expect(patch!.changed).toBe(written);
    const back = applyPatch(original, patch!);
    expect(back.data).toEqual(result.data);
    // The document is not written.
    expect(original.data).toEqual(photo(97, 61, 1).data);
  });

  it('gives no patch when most of the image changed (the PNG is kept instead)', () => {
    const original = photo(40, 30, 3);
    const result = photo(40, 30, 4);
    expect(makePatch(original, result)).toBeNull();
    // Exactly at the limit still patches.
    const some: RgbaImage = { ...original, data: new Uint8ClampedArray(original.data) };
    const limit = Math.floor(MAX_PATCH_SHARE * 40 * 30);
    for (let p = 0; p < limit; p++) some.data[p * 4] ^= 0xff;
    expect(makePatch(original, some)?.changed).toBe(limit);
  });

});
