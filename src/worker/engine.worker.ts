/**
 * The one inference worker. Thin: it keeps the decoded pixels of each document
 * (so 48 MP images cross the boundary once), owns the runtime, and exposes
 * engine calls. The main thread imports only `type EngineApi`.
 */
import { expose, transfer } from 'comlink';
import { detect, type Detection } from '../engine/detect';
import { toSerializedError, WmError } from '../engine/errors';
import { resolveLimits, type Limits } from '../engine/limits';
import type { MemoryBudget } from '../engine/memory';
import { removeMarks } from '../engine/remove';
import { removeWithMarks } from '../engine/mark/remove';
import { decodeFile, encodeRgba, rgbaToBitmap } from '../platform/browser/codec';
import { httpModelSource } from '../platform/browser/fetch-model';
import { loadModels, type LoadedModels } from '../runtime/models';
import { RunQueue, type Backend as OrtBackend, type OrtModule } from '../runtime/ort-runner';
import { addDoc, addResult, heldStats, holdsDoc, releaseDoc, resultPng, setKeepDecoded, withImage, withResult } from './held-images';
import { regionRecords, toDetectResult, toRemoveResult } from './results';
import { createMarkApi, marksFor, periodicPictureFor, placeDetectedMarks, releaseMarks, tiledMarkFor } from './marks';
import { MaskDocs } from './mask-docs';
import { createMaskApi } from './mask-api';
import type {
  Backend,
  DecodedInfo,
  DetectOptions,
  DetectResult,
  EncodeOptions,
  LoadProgress,
  RemoveOptions,
  RemoveProgress,
  RemoveResult,
  RuntimeInfo,
} from './protocol';

export interface InitOptions {
  /** URL of the folder holding manifest.json. */
  modelsUrl: string;
  /** Force a backend (tests, benchmarks); otherwise WebGPU if an adapter appears within the probe. */
  backend?: Backend;
  /** WASM threads; default min(4, cores) when crossOriginIsolated, else 1. */
  threads?: number;
  /** How long to wait for a WebGPU adapter. */
  probeMs?: number;
  /** Full-resolution documents (and results) kept decoded at once; the rest are decoded again on use. */
  keepDecoded?: number;
}

const detections = new Map<string, Detection>();
/** Every document's mask and undo history, keyed by the app's document id (mask-docs.ts). */
const masks = new MaskDocs();
const jobs = new Map<number, AbortController>();
let seq = 0;
// A per-worker tag keeps ids from a restarted worker distinct from the old one's.
const workerTag = Math.random().toString(36).slice(2, 8);
const newId = (prefix: string) => `${prefix}-${workerTag}-${++seq}`;

let runtime: Promise<{ models: LoadedModels; info: RuntimeInfo }> | null = null;
let infoListener: ((info: RuntimeInfo) => void) | null = null;

async function probeWebGpu(timeoutMs: number): Promise<boolean> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return false;
  const timeout = new Promise<null>((r) => setTimeout(() => r(null), timeoutMs));
  try {
    return (await Promise.race([gpu.requestAdapter(), timeout])) != null;
  } catch {
    return false;
  }
}

async function startRuntime(opts: InitOptions, onProgress?: (p: LoadProgress) => void) {
  const threads =
    opts.threads ?? (self.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1);
  const backend: Backend = opts.backend ?? ((await probeWebGpu(opts.probeMs ?? 2000)) ? 'webgpu' : 'wasm');
  const loaded = new Map<OrtBackend, Promise<OrtModule>>();
  const loadOrt = (b: OrtBackend): Promise<OrtModule> => {
    let p = loaded.get(b);
    if (!p) {
      p = (b === 'webgpu' ? import('onnxruntime-web/webgpu') : import('onnxruntime-web/wasm')).then((ort) => {
        ort.env.wasm.numThreads = threads;
        ort.env.wasm.proxy = false;
        return ort as unknown as OrtModule;
      });
      loaded.set(b, p);
    }
    return p;
  };
  const info: RuntimeInfo = {
    backend,
    threads,
    detectors: [],
    removers: [],
    unavailable: [],
    removalMethods: ['auto', 'patch', 'telea'],
    defaultMethod: 'auto',
  };
  const models = await loadModels(
    httpModelSource(opts.modelsUrl),
    {
      loadOrt,
      queue: new RunQueue(),
      onFallback: () => {
        info.backend = 'wasm';
        infoListener?.({ ...info });
      },
    },
    backend,
    onProgress,
  );
  info.detectors = models.detectors.map((d) => d.entry.id);
  info.unavailable = models.errors.map((e) => ({ modelId: e.modelId ?? '?', role: e.role ?? 'detector', code: e.code, message: e.message }));
  info.removers = models.removers.map((r) => r.entry.id);
  info.removalMethods = models.removers.length > 0 ? ['auto', 'model', 'patch', 'telea'] : ['auto', 'patch', 'telea'];
  info.defaultMethod = models.removers[0]?.entry.recommended ? 'model' : 'auto';
  const used = [...models.detectors, ...models.removers].map((r) => r.backend);
  if (used.length > 0 && used.every((b) => b === 'wasm')) info.backend = 'wasm';
  return { models, info };
}

function getRuntime() {
  if (!runtime) throw new WmError('E_BACKEND_INIT', 'The engine is not initialised.');
  return runtime;
}

/** Runs a cancellable job and turns every failure into a typed, cloneable error. */
async function job<T>(jobId: number | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctl = new AbortController();
  if (jobId !== undefined) jobs.set(jobId, ctl);
  try {
    return await work(ctl.signal);
  } catch (e) {
    throw toSerializedError(e);
  } finally {
    if (jobId !== undefined) jobs.delete(jobId);
  }
}

const api = {
  async init(opts: InitOptions, onProgress?: (p: LoadProgress) => void): Promise<RuntimeInfo & { modelErrors: ReturnType<typeof toSerializedError>[] }> {
    try {
      if (opts.keepDecoded !== undefined) {
        setKeepDecoded(opts.keepDecoded);
        masks.setKeepLive(opts.keepDecoded);
      }
      if (!runtime) {
        runtime = startRuntime(opts, onProgress);
        runtime.catch(() => {
          runtime = null;
        });
      }
      const { info, models } = await runtime;
      return { ...info, modelErrors: models.errors };
    } catch (e) {
      throw toSerializedError(e);
    }
  },

  onInfo(listener: (info: RuntimeInfo) => void): void {
    infoListener = listener;
  },

  /** `budget`: the app's memory guard; an image that would pass it is refused before decoding. */
  async decode(file: Blob, limits?: Partial<Limits>, budget?: MemoryBudget): Promise<DecodedInfo> {
    return job(undefined, async () => {
      const resolved = resolveLimits(limits);
      const { image, header, bitmap } = await decodeFile(file, resolved, budget);
      const docId = newId('doc');
      addDoc(docId, { file, limits: resolved, format: header.format }, image);
      const info: DecodedInfo = {
        docId,
        width: image.width,
        height: image.height,
        format: header.format,
        hasAlpha: header.hasAlpha ?? false,
        bitmap,
      };
      return transfer(info, [bitmap]);
    });
  },

  async detect(jobId: number, docId: string, opts: DetectOptions): Promise<DetectResult> {
    return job(jobId, async (signal) => {
      const { models } = await getRuntime();
      const t0 = performance.now();
      const { det, tiled } = await withImage(docId, async (image) => {
        // A tiled mark's lattice (cached per document): every repeat becomes one region, and removal inverts it.
        const tiled = opts.repeats !== false ? tiledMarkFor({ newId }, docId, image, signal) : null;
        const periodicPicture = opts.repeats !== false && periodicPictureFor(docId, image, signal);
        const found = await detect(image, models.detectors, { threshold: opts.threshold, known: tiled ? [tiled.region] : [], periodicPicture }, signal);
        // A footer bar the detection found is a mark removal inverts, like a lattice.
        placeDetectedMarks({ newId }, docId, found.marks ?? []);
        return { det: found, tiled };
      });
      const detectionId = newId('det');
      detections.set(detectionId, det);
      // Keep the last few: they are small (detector resolution) but for a known mark's full-resolution mask.
      if (detections.size > 8) detections.delete(detections.keys().next().value as string);
      return { ...toDetectResult(detectionId, det, performance.now() - t0), ...(tiled ? { tiled: tiled.mark } : {}) };
    });
  },

  /** `maskId`: whose mask to fill (the app's document id); read when the call arrives, so strokes sent before it count. */
  async remove(
    jobId: number,
    docId: string,
    maskId: string,
    opts: RemoveOptions,
    onProgress?: (p: RemoveProgress) => void,
  ): Promise<RemoveResult> {
    return job(jobId, (signal) => {
      const { mask, version } = masks.snapshot(maskId);
      return withImage(docId, async (image) => {
      const t0 = performance.now();
      let remover: Parameters<typeof removeMarks>[2];
      if (opts.method === 'model') {
        const { models } = await getRuntime();
        const runner = models.removers[0];
        if (!runner) throw new WmError('E_MODEL_MISSING', 'No learned remover is installed; use the classical method.');
        remover = { kind: 'model', runner };
      } else {
        remover = { kind: opts.method };
      }
      const progress = (done: number, total: number) => onProgress?.({ done, total });
      // Known marks (repeats, shared, saved) are inverted first; the fill takes what is left.
      const marks = marksFor(docId);
      const out = marks.aware
        ? await removeWithMarks(image, mask, marks.known, remover, { onProgress: progress }, signal)
        : await removeMarks(image, mask, remover, { marginPx: opts.marginPx, onProgress: progress }, signal);
      // Routed fills say per region which method made it, as mark-aware removal does.
      const regions = regionRecords(out, opts.method, image.width, image.height);
      const resultId = newId('res');
      // One result per document is enough: a new run replaces the previous one.
      addResult(resultId, docId, out.image, image);
      const bitmap = await rgbaToBitmap(out.image);
      const result = toRemoveResult({ resultId, bitmap, out, method: opts.method, regions, ms: performance.now() - t0, marksUsed: marks.aware, maskVersion: version });
      return transfer(result, [bitmap]);
      });
    });
  },

  async encode(id: { resultId: string } | { docId: string }, opts: EncodeOptions): Promise<Blob> {
    return job(undefined, async () => {
      if ('resultId' in id) {
        // A let-go result is held as exactly these bytes: no decode, no second encode.
        if (opts.format === 'png') return resultPng(id.resultId);
        return withResult(id.resultId, (image) => encodeRgba(image, opts.format, opts.quality));
      }
      return withImage(id.docId, (image) => encodeRgba(image, opts.format, opts.quality));
    });
  },

  ...createMarkApi({ image: (docId) => withImage(docId, (image) => image), job, newId, masks }),

  ...createMaskApi(masks, detections),

  /** A bitmap to show at full resolution: the app keeps one only for the image on screen. */
  async displayBitmap(id: { docId: string } | { resultId: string }): Promise<ImageBitmap> {
    return job(undefined, async () => {
      const bitmap = await ('docId' in id ? withImage(id.docId, rgbaToBitmap) : withResult(id.resultId, rgbaToBitmap));
      return transfer(bitmap, [bitmap]);
    });
  },

  /** Frees a document's pixels and results (the worker's id); its mask goes with maskRelease (the app's id). */
  release(docId: string): void {
    releaseMarks(docId);
    releaseDoc(docId);
  },

  holds(docId: string): boolean {
    return holdsDoc(docId);
  },

  cancel(jobId: number): void {
    jobs.get(jobId)?.abort();
  },

  /** Diagnostics for tests and the speed benchmark. */
  stats(): EngineStats {
    const { masks: count, live, ...bytes } = masks.stats();
    return { ...heldStats(), ...bytes, detections: detections.size, masks: count, liveMasks: live, crossOriginIsolated: self.crossOriginIsolated };
  },
};

export type EngineApi = typeof api;

/** What the worker holds (diagnostics: tests, the speed and memory benchmarks). */
export type EngineStats = ReturnType<typeof heldStats> &
  Omit<ReturnType<MaskDocs['stats']>, 'masks' | 'live'> & { detections: number; masks: number; liveMasks: number; crossOriginIsolated: boolean };

expose(api);
