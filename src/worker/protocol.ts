/**
 * Shapes that cross the worker boundary. Plain data only (structured clone).
 * The main thread imports these types and `type EngineApi` from engine.worker.ts,
 * never the worker's implementation.
 */
import type { SerializedError } from '../engine/errors';
import type { ImageFormat, Mask, Region } from '../engine/types';
import type { Limits } from '../engine/limits';
import type { MaskOp } from '../engine/mask';
import type { MarkSummary, RegionMethodRecord } from './mark-protocol';

export type Backend = 'webgpu' | 'wasm';

export interface RuntimeInfo {
  /** The execution provider actually in use for the last successful session. */
  backend: Backend;
  /** True when WASM runs multithreaded (page is crossOriginIsolated). */
  threads: number;
  /** Model ids by role, as loaded from the manifest. */
  detectors: string[];
  removers: string[];
  /**
   * Models of the manifest that failed to download, verify or start, while
   * the others work. The UI must show them (issue 11, item 2).
   */
  unavailable: UnavailableModel[];
  /** 'auto', 'patch' and 'telea' are always available: they need no model. */
  removalMethods: RemovalMethod[];
  /** The method the app should preselect: the learned remover if the manifest recommends it, else 'auto'. */
  defaultMethod: RemovalMethod;
}

export interface UnavailableModel {
  modelId: string;
  role: 'detector' | 'remover';
  code: SerializedError['code'];
  message: string;
}

export interface LoadProgress {
  modelId: string;
  file: string;
  loaded: number;
  total: number;
  /** 'download' while bytes arrive, 'verify' during the sha256 check, 'ready' when the session exists. */
  phase: 'download' | 'verify' | 'session' | 'ready';
}

export interface DecodedInfo {
  docId: string;
  width: number;
  height: number;
  format: ImageFormat;
  hasAlpha: boolean;
  /** Full-resolution bitmap for display; the worker keeps the pixels for processing. */
  bitmap: ImageBitmap;
}

export interface DetectOptions {
  threshold: number; // [0, 1], default 0.5
  /** Look for a tiled mark repeated across the image too (default true); an accepted lattice is one more region, and removal inverts it. */
  repeats?: boolean;
}

export interface DetectResult {
  detectionId: string;
  regions: Region[];
  ms: number;
  backend: Backend;
  /** The tiled mark the lattice search accepted (also registered for removal), if any. */
  tiled?: MarkSummary;
}

export interface DetectionMaskOptions {
  threshold: number;
  disabledRegionIds: number[];
  /** Extra dilation in image pixels applied after thresholding. */
  dilatePx: number;
}

/** 'auto': each region gets Telea or the patch fill (engine/fill/route.ts). */
export type RemovalMethod = 'model' | 'telea' | 'patch' | 'auto';

export interface RemoveOptions {
  method: RemovalMethod;
  /** Context margin around each masked region, in pixels. */
  marginPx?: number;
}

export interface RemoveProgress {
  done: number;
  total: number;
}

export interface RemoveResult {
  resultId: string;
  bitmap: ImageBitmap;
  tiles: number;
  ms: number;
  backend: Backend | 'cpu';
  method: RemovalMethod;
  /** How each region was made, when the document had a known mark or the fill was routed ('auto') (mark-protocol.ts). */
  regions?: RegionMethodRecord[];
  /** The document's known marks were inverted first (mark-aware removal). */
  marksUsed: boolean;
  /** The mask's version the result was made from (MaskChange.version), to tell when it is out of date. */
  maskVersion: number;
}

export interface EncodeOptions {
  format: ImageFormat;
  /** 0..1 for JPEG/WebP. */
  quality?: number;
}

export type { SerializedError, Limits, MaskOp, Mask };
