/**
 * The API routes: multipart in, one pool job, JSON or image bytes out. Thin
 * over the engine, as the CLI is: every pixel operation happens in a worker
 * thread through cli/pipeline.ts. Uploads are read into memory only (no temp
 * files: @fastify/multipart's toBuffer), and handed to the worker by transfer.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WmError } from '../engine/errors';
import type { Limits } from '../engine/limits';
import type { ImageRecord } from '../cli/pipeline';
import type { WorkerPool } from './pool';
import { ownBuffer, type Job, type JobResult, type OutputFormat, type RemoveMethod } from './protocol';
import type { ServerMetrics } from './metrics';

/** What one request's log line says; never the bytes. */
export interface RequestInfo {
  imageBytes?: number;
  maskBytes?: number;
  record?: ImageRecord;
  queueMs?: number;
  tier?: string;
  errorCode?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    unmark: RequestInfo;
  }
}

interface Upload {
  image: Uint8Array;
  mask: Uint8Array | null;
  fields: Record<string, string>;
}

const FIELDS: Record<'detect' | 'remove', readonly string[]> = { detect: ['threshold'], remove: ['threshold', 'method', 'format'] };
const METHODS: readonly RemoveMethod[] = ['auto', 'model', 'telea', 'patch'];
const FORMATS: readonly OutputFormat[] = ['png', 'jpeg', 'webp', 'same'];
const MIME = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;

async function readUpload(request: FastifyRequest, route: 'detect' | 'remove', limits: Limits): Promise<Upload> {
  let image: Uint8Array | null = null;
  let mask: Uint8Array | null = null;
  const fields: Record<string, string> = {};
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== 'image' && !(route === 'remove' && part.fieldname === 'mask')) {
        part.file.resume();
        throw new WmError('E_BAD_OPTION', `Unexpected file field "${part.fieldname}"; send "image"${route === 'remove' ? ' and optionally "mask"' : ''}.`);
      }
      let bytes: Buffer;
      try {
        bytes = await part.toBuffer();
      } catch (e) {
        if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
          throw new WmError('E_FILE_TOO_LARGE', `The ${part.fieldname} is larger than the limit of ${Math.round(limits.maxBytes / 1024 / 1024)} MB.`);
        }
        throw e;
      }
      if (part.fieldname === 'image') image = bytes;
      else mask = bytes;
    } else {
      if (!FIELDS[route].includes(part.fieldname)) throw new WmError('E_BAD_OPTION', `Unknown field "${part.fieldname}"; accepted: image${route === 'remove' ? ', mask' : ''}, ${FIELDS[route].join(', ')}.`);
      fields[part.fieldname] = String(part.value);
    }
  }
  if (!image) throw new WmError('E_BAD_OPTION', 'No image: send the file in a multipart field named "image".');
  return { image, mask, fields };
}

function threshold(fields: Record<string, string>): number {
  if (fields.threshold === undefined) return 0.5;
  const t = Number(fields.threshold);
  if (fields.threshold.trim() === '' || !(t >= 0 && t <= 1)) throw new WmError('E_BAD_OPTION', `threshold must be a number from 0 to 1; got "${fields.threshold}".`);
  return t;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new WmError('E_BAD_OPTION', `${name} must be one of ${allowed.join(', ')}; got "${value}".`);
}

/** Aborts when the client goes away before the answer is written: the job stops and frees its worker. */
function clientGone(reply: FastifyReply): AbortSignal {
  const ac = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) ac.abort();
  });
  return ac.signal;
}

export function registerRoutes(app: FastifyInstance, deps: { pool: WorkerPool; metrics: ServerMetrics; limits: Limits }): void {
  const { pool, metrics, limits } = deps;

  const runJob = async (request: FastifyRequest, reply: FastifyReply, job: Job, transfer: ArrayBuffer[]): Promise<JobResult> => {
    const t0 = performance.now();
    const result = await pool.run(job, transfer, clientGone(reply));
    if (result.kind !== 'warm') {
      request.unmark.record = result.record;
      request.unmark.queueMs = Math.round(performance.now() - t0 - (result.record.timings.total ?? 0));
      metrics.observe(result.record);
    }
    return result;
  };

  app.post('/v1/detect', async (request, reply) => {
    const upload = await readUpload(request, 'detect', limits);
    request.unmark.imageBytes = upload.image.byteLength;
    const image = ownBuffer(upload.image);
    const result = await runJob(request, reply, { kind: 'detect', image, threshold: threshold(upload.fields) }, [image.buffer as ArrayBuffer]);
    if (result.kind !== 'detect') throw new WmError('E_PROCESSING', 'The worker answered another job.');
    const { record } = result;
    return {
      width: record.width,
      height: record.height,
      regions: record.detections,
      maskedPixels: record.maskedPixels,
      mask: `data:image/png;base64,${Buffer.from(result.maskPng).toString('base64')}`,
      backend: record.backend,
      timings: record.timings,
      ...(record.warnings ? { warnings: record.warnings } : {}),
    };
  });

  app.post('/v1/remove', async (request, reply) => {
    const upload = await readUpload(request, 'remove', limits);
    request.unmark.imageBytes = upload.image.byteLength;
    if (upload.mask) request.unmark.maskBytes = upload.mask.byteLength;
    const image = ownBuffer(upload.image);
    const mask = upload.mask ? ownBuffer(upload.mask) : null;
    const job: Job = {
      kind: 'remove',
      image,
      mask,
      method: oneOf('method', upload.fields.method, METHODS, 'auto'),
      format: oneOf('format', upload.fields.format, FORMATS, 'png'),
      threshold: threshold(upload.fields),
    };
    const result = await runJob(request, reply, job, mask ? [image.buffer as ArrayBuffer, mask.buffer as ArrayBuffer] : [image.buffer as ArrayBuffer]);
    if (result.kind !== 'remove') throw new WmError('E_PROCESSING', 'The worker answered another job.');
    const { record } = result;
    // A short account of what was done; the full list of regions is a /v1/detect away.
    const summary = { method: record.method, maskedPixels: record.maskedPixels, changedPixels: record.changedPixels, regions: record.regions?.length ?? 0, timings: record.timings };
    return reply
      .type(MIME[result.format])
      .header('X-Unmark-Summary', JSON.stringify(summary))
      .send(Buffer.from(result.output.buffer, result.output.byteOffset, result.output.byteLength));
  });
}
