/**
 * What the UI sees of the engine. Implemented in engine-client.ts (owned by the
 * integrator): it wraps the inference worker with comlink, gives each long call
 * an AbortSignal, restarts the worker if a cancel does not take, and re-sends an
 * image the worker lost. Every method rejects with a WmError (engine/errors.ts)
 * whose `code` the UI shows.
 */
import type { Limits } from '../engine/limits';
import type { MemoryBudget } from '../engine/memory';
import type {
  DecodedInfo,
  DetectOptions,
  DetectResult,
  EncodeOptions,
  LoadProgress,
  RemoveOptions,
  RemoveProgress,
  RemoveResult,
  RuntimeInfo,
} from '../worker/protocol';
import type { ExportedMark, MarkFound, MarkProgress, MarkSidecar, MarkSummary, RepeatsFound, SharedFound } from '../worker/mark-protocol';
import type { Rect } from '../engine/types';
import type { MaskEngine } from './mask-engine.types';
import type { EngineStats } from '../worker/engine.worker';

export type { MaskEngine };

export interface EngineClient {
  /** Loads the manifest and the models (progress per file) and picks the backend. Idempotent. */
  init(onProgress?: (p: LoadProgress) => void): Promise<RuntimeInfo>;
  /** Validates (magic bytes, limits), applies EXIF orientation, keeps alpha. */
  decode(file: Blob, limits?: Partial<Limits>, budget?: MemoryBudget): Promise<DecodedInfo>;
  detect(docId: string, opts: DetectOptions, signal?: AbortSignal): Promise<DetectResult>;
  /** The documents' masks, held by the worker. */
  readonly masks: MaskEngine;
  /** Fills the document's mask as the worker holds it (strokes sent before count); the result says which mask version it used. */
  remove(
    docId: string,
    opts: RemoveOptions,
    signal?: AbortSignal,
    onProgress?: (p: RemoveProgress) => void,
  ): Promise<RemoveResult>;
  /** Encodes a removal result (or the original doc) at full resolution. */
  encode(id: { resultId: string } | { docId: string }, opts: EncodeOptions): Promise<Blob>;
  /**
   * A full-resolution bitmap of a document or a result, for the image on screen
   * (the worker decodes it again if it let it go). The caller closes it.
   */
  displayBitmap(id: { docId: string } | { resultId: string }): Promise<ImageBitmap>;
  /**
   * Marks (worker/marks.ts). Each reads the document's mask when it starts and
   * answers with a proposal: that mask with the mark's support added, held by
   * the worker until `masks.accept` (refused if the mask changed meanwhile) or
   * `masks.drop`. The worker remembers the mark for the document, so a later
   * remove() inverts it before it fills.
   */
  findRepeats(docId: string, signal?: AbortSignal, onProgress?: (p: MarkProgress) => void): Promise<RepeatsFound>;
  /** Every instance like the selection (`box`, else the largest piece of the mask). */
  findAllLike(docId: string, box: Rect | null, signal?: AbortSignal, onProgress?: (p: MarkProgress) => void): Promise<MarkFound>;
  /** One mark learned from ≥ 2 same-size documents, a proposal for each. */
  learnSharedMark(docIds: string[], signal?: AbortSignal, onProgress?: (p: MarkProgress) => void): Promise<SharedFound>;
  /** Loads a saved mark PNG (RGB = W, A = α) into the engine. */
  importMark(png: Uint8Array, sidecar?: Pick<MarkSidecar, 'opacity'>): Promise<MarkSummary>;
  /** Finds a loaded mark in a document by matching. */
  locateSavedMark(docId: string, markId: string, signal?: AbortSignal): Promise<MarkFound>;
  exportMark(markId: string): Promise<ExportedMark>;
  /** α as a grey bitmap (largest α white). */
  markPreview(markId: string): Promise<ImageBitmap>;
  /** Removal of this document goes back to the plain fill. */
  forgetMarks(docId: string): void;
  /** Frees the worker's copy of a document, its mask and its results. */
  release(docId: string): void;
  /** What the worker holds: documents, results, masks and their bytes (diagnostics: e2e tests, the memory bench). */
  stats(): Promise<EngineStats>;
  /** Current runtime info (backend may change after a WebGPU failure fell back to WASM). */
  info(): RuntimeInfo | null;
  /** Subscribe to runtime info changes (backend fallback). Returns an unsubscribe function. */
  onInfo(listener: (info: RuntimeInfo) => void): () => void;
}
