import { WmError } from '../../engine/errors';
import type { ModelEntry } from '../../runtime/manifest';
import type { ModelSource } from '../../runtime/models';

/** Fetches the manifest and models relative to `baseUrl`, streaming for progress. */
export function httpModelSource(baseUrl: string): ModelSource {
  return {
    async manifest() {
      const res = await fetch(new URL('manifest.json', baseUrl));
      if (!res.ok) throw new WmError('E_MODEL_FETCH', `Could not load the model manifest (HTTP ${res.status}).`);
      return res.json();
    },
    async bytes(entry: ModelEntry, onProgress) {
      let res: Response;
      try {
        res = await fetch(new URL(entry.file, baseUrl));
      } catch (e) {
        throw new WmError('E_MODEL_FETCH', `Could not download ${entry.file}: you may be offline and the model is not cached yet.`, { cause: e });
      }
      if (!res.ok || !res.body) throw new WmError('E_MODEL_FETCH', `Could not download ${entry.file} (HTTP ${res.status}).`);
      const out = new Uint8Array(entry.bytes);
      let loaded = 0;
      const reader = res.body.getReader();
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (e) {
          // The connection dropped mid-body: say so, with how far it got, under the download's code.
          throw new WmError('E_MODEL_FETCH', `The download of ${entry.file} was interrupted after ${loaded} of ${entry.bytes} bytes. Reload to try again.`, { cause: e });
        }
        const { done, value } = chunk;
        if (done) break;
        if (loaded + value.byteLength > out.byteLength) {
          // Larger than the manifest says: keep reading into a growable copy so the size check reports it.
          const bigger = new Uint8Array(Math.max(out.byteLength * 2, loaded + value.byteLength));
          bigger.set(out.subarray(0, loaded));
          bigger.set(value, loaded);
          loaded += value.byteLength;
          return readRest(reader, bigger, loaded);
        }
        out.set(value, loaded);
        loaded += value.byteLength;
        onProgress(loaded, entry.bytes);
      }
      return loaded === out.byteLength ? out : out.subarray(0, loaded);
    },
  };
}

async function readRest(reader: ReadableStreamDefaultReader<Uint8Array>, buf: Uint8Array, loaded: number): Promise<Uint8Array> {
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return buf.subarray(0, loaded);
    if (loaded + value.byteLength > buf.byteLength) {
      const bigger = new Uint8Array((loaded + value.byteLength) * 2);
      bigger.set(buf.subarray(0, loaded));
      buf = bigger;
    }
    buf.set(value, loaded);
    loaded += value.byteLength;
  }
}
