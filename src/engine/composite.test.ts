import { describe, expect, it } from 'vitest';
import { pasteCrop } from './composite';
import { createMask } from './mask';
import type { Rect, RgbaImage } from './types';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describe('pasteCrop', () => {
  it('leaves mask-0 pixels and alpha bit-identical, copies 255, blends soft values', () => {
    const r = rng(11);
    const W = 37;
    const H = 29;
    for (let trial = 0; trial < 20; trial++) {
      const dst: RgbaImage = { width: W, height: H, data: new Uint8ClampedArray(W * H * 4) };
      for (let i = 0; i < dst.data.length; i++) dst.data[i] = Math.floor(r() * 256);
      const before = dst.data.slice();
      const mask = createMask(W, H);
      for (let i = 0; i < mask.data.length; i++) {
        const u = r();
        mask.data[i] = u < 0.4 ? 0 : u < 0.7 ? 255 : Math.floor(r() * 256);
      }
      const ix = Math.floor(r() * 10);
      const iy = Math.floor(r() * 10);
      const input: Rect = { x: ix, y: iy, width: 5 + Math.floor(r() * (W - ix - 5)), height: 5 + Math.floor(r() * (H - iy - 5)) };
      const core: Rect = { x: input.x + 2, y: input.y + 1, width: input.width - 3, height: input.height - 2 };
      const crop = new Uint8ClampedArray(input.width * input.height * 4);
      for (let i = 0; i < crop.length; i++) crop[i] = Math.floor(r() * 256);
      pasteCrop(dst, crop, input, core, mask);
      const wrong: string[] = [];
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) {
          const i = y * W + x;
          const m = mask.data[i];
          const inCore = x >= core.x && x < core.x + core.width && y >= core.y && y < core.y + core.height;
          if (dst.data[i * 4 + 3] !== before[i * 4 + 3]) wrong.push(`alpha at (${x},${y})`);
          for (let c = 0; c < 3; c++) {
            const got = dst.data[i * 4 + c];
            if (!inCore || m === 0) {
              if (got !== before[i * 4 + c]) wrong.push(`untouched (${x},${y},${c}): ${got} != ${before[i * 4 + c]}`);
              continue;
            }
            const k = ((y - input.y) * input.width + (x - input.x)) * 4 + c;
            const want = m === 255 ? crop[k] : Math.round((before[i * 4 + c] * (255 - m) + crop[k] * m) / 255);
            if (got !== want) wrong.push(`m=${m} at (${x},${y},${c}): ${got} != ${want}`);
          }
        }
      expect(wrong.slice(0, 5)).toEqual([]);
    }
  });
  it('rounds a half-way blend up, not to even', () => {
    const dst: RgbaImage = { width: 1, height: 1, data: new Uint8ClampedArray([0, 1, 255, 7]) };
    const mask = createMask(1, 1);
    mask.data[0] = 128;
    const rect = { x: 0, y: 0, width: 1, height: 1 };
    pasteCrop(dst, new Uint8ClampedArray([255, 0, 0, 0]), rect, rect, mask);
    // 255·128/255 = 128; 1·127/255 = 0.498 → 0; 255·127/255 = 127.
    expect(Array.from(dst.data)).toEqual([128, 0, 127, 7]);
  });
  it('rejects a core outside its input or a wrong-size crop', () => {
    const dst: RgbaImage = { width: 4, height: 4, data: new Uint8ClampedArray(64) };
    const mask = createMask(4, 4);
    const input = { x: 0, y: 0, width: 2, height: 2 };
    expect(() => pasteCrop(dst, new Uint8ClampedArray(16), input, { x: 1, y: 1, width: 2, height: 1 }, mask)).toThrow();
    expect(() => pasteCrop(dst, new Uint8ClampedArray(12), input, input, mask)).toThrow();
    expect(() => pasteCrop(dst, new Uint8ClampedArray(16), input, input, createMask(3, 4))).toThrow();
  });
});
