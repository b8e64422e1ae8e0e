/**
 * One file through the shared pipeline (pipeline.ts: the same engine calls in
 * the same order as the browser worker and the server). The CLI only adds
 * files, atomic writes and the `--json` record.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { toSerializedError, WmError, type SerializedError } from '../engine/errors';
import type { Limits } from '../engine/limits';
import { countMasked } from '../engine/mask';
import type { Mask } from '../engine/types';
import { checkFileSize } from '../engine/validate';
import { decodeImage, decodeMask, encodeImage, encodeMaskPng } from '../platform/node/codec';
import type { MarkSource } from './marks';
import { checkOutputName, type PlannedFile } from './outputs';
import { detectMask, marksFor, NOTHING_DETECTED, removeFromImage, Timer, type ImageRecord, type PipelineContext, type RemoveContext } from './pipeline';

export type { DetectionRecord, Stage } from './pipeline';
export type FileStatus = 'ok' | 'skipped' | 'failed';

/** One line of `--json` output. */
export interface FileRecord extends ImageRecord {
  file: string;
  output: string | null;
  maskOutput?: string | null;
  status: FileStatus;
  error?: Pick<SerializedError, 'code' | 'message'>;
}

export interface FileContext extends PipelineContext {
  /** For display: paths relative to the working directory. */
  display(p: string): string;
  /** Known marks for each image (detect: repeats inside it, unless --no-repeats). */
  markSource?: MarkSource;
}

export interface RemoveFileContext extends RemoveContext, FileContext {
  quality?: number;
}

/** Size first (stat), so a file over the limit is refused without reading it; then the bytes. */
async function readInput(file: string, limits: Limits): Promise<Uint8Array> {
  checkFileSize((await stat(file)).size, limits);
  return readFile(file);
}

export async function detectFile(job: PlannedFile, ctx: FileContext, signal?: AbortSignal): Promise<FileRecord> {
  const record: FileRecord = { file: ctx.display(job.input.abs), output: null, status: 'failed', timings: {}, detections: [] };
  const timer = new Timer();
  try {
    checkOutputName(job.output);
    const { image } = await timer.time('decode', async () => decodeImage(await readInput(job.input.abs, ctx.limits), ctx.limits));
    record.width = image.width;
    record.height = image.height;
    const marks = await marksFor(ctx.markSource, image, record, timer, 0, signal);
    const { mask } = await detectMask(ctx, image, record, timer, signal, marks);
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

export async function removeFile(job: PlannedFile, ctx: RemoveFileContext, signal?: AbortSignal, index = 0): Promise<FileRecord> {
  const record: FileRecord = { file: ctx.display(job.input.abs), output: null, status: 'failed', timings: {}, detections: [] };
  if (job.maskOutput) record.maskOutput = null;
  const timer = new Timer();
  try {
    checkOutputName(job.output);
    if (job.maskOutput) checkOutputName(job.maskOutput);
    const { image } = await timer.time('decode', async () => decodeImage(await readInput(job.input.abs, ctx.limits), ctx.limits));
    record.width = image.width;
    record.height = image.height;
    const supplied = job.maskInput ? await timer.time('detect', () => readMask(job.maskInput as string, ctx.limits)) : null;
    const result = await removeFromImage(image, supplied, ctx, record, timer, index, signal);
    if (!result) {
      // Nothing detected: not a failure of the batch, and no output that looks "cleaned".
      record.status = 'skipped';
      record.error = { ...NOTHING_DETECTED };
      record.timings = timer.finish();
      return record;
    }
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
