/**
 * What the engine needs to know about a model: the manifest entry's shape.
 * The engine owns these types; runtime/manifest.ts validates the JSON with zod
 * and checks (at compile time) that its schema produces exactly these.
 */

/** One model input or output. */
export interface TensorSpec {
  /** ONNX input or output name. */
  name: string;
  /** All our models are NCHW float32. */
  layout: 'nchw';
  /** C in NCHW. */
  channels: number;
  meaning: 'image' | 'mask' | 'alpha' | 'probability' | 'kind-logits' | 'clean';
  colorOrder?: 'rgb' | 'bgr' | undefined;
  /** Value range before mean/std normalisation. */
  range: [number, number];
  mean?: number[] | undefined;
  std?: number[] | undefined;
}

/** One ONNX model of public/models/manifest.json (field meanings: runtime/manifest.ts). */
export interface ModelEntry {
  id: string;
  role: 'detector' | 'remover';
  file: string;
  bytes: number;
  sha256: string;
  version: string;
  config: string;
  license: string;
  params?: number | undefined;
  precision: 'fp32' | 'fp16' | 'int8';
  sizeMultiple: number;
  maxSide?: number | undefined;
  tile?: number | undefined;
  kinds?: ('text' | 'logo' | 'pattern')[] | undefined;
  unclip: number;
  threshold: number;
  recommended: boolean;
  priority: number;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}
