/**
 * A worker thread of the server: one job at a time through the CLI's shared
 * pipeline (cli/pipeline.ts), so `POST /v1/remove` and `unmark remove` are the
 * same engine calls. Models load once per worker (memoised) and stay loaded
 * until the pool retires the worker; the bytes live only in this thread's memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toSerializedError, WmError } from '../engine/errors';
import { checkFileSize, sniffFormat } from '../engine/validate';
import { decodeImage, decodeMask, encodeImage, encodeMaskPng } from '../platform/node/codec';
import { repeatsSource } from '../cli/marks';
import { autoMethod, detectMask, marksFor, modelsLoader, NOTHING_DETECTED, removeFromImage, Timer, type FillChoice, type ImageRecord, type PipelineContext } from '../cli/pipeline';
import { ownBuffer, type FromWorker, type Job, type JobResult, type ToWorker, type WorkerConfig } from './protocol';

const config = workerData as WorkerConfig;
const port = parentPort;
if (!port) throw new Error('src/server/worker.ts runs as a worker thread');

const models = modelsLoader({ backend: config.backend, threads: config.threads, roles: ['detector', 'remover'], modelsDir: config.modelsDir });
let method: Promise<FillChoice> | null = null;

const context = (threshold: number): PipelineContext => ({ limits: config.limits, threshold, dilatePx: 0, models });

async function run(job: Job): Promise<JobResult> {
  if (job.kind === 'warm') {
    const loaded = await models();
    const runners = [...loaded.detectors, ...loaded.removers];
    return {
      kind: 'warm',
      models: runners.map((r) => ({ id: r.entry.id, role: r.entry.role, params: r.entry.params ?? null })),
      errors: loaded.errors,
    };
  }
  const timer = new Timer();
  const record: ImageRecord = { timings: {}, detections: [] };
  const { image, header } = await timer.time('decode', () => decodeImage(job.image, config.limits));
  record.width = image.width;
  record.height = image.height;
  if (job.kind === 'detect') {
    // As the CLI's detect: every repeat of a tiled mark is part of the mask.
    const marks = await marksFor(repeatsSource, image, record, timer);
    const { mask } = await detectMask(context(job.threshold), image, record, timer, undefined, marks);
    const maskPng = await timer.time('encode', () => encodeMaskPng(mask));
    record.timings = timer.finish();
    return { kind: 'detect', record, maskPng: ownBuffer(maskPng) };
  }
  const supplied = job.mask ? await timer.time('decode', () => readMask(job.mask as Uint8Array)) : null;
  method ??= autoMethod(config.modelsDir);
  const fill = job.method === 'auto' ? await method : job.method;
  const result = await removeFromImage(
    image,
    supplied,
    { ...context(job.threshold), method: fill, oneColour: job.method === 'auto', markSource: repeatsSource },
    record,
    timer,
  );
  if (!result) throw new WmError(NOTHING_DETECTED.code, 'No watermark was detected; send a mask to say what to remove.');
  const format = job.format === 'same' ? header.format : job.format;
  const output = await timer.time('encode', () => encodeImage(result.image, { format }));
  record.timings = timer.finish();
  return { kind: 'remove', record, output: ownBuffer(output), format };
}

/** The optional mask: a PNG (any other format is a clear refusal, not a guess), under the same size limit. */
async function readMask(bytes: Uint8Array) {
  checkFileSize(bytes.length, config.limits);
  if (sniffFormat(bytes) !== 'png') throw new WmError('E_UNSUPPORTED_FORMAT', 'The mask must be a PNG (white = remove).');
  return decodeMask(bytes, config.limits.maxPixels);
}

port.on('message', (message: ToWorker) => {
  run(message.job).then(
    (result) => {
      const reply: FromWorker = { id: message.id, ok: true, result };
      const transfer = result.kind === 'detect' ? [result.maskPng.buffer] : result.kind === 'remove' ? [result.output.buffer] : [];
      port.postMessage(reply, transfer as ArrayBuffer[]);
    },
    (e: unknown) => {
      const reply: FromWorker = { id: message.id, ok: false, error: toSerializedError(e) };
      port.postMessage(reply);
    },
  );
});
