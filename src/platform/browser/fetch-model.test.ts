import { afterEach, describe, expect, it, vi } from 'vitest';
import { entry } from '../../engine/testing';
import { loadModels } from '../../runtime/models';
import { RunQueue } from '../../runtime/ort-runner';
import { httpModelSource } from './fetch-model';

const model = entry({
  id: 'rem',
  role: 'remover',
  bytes: 1000,
  inputs: [{ name: 'image', layout: 'nchw', channels: 3, meaning: 'image', range: [0, 1] }],
  outputs: [{ name: 'alpha', layout: 'nchw', channels: 1, meaning: 'alpha', range: [0, 1] }],
});

/** A response whose body delivers `sent` bytes, then fails as a dropped connection does. */
function droppedAfter(sent: number): Response {
  let pulled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!pulled) {
        pulled = true;
        controller.enqueue(new Uint8Array(sent));
        return;
      }
      controller.error(new TypeError('network error'));
    },
  });
  return new Response(body, { status: 200, headers: { 'content-length': '1000' } });
}

afterEach(() => vi.unstubAllGlobals());

describe('fault: a model download interrupted halfway', () => {
  it('fails that model with E_MODEL_FETCH, saying how far it got', async () => {
    vi.stubGlobal('fetch', async () => droppedAfter(500));
    const progress: number[] = [];
    await expect(httpModelSource('http://x/models/').bytes(model, (loaded) => progress.push(loaded))).rejects.toMatchObject({
      code: 'E_MODEL_FETCH',
      message: expect.stringMatching(/interrupted after 500 of 1000 bytes/),
    });
    expect(progress).toEqual([500]);
  });

  it('leaves the other models usable: loadModels lists it under errors with its id', async () => {
    vi.stubGlobal('fetch', async () => droppedAfter(500));
    const source = httpModelSource('http://x/models/');
    const models = await loadModels(
      { manifest: async () => ({ schema: 1, models: [model] }), bytes: source.bytes },
      { loadOrt: async () => { throw new Error('no session expected'); }, queue: new RunQueue() },
      'wasm',
    );
    expect(models.removers).toEqual([]);
    expect(models.errors).toEqual([expect.objectContaining({ code: 'E_MODEL_FETCH', modelId: 'rem', role: 'remover' })]);
  });
});
