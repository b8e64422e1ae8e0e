/** Fakes for pipeline tests: model runners whose output is a known function of their input. */
import type { ModelEntry } from './model-spec';
import { seededRandom } from './random';
import type { ModelRunner, TensorF32 } from './runner';
import type { Mask, RgbaImage } from './types';

export function entry(partial: Partial<ModelEntry> & Pick<ModelEntry, 'id' | 'role' | 'inputs' | 'outputs'>): ModelEntry {
  return {
    file: `${partial.id}.onnx`,
    bytes: 1,
    sha256: '0'.repeat(64),
    version: 'test',
    config: 'test',
    license: 'test',
    precision: 'fp32',
    sizeMultiple: 32,
    unclip: 0,
    threshold: 0.5,
    recommended: true,
    priority: 0,
    ...partial,
  };
}

export class FakeRunner implements ModelRunner {
  calls = 0;
  backend = 'wasm';
  constructor(
    readonly entry: ModelEntry,
    private readonly fn: (feeds: Record<string, TensorF32>) => Record<string, TensorF32>,
  ) {}
  async run(feeds: Record<string, TensorF32>): Promise<Record<string, TensorF32>> {
    this.calls++;
    return this.fn(feeds);
  }
}

/** A detector that outputs 1 where the red channel exceeds 0.9 and green/blue are below 0.2, at stride 1. */
export function redDetector(maxSide = 256): FakeRunner {
  const e = entry({
    id: 'red-detector',
    role: 'detector',
    maxSide,
    kinds: ['logo'],
    inputs: [{ name: 'image', layout: 'nchw', channels: 3, meaning: 'image', colorOrder: 'rgb', range: [0, 1] }],
    outputs: [{ name: 'alpha', layout: 'nchw', channels: 1, meaning: 'alpha', range: [0, 1] }],
  });
  return new FakeRunner(e, (feeds) => {
    const x = feeds.image;
    const [, , h, w] = x.dims;
    const plane = h * w;
    const out = new Float32Array(plane);
    for (let i = 0; i < plane; i++) out[i] = x.data[i] > 0.9 && x.data[plane + i] < 0.2 && x.data[2 * plane + i] < 0.2 ? 1 : 0;
    return { alpha: { data: out, dims: [1, 1, h, w] } };
  });
}

/** A remover that paints every pixel a constant colour, so changes are easy to see. */
export function constantRemover(value = 0.5, tile = 128): FakeRunner {
  const e = entry({
    id: 'const-remover',
    role: 'remover',
    tile,
    inputs: [
      { name: 'image', layout: 'nchw', channels: 3, meaning: 'image', colorOrder: 'rgb', range: [0, 1] },
      { name: 'mask', layout: 'nchw', channels: 1, meaning: 'mask', range: [0, 1] },
    ],
    outputs: [{ name: 'clean', layout: 'nchw', channels: 3, meaning: 'clean', colorOrder: 'rgb', range: [0, 1] }],
  });
  return new FakeRunner(e, (feeds) => {
    const [, , h, w] = feeds.image.dims;
    if (h % 32 !== 0 || w % 32 !== 0) throw new Error(`unpadded input ${w}×${h}`);
    if (w > tile || h > tile) throw new Error(`tile too large ${w}×${h}`);
    return { clean: { data: new Float32Array(3 * h * w).fill(value), dims: [1, 3, h, w] } };
  });
}

export function noiseImage(width: number, height: number, seed = 1): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    data[i] = (i & 3) === 3 ? 255 : s >>> 24;
  }
  return { width, height, data };
}

/** A mask with each pixel set (255) with probability `density`, from a seeded generator (failures reproduce). */
export function randomMask(w: number, h: number, density: number, seed: number): Mask {
  const r = seededRandom(seed);
  const data = new Uint8Array(w * h);
  for (let i = 0; i < data.length; i++) data[i] = r() < density ? 255 : 0;
  return { width: w, height: h, data };
}
