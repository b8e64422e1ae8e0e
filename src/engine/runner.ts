/**
 * The seam between the engine and ONNX Runtime. runtime/ implements it; the
 * engine only sees float32 NCHW tensors and a model's manifest entry, so the
 * same pipeline runs on onnxruntime-web (browser, Node) or onnxruntime-node.
 */
import type { ModelEntry } from './model-spec';

export interface TensorF32 {
  data: Float32Array;
  dims: number[]; // NCHW
}

export interface ModelRunner {
  readonly entry: ModelEntry;
  /** The execution provider that served the last run ('webgpu', 'wasm', 'cpu'). */
  readonly backend: string;
  run(feeds: Record<string, TensorF32>, signal?: AbortSignal): Promise<Record<string, TensorF32>>;
}
