import { describe, expect, it } from 'vitest';
import { packMask, unpackMask } from './mask-codec';

function boxMask(width: number, height: number): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(width * height);
  for (let y = 100; y < 180; y++) data.fill(255, y * width + 200, y * width + 700);
  // A soft edge, as feathering leaves.
  for (let x = 200; x < 700; x++) data[180 * width + x] = x % 256;
  return { width, height, data };
}

describe('mask codec', () => {
  it('round-trips every byte', async () => {
    const mask = boxMask(1000, 800);
    const back = await unpackMask(await packMask(mask));
    expect(back.width).toBe(1000);
    expect(back.height).toBe(800);
    expect(Buffer.compare(Buffer.from(back.data), Buffer.from(mask.data))).toBe(0);
  });

  it('is compact: a 0.8 MP mask with one box packs under 4 KB', async () => {
    const packed = await packMask(boxMask(1000, 800));
    expect(packed.deflated.size).toBeLessThan(4096);
  });

  it('keeps a copy: changing the mask after packing does not change what was packed', async () => {
    const mask = boxMask(300, 200);
    const pending = packMask(mask);
    mask.data.fill(7);
    const back = await unpackMask(await pending);
    expect(back.data[0]).toBe(0);
  });

  it('refuses data that does not match the size, and garbage', async () => {
    const packed = await packMask(boxMask(300, 200));
    await expect(unpackMask({ ...packed, width: 301 })).rejects.toThrow(/bytes for 301×200/);
    await expect(unpackMask({ ...packed, height: 0 })).rejects.toThrow(/bad size/);
    await expect(unpackMask({ width: 2, height: 2, deflated: new Blob([new Uint8Array([1, 2, 3, 4])]) })).rejects.toThrow();
  });
});
