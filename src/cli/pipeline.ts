/**
 * One decoded image through the engine, in memory: detect → detectionToMask,
 * or known marks → (supplied or detected) mask → removeWithMarks. The same
 * calls in the same order as the browser worker (src/worker/engine.worker.ts).
 * Shared by the CLI's files (process-file.ts) and the HTTP server's worker
 * threads (src/server/worker.ts), so `unmark remove` and `POST /v1/remove`
 * cannot drift apart. Nothing here reads or writes files.
 */
import path from 'node:path';
import { detect, detectionToMask, type KnownRegion } from '../engine/detect';
import { WmError, type SerializedError } from '../engine/errors';
import type { Limits } from '../engine/limits';
import { countMasked, createMask } from '../engine/mask';
import { dilateMask } from '../engine/mask-morphology';
import { removeWithMarks, type KnownMark, type RegionRecord } from '../engine/mark';
import type { MarkRemoveOutput } from '../engine/mark/remove';
import type { Remover } from '../engine/remove';
import type { Mask, Rect, RegionKind, RegionVerdict, RgbaImage } from '../engine/types';
import { fsModelSource, type ModelRole } from '../platform/node/model-source';
import type { LoadedModels, ModelLoadError } from '../runtime/models';
import { parseManifest } from '../runtime/verify';
import type { MarkRecord, MarkSource, MarksForImage } from './marks';

/** `models` is loading and verifying the models; only the first image that needs them pays it. */
export type Stage = 'decode' | 'models' | 'marks' | 'detect' | 'remove' | 'encode';

export interface DetectionRecord {
  kind: RegionKind;
  confidence: number;
  box: Rect;
  /** Triage's verdict (engine/triage); "content" regions are left out of the mask (used: false). */
  verdict?: RegionVerdict;
  reason?: string;
  used?: boolean;
}

/** What the pipeline learned about one image; the CLI's --json record and the server's JSON build on it. */
export interface ImageRecord {
  width?: number;
  height?: number;
  /** Milliseconds per stage; a stage that did not run is absent. */
  timings: Partial<Record<Stage | 'total', number>>;
  backend?: string;
  /** The fill used for what inversion could not undo; 'auto' = routed per region (see `regions`). */
  method?: FillChoice;
  tiles?: number;
  maskedPixels?: number;
  /** Pixels that removal changed. */
  changedPixels?: number;
  detections: DetectionRecord[];
  /** Marks looked for: repeats inside the image, the shared mark, a saved mark. */
  marks?: MarkRecord[];
  /** Each removed region and the method that removed it. */
  regions?: RegionRecord[];
  /**
   * Models that failed verification or loading while others worked, so the
   * result may differ from a full run (e.g. one detector of two).
   */
  warnings?: Array<Pick<ModelLoadError, 'code' | 'message' | 'modelId'>>;
}

export interface PipelineContext {
  limits: Limits;
  threshold: number;
  dilatePx: number;
  /** Memoised: the first image that needs models starts loading them, the rest share the promise. */
  models(): Promise<LoadedModels>;
}

export interface RemoveContext extends PipelineContext {
  method: FillChoice;
  /** Known marks for each image; none when absent. */
  markSource?: MarkSource;
  /** Fit one colour per masked region and invert overlays before the fill (--method auto). */
  oneColour: boolean;
  onTiles?: (done: number, total: number) => void;
}

export class Timer {
  readonly timings: ImageRecord['timings'] = {};
  private readonly start = performance.now();
  async time<T>(stage: Stage, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      this.timings[stage] = round((this.timings[stage] ?? 0) + performance.now() - t0);
    }
  }
  finish(): ImageRecord['timings'] {
    this.timings.total = round(performance.now() - this.start);
    return this.timings;
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/**
 * The detectors' mask of one image, and the marks the detection found for removal
 * to invert (footer bars); fills `record.backend` and `record.detections`.
 */
export async function detectMask(
  ctx: PipelineContext,
  image: RgbaImage,
  record: ImageRecord,
  timer: Timer,
  signal?: AbortSignal,
  marks: Pick<MarksForImage, 'regions' | 'periodicPicture'> = {},
): Promise<{ mask: Mask; marks: KnownMark[] }> {
  const known: readonly KnownRegion[] = marks.regions ?? [];
  const periodicPicture = marks.periodicPicture ?? false;
  const models = await timer.time('models', () => ctx.models());
  noteModelErrors(record, models, 'detector');
  if (models.detectors.length === 0) {
    const why = models.errors[0];
    throw new WmError(why?.code ?? 'E_MODEL_MISSING', why?.message ?? 'No detector model is installed.');
  }
  return timer.time('detect', async () => {
    const det = await detect(image, models.detectors, { threshold: ctx.threshold, known, periodicPicture }, signal);
    record.backend = det.backend;
    const mask = detectionToMask(det, { threshold: ctx.threshold, dilatePx: ctx.dilatePx });
    record.detections = det.regions.map((r) => ({
      kind: r.kind,
      confidence: Math.round(r.confidence * 1000) / 1000,
      box: r.box,
      ...(r.verdict ? { verdict: r.verdict, reason: r.reason, used: r.enabled } : {}),
    }));
    return { mask, marks: det.marks ?? [] };
  });
}

/** Record the models of `role` that could not be used, when others of that role worked. */
function noteModelErrors(record: ImageRecord, models: LoadedModels, role: 'detector' | 'remover'): void {
  const usable = role === 'detector' ? models.detectors : models.removers;
  if (usable.length === 0) return; // then it is this image's error, not a warning
  const failed = models.errors.filter((e) => e.role === role || e.role === undefined);
  if (failed.length === 0) return;
  const seen = new Set((record.warnings ?? []).map((w) => w.modelId));
  const add = failed.filter((e) => !seen.has(e.modelId)).map((e) => ({ code: e.code, message: e.message, modelId: e.modelId }));
  record.warnings = [...(record.warnings ?? []), ...add];
}

/**
 * Removal for one decoded image: known marks, then the supplied mask (grown by
 * `dilatePx`) or the detectors' mask, then removeWithMarks. Returns null when
 * nothing was supplied, detected or known: no output that looks "cleaned".
 */
export async function removeFromImage(
  image: RgbaImage,
  supplied: Mask | null,
  ctx: RemoveContext,
  record: ImageRecord,
  timer: Timer,
  index = 0,
  signal?: AbortSignal,
): Promise<MarkRemoveOutput | null> {
  const marks = await marksFor(ctx.markSource, image, record, timer, index, signal);
  // A given mark (--mark, --shared-mark) is the whole job: the detector would only add its false positives.
  const detectToo = !ctx.markSource?.exclusive;
  const detected = supplied || !detectToo ? null : await detectMask(ctx, image, record, timer, signal, marks);
  const mask = supplied
    ? await timer.time('detect', async () => (ctx.dilatePx > 0 ? dilateMask(supplied, ctx.dilatePx) : supplied))
    : (detected?.mask ?? createMask(image.width, image.height));
  // Marks the detection found (a footer bar: one colour, one opacity) are inverted with the known
  // ones where the one-colour fits are on (--method auto).
  const known = [...marks.known, ...(ctx.oneColour ? (detected?.marks ?? []) : [])];
  record.maskedPixels = countMasked(mask);
  if (record.maskedPixels === 0 && !supplied && known.length === 0) return null;
  const remover: Remover = ctx.method === 'model' ? await timer.time('models', () => resolveRemover(ctx, record)) : { kind: ctx.method };
  record.method = remover.kind;
  const result = await timer.time('remove', () =>
    removeWithMarks(image, record.maskedPixels ? mask : null, known, remover, { limitMarksToMask: Boolean(supplied), oneColour: ctx.oneColour, onProgress: ctx.onTiles }, signal),
  );
  if (countMasked(result.mask) === 0 && supplied) throw new WmError('E_EMPTY_MASK', 'The mask is empty: nothing to remove.');
  record.tiles = result.tiles;
  record.changedPixels = countMasked(result.mask);
  record.regions = result.regions;
  if (remover.kind === 'model' && result.tiles > 0) record.backend = result.backend;
  record.backend ??= result.backend;
  return result;
}

/** The known marks of one image (none without a source); fills `record.marks`. */
export async function marksFor(source: MarkSource | undefined, image: RgbaImage, record: ImageRecord, timer: Timer, index = 0, signal?: AbortSignal): Promise<MarksForImage> {
  if (!source) return { known: [], records: [] };
  const marks = await timer.time('marks', async () => source.forImage(image, index, signal));
  if (marks.records.length > 0) record.marks = marks.records;
  return marks;
}

/** What a skipped image (nothing detected) reports. */
export const NOTHING_DETECTED: Pick<SerializedError, 'code' | 'message'> = { code: 'E_EMPTY_MASK', message: 'No watermark was detected; nothing written.' };

async function resolveRemover(ctx: RemoveContext, record: ImageRecord): Promise<Remover> {
  const models = await ctx.models();
  noteModelErrors(record, models, 'remover');
  const runner = models.removers[0];
  if (!runner) {
    const why = models.errors.find((e) => e.code !== 'E_MODEL_MISSING') ?? models.errors[0];
    throw new WmError(why?.code ?? 'E_MODEL_MISSING', why?.message ?? 'No learned remover is installed; use --method telea.');
  }
  return { kind: 'model', runner };
}

/** 'model' when the manifest lists a remover it recommends (as the app preselects), else the routed classical fills. Reads only the manifest. */
export async function autoMethod(modelsDir: string | undefined): Promise<FillChoice> {
  try {
    const manifest = parseManifest(await fsModelSource({ dir: modelsDir ? path.resolve(modelsDir) : undefined }).manifest());
    return manifest.models.some((m) => m.role === 'remover' && m.recommended) ? 'model' : 'auto';
  } catch {
    // A broken manifest is reported per file by the detector; removal itself can still be classical.
    return 'auto';
  }
}

/** The fills a run can use: one for every region, or 'auto' (engine/fill/route.ts chooses per region). */
export type FillChoice = 'model' | 'telea' | 'patch' | 'auto';

export interface ModelsLoaderOptions {
  backend: 'wasm' | 'node-cpu';
  threads: number;
  roles: readonly ModelRole[];
  modelsDir?: string;
}

/** A memoised model loader: ORT and the engine load on first use, so `--help` and refusals stay instant. */
export function modelsLoader(opts: ModelsLoaderOptions): () => Promise<LoadedModels> {
  let models: Promise<LoadedModels> | null = null;
  return () => {
    models ??= import('../platform/node/ort-host').then((m) =>
      m.loadNodeModels({
        backend: opts.backend === 'node-cpu' ? 'cpu' : 'wasm',
        threads: opts.threads,
        roles: [...opts.roles],
        modelsDir: opts.modelsDir ? path.resolve(opts.modelsDir) : undefined,
      }),
    );
    return models;
  };
}
