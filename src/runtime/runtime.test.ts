import { describe, expect, it } from 'vitest';
import type { ModelEntry } from './manifest';
import { loadModels, type ModelSource } from './models';
import { RunQueue, type Backend, type OrtModule } from './ort-runner';
import { parseManifest, sha256Hex, verifyModelBytes } from './verify';

const bytes = new TextEncoder().encode('not really an onnx model');

async function entryFor(id: string, role: 'detector' | 'remover', data: Uint8Array): Promise<ModelEntry> {
  return parseManifest({
    schema: 1,
    models: [
      {
        id,
        role,
        file: `${id}.onnx`,
        bytes: data.byteLength,
        sha256: await sha256Hex(data),
        version: '1',
        config: 'test',
        license: 'test',
        inputs: [{ name: 'image', layout: 'nchw', channels: 3, meaning: 'image', range: [0, 1] }],
        outputs: [{ name: 'alpha', layout: 'nchw', channels: 1, meaning: 'alpha', range: [0, 1] }],
      },
    ],
  }).models[0];
}

describe('manifest', () => {
  it('rejects a manifest with a bad hash field, naming the path', () => {
    expect(() => parseManifest({ schema: 1, models: [{ id: 'x', sha256: 'zz' }] })).toThrowError(/models\.0/);
    try {
      parseManifest({ schema: 2, models: [] });
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'E_MANIFEST_INVALID' });
    }
  });

  it('rejects duplicate ids', async () => {
    const e = await entryFor('a', 'detector', bytes);
    expect(() => parseManifest({ schema: 1, models: [e, e] })).toThrowError(/twice/);
  });

  it('accepts the shipped manifest', async () => {
    const { readFileSync } = await import('node:fs');
    const m = parseManifest(JSON.parse(readFileSync(new URL('../../public/models/manifest.json', import.meta.url), 'utf8')));
    expect(m.models.some((x) => x.role === 'detector')).toBe(true);
  });
});

describe('verifyModelBytes', () => {
  it('accepts matching bytes and rejects a changed byte or size with distinct codes', async () => {
    const e = await entryFor('m', 'detector', bytes);
    await expect(verifyModelBytes(e, bytes)).resolves.toBeUndefined();
    const tampered = bytes.slice();
    tampered[3] ^= 1;
    await expect(verifyModelBytes(e, tampered)).rejects.toMatchObject({ code: 'E_MODEL_HASH_MISMATCH' });
    await expect(verifyModelBytes(e, bytes.subarray(1))).rejects.toMatchObject({ code: 'E_MODEL_SIZE_MISMATCH' });
  });
});

/**
 * A fake ORT whose WebGPU sessions fail to run, to exercise the fallback.
 * `failWebGpuAt: number` loses the device at that WebGPU run (1-based) and
 * every one after it, as a real device loss does.
 */
function fakeOrt(log: string[], failWebGpuAt: 'create' | 'run' | 'never' | number): (b: Backend) => Promise<OrtModule> {
  let webGpuRuns = 0;
  return async (backend: Backend) =>
    ({
      Tensor: class {
        constructor(
          public type: string,
          public data: Float32Array,
          public dims: number[],
        ) {}
      },
      InferenceSession: {
        create: async (_bytes: Uint8Array, opts: { executionProviders: string[] }) => {
          const ep = opts.executionProviders[0];
          log.push(`create:${backend}:${ep}`);
          if (ep === 'webgpu' && failWebGpuAt === 'create') throw new Error('no adapter');
          return {
            run: async (feeds: Record<string, { data: Float32Array; dims: number[] }>) => {
              log.push(`run:${ep}`);
              if (ep === 'webgpu' && failWebGpuAt === 'run') throw new Error('device lost');
              if (ep === 'webgpu' && typeof failWebGpuAt === 'number' && ++webGpuRuns >= failWebGpuAt) {
                throw new Error('GPUDevice was lost: the device was destroyed');
              }
              const x = Object.values(feeds)[0];
              return { alpha: { location: 'cpu', type: 'float32', data: x.data.map((v) => v * 2), dims: x.dims, dispose() {} } };
            },
            release: async () => undefined,
          };
        },
      },
    }) as unknown as OrtModule;
}

function source(entries: ModelEntry[], files: Record<string, Uint8Array>): ModelSource {
  return {
    manifest: async () => ({ schema: 1, models: entries }),
    bytes: async (e, onProgress) => {
      onProgress(files[e.file].byteLength, e.bytes);
      return files[e.file];
    },
  };
}

describe('loadModels', () => {
  it('falls back from WebGPU to WASM when a run fails, and retries the same work', async () => {
    const e = await entryFor('det', 'detector', bytes);
    const log: string[] = [];
    const fallbacks: string[] = [];
    const models = await loadModels(
      source([e], { 'det.onnx': bytes }),
      { loadOrt: fakeOrt(log, 'run'), queue: new RunQueue(), onFallback: (id) => fallbacks.push(id) },
      'webgpu',
    );
    expect(models.errors).toEqual([]);
    const out = await models.detectors[0].run({ image: { data: new Float32Array([1, 2]), dims: [1, 1, 1, 2] } });
    expect([...out.alpha.data]).toEqual([2, 4]);
    expect(log).toEqual(['create:webgpu:webgpu', 'run:webgpu', 'create:wasm:wasm', 'run:wasm']);
    expect(fallbacks).toEqual(['det']);
    expect(models.detectors[0].backend).toBe('wasm');
  });

  it('fault: the WebGPU device lost in the middle of a run of tiles: that tile and the rest run on WASM, none lost', async () => {
    const e = await entryFor('rem', 'remover', bytes);
    const log: string[] = [];
    const fallbacks: string[] = [];
    const models = await loadModels(
      source([e], { 'rem.onnx': bytes }),
      { loadOrt: fakeOrt(log, 3), queue: new RunQueue(), onFallback: (id) => fallbacks.push(id) },
      'webgpu',
    );
    const runner = models.removers[0];
    // Five tiles queued at once, as removeMarks does; the device goes at the third.
    const outs = await Promise.all([1, 2, 3, 4, 5].map((v) => runner.run({ image: { data: new Float32Array([v]), dims: [1, 1, 1, 1] } })));
    expect(outs.map((o) => o.alpha.data[0])).toEqual([2, 4, 6, 8, 10]);
    expect(log).toEqual(['create:webgpu:webgpu', 'run:webgpu', 'run:webgpu', 'run:webgpu', 'create:wasm:wasm', 'run:wasm', 'run:wasm', 'run:wasm']);
    expect(fallbacks).toEqual(['rem']);
    expect(runner.backend).toBe('wasm');
  });

  it('falls back when the WebGPU session cannot be created', async () => {
    const e = await entryFor('det', 'detector', bytes);
    const log: string[] = [];
    const models = await loadModels(source([e], { 'det.onnx': bytes }), { loadOrt: fakeOrt(log, 'create'), queue: new RunQueue() }, 'webgpu');
    expect(models.detectors[0].backend).toBe('wasm');
    expect(log).toEqual(['create:webgpu:webgpu', 'create:wasm:wasm']);
  });

  it('never builds a session for a model whose hash does not match, and keeps the others', async () => {
    const good = await entryFor('det', 'detector', bytes);
    const bad = { ...(await entryFor('rem', 'remover', bytes)) };
    const tampered = bytes.slice();
    tampered[0] ^= 0xff;
    const log: string[] = [];
    const models = await loadModels(
      source([good, bad], { 'det.onnx': bytes, 'rem.onnx': tampered }),
      { loadOrt: fakeOrt(log, 'never'), queue: new RunQueue() },
      'wasm',
    );
    expect(models.detectors).toHaveLength(1);
    expect(models.removers).toHaveLength(0);
    expect(models.errors).toEqual([expect.objectContaining({ code: 'E_MODEL_HASH_MISMATCH' })]);
    expect(log).toEqual(['create:wasm:wasm']);
  });
});
