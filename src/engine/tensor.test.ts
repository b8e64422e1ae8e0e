import { describe, expect, it } from 'vitest';
import type { TensorSpec } from './model-spec';
import { detectorSize, maskToNchw, nchwToRgba, resizeRgbaArea, rgbaToNchw, roundUp } from './tensor';
import type { RgbaImage } from './types';

const rgbSpec: TensorSpec = { name: 'image', layout: 'nchw', channels: 3, meaning: 'image', colorOrder: 'rgb', range: [0, 1] };

function ramp(width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data[i * 4] = i % 256;
    data[i * 4 + 1] = (i * 7) % 256;
    data[i * 4 + 2] = (i * 13) % 256;
    data[i * 4 + 3] = 200 + (i % 56);
  }
  return { width, height, data };
}

describe('rgbaToNchw / nchwToRgba', () => {
  it('round-trips a crop exactly, padding by edge replication', () => {
    const img = ramp(9, 7);
    const rect = { x: 2, y: 1, width: 5, height: 4 };
    const t = rgbaToNchw(img, rect, 8, 8, rgbSpec);
    expect(t.length).toBe(3 * 64);
    // Padding replicates the last column / row of the crop.
    expect(t[0 * 8 + 7]).toBe(t[0 * 8 + 4]);
    expect(t[7 * 8 + 0]).toBe(t[3 * 8 + 0]);
    const back = nchwToRgba(t, 8, 8, rect, rgbSpec, img);
    for (let y = 0; y < rect.height; y++) {
      for (let x = 0; x < rect.width; x++) {
        const s = ((rect.y + y) * img.width + rect.x + x) * 4;
        const o = (y * rect.width + x) * 4;
        expect([...back.subarray(o, o + 4)]).toEqual([...img.data.subarray(s, s + 4)]);
      }
    }
  });

  it('applies BGR order and mean/std like PaddleOCR', () => {
    const img: RgbaImage = { width: 1, height: 1, data: new Uint8ClampedArray([255, 0, 51, 255]) };
    const spec: TensorSpec = { ...rgbSpec, colorOrder: 'bgr', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };
    const t = rgbaToNchw(img, { x: 0, y: 0, width: 1, height: 1 }, 1, 1, spec);
    expect(t[0]).toBeCloseTo((0.2 - 0.5) / 0.5, 5); // B first
    expect(t[1]).toBeCloseTo(-1, 5);
    expect(t[2]).toBeCloseTo(1, 5); // R last
  });

  it('maskToNchw binarises any non-zero value and zero-pads', () => {
    const mask = { width: 3, height: 2, data: new Uint8Array([0, 1, 255, 128, 0, 0]) };
    const t = maskToNchw(mask, { x: 0, y: 0, width: 3, height: 2 }, 4, 4);
    expect([...t]).toEqual([0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('resizeRgbaArea', () => {
  it('averages 2×2 blocks exactly for a factor of 2', () => {
    const img: RgbaImage = {
      width: 2,
      height: 2,
      data: new Uint8ClampedArray([0, 0, 0, 255, 100, 100, 100, 255, 200, 200, 200, 255, 100, 100, 100, 255]),
    };
    const out = resizeRgbaArea(img, 1, 1);
    expect([...out.data]).toEqual([100, 100, 100, 255]);
  });

  it('keeps a constant image constant at odd factors', () => {
    const img: RgbaImage = { width: 7, height: 5, data: new Uint8ClampedArray(7 * 5 * 4).fill(77) };
    const out = resizeRgbaArea(img, 3, 2);
    expect(out.data.every((v) => v === 77)).toBe(true);
  });
});

describe('sizes', () => {
  it('never enlarges and keeps the aspect ratio', () => {
    expect(detectorSize(4000, 3000, 1000)).toEqual({ width: 1000, height: 750 });
    expect(detectorSize(300, 200, 1000)).toEqual({ width: 300, height: 200 });
    expect(roundUp(750, 32)).toBe(768);
  });
});

import { calibrate } from './detect';

describe('calibrate', () => {
  it('maps the model threshold to 0.5 and keeps 0 and 1', () => {
    const v = new Float32Array([0, 0.1, 0.2, 0.6, 1, 1.5, -0.2]);
    calibrate(v, 0.2);
    expect(v[0]).toBe(0);
    expect(v[1]).toBeCloseTo(0.25, 6);
    expect(v[2]).toBeCloseTo(0.5, 6);
    expect(v[3]).toBeCloseTo(0.75, 6);
    expect(v[4]).toBeCloseTo(1, 6);
    expect(v[5]).toBeCloseTo(1, 6);
    expect(v[6]).toBe(0);
  });
});
