/**
 * Loads the manifest and its models: download (with progress), size and
 * sha256 check, then one OrtRunner per model. Platform specifics (fetch in the
 * browser, fs in Node) come in through ModelSource.
 */
import { toSerializedError, WmError, type SerializedError } from '../engine/errors';
import type { Manifest, ModelEntry } from './manifest';
import { OrtRunner, type Backend, type RunnerHost } from './ort-runner';
import { parseManifest, verifyModelBytes } from './verify';

export interface ModelSource {
  manifest(): Promise<unknown>;
  bytes(entry: ModelEntry, onProgress: (loaded: number, total: number) => void): Promise<Uint8Array>;
}

export interface ModelProgress {
  modelId: string;
  file: string;
  loaded: number;
  total: number;
  phase: 'download' | 'verify' | 'session' | 'ready';
}

/** Why one model of the manifest cannot be used. */
export interface ModelLoadError extends SerializedError {
  modelId?: string;
  role?: ModelEntry['role'];
}

export interface LoadedModels {
  manifest: Manifest;
  detectors: OrtRunner[];
  removers: OrtRunner[];
  /** Models that could not be used, with the reason. The rest still work. */
  errors: ModelLoadError[];
}

export async function loadModels(
  source: ModelSource,
  host: RunnerHost,
  backend: Backend,
  onProgress: (p: ModelProgress) => void = () => undefined,
): Promise<LoadedModels> {
  let manifest: Manifest;
  try {
    manifest = parseManifest(await source.manifest());
  } catch (e) {
    if (e instanceof WmError) throw e;
    throw new WmError('E_MANIFEST_INVALID', `Could not read the model manifest: ${(e as Error).message ?? e}`, { cause: e });
  }
  const detectors: OrtRunner[] = [];
  const removers: OrtRunner[] = [];
  const errors: ModelLoadError[] = [];
  const ordered = [...manifest.models].sort((a, b) => b.priority - a.priority);
  // Sequential: one big download at a time keeps progress meaningful and memory flat.
  for (const entry of ordered) {
    const report = (phase: ModelProgress['phase'], loaded: number) =>
      onProgress({ modelId: entry.id, file: entry.file, loaded, total: entry.bytes, phase });
    try {
      report('download', 0);
      const bytes = await source.bytes(entry, (loaded) => report('download', loaded));
      report('verify', bytes.byteLength);
      await verifyModelBytes(entry, bytes);
      report('session', bytes.byteLength);
      const runner = new OrtRunner(entry, bytes, host, backend);
      await runner.warm();
      report('ready', bytes.byteLength);
      (entry.role === 'detector' ? detectors : removers).push(runner);
    } catch (e) {
      errors.push({ ...toSerializedError(e), modelId: entry.id, role: entry.role });
    }
  }
  return { manifest, detectors, removers, errors };
}
