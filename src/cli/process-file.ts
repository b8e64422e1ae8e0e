/**
 * One file through the engine, the same calls in the same order as the
 * browser worker (src/worker/engine.worker.ts): validateInput → decode →
 * detect → detectionToMask → removeMarks → encode. Nothing here touches
 * pixels; the CLI only adds files, timings and records.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { detect, detectionToMask } from '../engine/detect';
import { toSerializedError, WmError, type SerializedError } from '../engine/errors';
import type { Limits } from '../engine/limits';
import { countMasked, createMask, dilateMask } from '../engine/mask';
import { removeWithMarks, type RegionRecord } from '../engine/mark';
import type { Remover } from '../engine/remove';
import type { Mask, Rect, RegionKind, RegionVerdict } from '../engine/types';
import { checkFileSize } from '../engine/validate';
import { decodeImage, decodeMask, encodeImage, encodeMaskPng } from '../platform/node/codec';
import type { LoadedModels, ModelLoadError } from '../runtime/models';
import type { MarkRecord, MarkSource } from './marks';
import { checkOutputName, type PlannedFile } from './outputs';

/** `models` is loading and verifying the models; only the first file that needs them pays it. */
export type Stage = 'decode' | 'models' | 'marks' | 'detect' | 'remove' | 'encode';
export type FileStatus = 'ok' | 'skipped' | 'failed';

export interface DetectionRecord {
  kind: RegionKind;
  confidence: number;
  box: Rect;
  /** Triage's verdict; "content" regions are left out of the mask (used: false). */
  verdict?: RegionVerdict;
  reason?: string;
  used?: boolean;
}

/** One line of `--json` output. */
export interface FileRecord {
  file: string;
  output: string | null;
  maskOutput?: string | null;
  status: FileStatus;
  width?: number;
  height?: number;
  /** Milliseconds per stage; a stage that did not run is absent. */
  timings: Partial<Record<Stage | 'total', number>>;
  backend?: string;
  /** The fill used for what inversion could not undo; 'auto' = routed per region (see `regions`). */
  method?: FillChoice;
  tiles?: number;
  maskedPixels?: number;
  /** Pixels that removal changed (the mask written by --mask-out). */
  changedPixels?: number;
  detections: DetectionRecord[];
  /** Marks looked for: repeats inside the image, the shared mark, a saved mark. */
  marks?: MarkRecord[];
  /** Each removed region and the method that removed it. */
  regions?: RegionRecord[];
  error?: Pick<SerializedError, 'code' | 'message'>;
  /**
   * Models that failed verification or loading while others worked, so the
   * result may differ from a full run (e.g. one detector of two). Present only
   * when there are some; the batch then exits 1 unless --allow-missing-models.
   */
  warnings?: Array<Pick<ModelLoadError, 'code' | 'message' | 'modelId'>>;
}

export interface PipelineContext {
  limits: Limits;
  threshold: number;
  dilatePx: number;
  /** Memoised: the first file that needs models starts loading them, the rest share the promise. */
  models(): Promise<LoadedModels>;
  /** For display: paths relative to the working directory. */
  display(p: string): string;
}

/** The fills a run can use: one for every region, or 'auto' (engine/fill/route.ts chooses per region). */
export type FillChoice = 'model' | 'telea' | 'patch' | 'auto';

export interface RemoveContext extends PipelineContext {
  method: FillChoice;
  /** Known marks for each image; none when absent. */
  markSource?: MarkSource;
  /** Fit one colour per masked region and invert overlays before the fill (--method auto). */
  oneColour: boolean;
  quality?: number;
  onTiles?: (done: number, total: number) => void;
}

class Timer {
  readonly timings: FileRecord['timings'] = {};
  private readonly start = performance.now();
  async time<T>(stage: Stage, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      this.timings[stage] = round((this.timings[stage] ?? 0) + performance.now() - t0);
    }
  }
  finish(): FileRecord['timings'] {
    this.timings.total = round(performance.now() - this.start);
    return this.timings;
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

async function detectMask(
  ctx: PipelineContext,
  image: Parameters<typeof detect>[0],
  record: FileRecord,
  timer: Timer,
  signal?: AbortSignal,
): Promise<Mask> {
  const models = await timer.time('models', () => ctx.models());
  noteModelErrors(record, models, 'detector');
  if (models.detectors.length === 0) {
    const why = models.errors[0];
    throw new WmError(why?.code ?? 'E_MODEL_MISSING', why?.message ?? 'No detector model is installed.');
  }
  return timer.time('detect', async () => {
    const det = await detect(image, models.detectors, { threshold: ctx.threshold }, signal);
    record.backend = det.backend;
    record.detections = det.regions.map((r) => ({
      kind: r.kind,
      confidence: Math.round(r.confidence * 1000) / 1000,
      box: r.box,
      ...(r.verdict ? { verdict: r.verdict, reason: r.reason, used: r.enabled } : {}),
    }));
    return detectionToMask(det, { threshold: ctx.threshold, dilatePx: ctx.dilatePx });
  });
}

/** Size first (stat), so a file over the limit is refused without reading it; then the bytes. */
async function readInput(file: string, limits: Limits): Promise<Uint8Array> {
  checkFileSize((await stat(file)).size, limits);
  return readFile(file);
}

/** Record the models of `role` that could not be used, when others of that role worked. */
function noteModelErrors(record: FileRecord, models: LoadedModels, role: 'detector' | 'remover'): void {
  const usable = role === 'detector' ? models.detectors : models.removers;
  if (usable.length === 0) return; // then it is this file's error, not a warning
  const failed = models.errors.filter((e) => e.role === role || e.role === undefined);
  if (failed.length === 0) return;
  const seen = new Set((record.warnings ?? []).map((w) => w.modelId));
  const add = failed.filter((e) => !seen.has(e.modelId)).map((e) => ({ code: e.code, message: e.message, modelId: e.modelId }));
  record.warnings = [...(record.warnings ?? []), ...add];
}

export async function detectFile(job: PlannedFile, ctx: PipelineContext, signal?: AbortSignal): Promise<FileRecord> {
  const record: FileRecord = { file: ctx.display(job.input.abs), output: null, status: 'failed', timings: {}, detections: [] };
  const timer = new Timer();
  try {
    checkOutputName(job.output);
    const { image } = await timer.time('decode', async () => decodeImage(await readInput(job.input.abs, ctx.limits), ctx.limits));
    record.width = image.width;
    record.height = image.height;
    const mask = await detectMask(ctx, image, record, timer, signal);
    record.maskedPixels = countMasked(mask);
    await timer.time('encode', async () => writeAtomic(job.output, await encodeMaskPng(mask)));
    record.output = ctx.display(job.output);
    record.status = 'ok';
  } catch (e) {
    record.error = errorOf(e);
  }
  record.timings = timer.finish();
  return record;
}

export async function removeFile(job: PlannedFile, ctx: RemoveContext, signal?: AbortSignal, index = 0): Promise<FileRecord> {
  const record: FileRecord = { file: ctx.display(job.input.abs), output: null, status: 'failed', timings: {}, detections: [] };
  if (job.maskOutput) record.maskOutput = null;
  const timer = new Timer();
  try {
    checkOutputName(job.output);
    if (job.maskOutput) checkOutputName(job.maskOutput);
    const { image } = await timer.time('decode', async () => decodeImage(await readInput(job.input.abs, ctx.limits), ctx.limits));
    record.width = image.width;
    record.height = image.height;
    const marks = ctx.markSource ? await timer.time('marks', async () => ctx.markSource!.forImage(image, index, signal)) : { known: [], records: [] };
    if (marks.records.length > 0) record.marks = marks.records;
    // A given mark (--mark, --shared-mark) is the whole job: the detector would only add its false positives.
    const detectToo = !ctx.markSource?.exclusive;
    const mask = job.maskInput
      ? await timer.time('detect', async () => {
          const supplied = await readMask(job.maskInput as string, ctx.limits);
          return ctx.dilatePx > 0 ? dilateMask(supplied, ctx.dilatePx) : supplied;
        })
      : detectToo
        ? await detectMask(ctx, image, record, timer, signal)
        : createMask(image.width, image.height);
    record.maskedPixels = countMasked(mask);
    if (record.maskedPixels === 0 && !job.maskInput && marks.known.length === 0) {
      // Nothing detected: not a failure of the batch, and no output that looks "cleaned".
      record.status = 'skipped';
      record.error = { code: 'E_EMPTY_MASK', message: 'No watermark was detected; nothing written.' };
      record.timings = timer.finish();
      return record;
    }
    const remover: Remover = ctx.method === 'model' ? await timer.time('models', () => resolveRemover(ctx, record)) : { kind: ctx.method };
    record.method = remover.kind;
    const result = await timer.time('remove', () =>
      removeWithMarks(image, record.maskedPixels ? mask : null, marks.known, remover, { limitMarksToMask: Boolean(job.maskInput), oneColour: ctx.oneColour, onProgress: ctx.onTiles }, signal),
    );
    if (countMasked(result.mask) === 0 && job.maskInput) throw new WmError('E_EMPTY_MASK', 'The mask is empty: nothing to remove.');
    record.tiles = result.tiles;
    record.changedPixels = countMasked(result.mask);
    record.regions = result.regions;
    if (remover.kind === 'model' && result.tiles > 0) record.backend = result.backend;
    record.backend ??= result.backend;
    await timer.time('encode', async () => {
      const encoded = await encodeImage(result.image, { format: job.format, quality: ctx.quality });
      await writeAtomic(job.output, encoded);
      record.output = ctx.display(job.output);
      if (job.maskOutput) {
        await writeAtomic(job.maskOutput, await encodeMaskPng(result.mask));
        record.maskOutput = ctx.display(job.maskOutput);
      }
    });
    record.status = 'ok';
  } catch (e) {
    record.error = errorOf(e);
  }
  record.timings = timer.finish();
  return record;
}

async function resolveRemover(ctx: RemoveContext, record: FileRecord): Promise<Remover> {
  const models = await ctx.models();
  noteModelErrors(record, models, 'remover');
  const runner = models.removers[0];
  if (!runner) {
    const why = models.errors.find((e) => e.code !== 'E_MODEL_MISSING') ?? models.errors[0];
    throw new WmError(
      why?.code ?? 'E_MODEL_MISSING',
      why?.message ?? 'No learned remover is installed; use --method telea.',
    );
  }
  return { kind: 'model', runner };
}

async function readMask(file: string, limits: Limits): Promise<Mask> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (e) {
    throw new WmError('E_BAD_OPTION', `No mask at ${file} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'}).`, { cause: e });
  }
  // A mask is an image too: the same size limit, checked before reading.
  checkFileSize(size, limits);
  return decodeMask(await readFile(file), limits.maxPixels);
}

let tmpSeq = 0;

/**
 * Write next to the target, then rename: a failed or interrupted run never
 * leaves half a file. The temp name is short and fixed-length, so a target
 * name near the file system's limit still has a temp name (issue 11, item 7:
 * `<name>.<pid>.partial` failed with ENAMETOOLONG on a 239-character name).
 */
export async function writeAtomic(file: string, bytes: Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.unmark-${process.pid}-${++tmpSeq}.partial`);
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    const errno = (e as NodeJS.ErrnoException).code;
    const code = errno === 'ENAMETOOLONG' ? 'E_OUTPUT_NAME' : 'E_ENCODE_FAILED';
    throw new WmError(code, `Could not write ${file}: ${(e as Error).message}`, { cause: e });
  }
}

function errorOf(e: unknown): { code: SerializedError['code']; message: string } {
  const s = toSerializedError(e);
  return { code: s.code, message: s.message };
}
