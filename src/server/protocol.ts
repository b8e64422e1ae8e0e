/**
 * Messages between the server and its worker threads. Image bytes travel as
 * transferred ArrayBuffers (never copied, never written anywhere); errors as
 * the engine's SerializedError, so a worker's refusal keeps its code.
 */
import type { SerializedError } from '../engine/errors';
import type { ModelLoadError } from '../runtime/models';
import type { ImageRecord } from '../cli/pipeline';
import type { ImageFormat } from '../engine/types';

export type RemoveMethod = 'auto' | 'model' | 'telea' | 'patch';
export type OutputFormat = ImageFormat | 'same';

export type Job =
  /** Load and verify the models; the answer is what /readyz and ml_model_parameters report. */
  | { kind: 'warm' }
  | { kind: 'detect'; image: Uint8Array; threshold: number }
  | { kind: 'remove'; image: Uint8Array; mask: Uint8Array | null; method: RemoveMethod; format: OutputFormat; threshold: number };

export interface ModelInfo {
  id: string;
  role: string;
  /** Learnable parameters, from the manifest when it says. */
  params: number | null;
}

export type JobResult =
  | { kind: 'warm'; models: ModelInfo[]; errors: ModelLoadError[] }
  | { kind: 'detect'; record: ImageRecord; maskPng: Uint8Array }
  | { kind: 'remove'; record: ImageRecord; output: Uint8Array; format: ImageFormat };

export type ToWorker = { id: number; job: Job };
export type FromWorker = { id: number; ok: true; result: JobResult } | { id: number; ok: false; error: SerializedError };

/** What every worker is started with (workerData). */
export interface WorkerConfig {
  modelsDir?: string;
  backend: 'wasm' | 'node-cpu';
  threads: number;
  limits: import('../engine/limits').Limits;
  /** Test entries read their own settings from here. */
  test?: Record<string, number>;
}

/**
 * These bytes in an ArrayBuffer of their own, so that transferring it moves
 * exactly them (a Node Buffer may be a view into a shared pool, which a
 * transfer would detach from under everyone else).
 */
export function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
}
