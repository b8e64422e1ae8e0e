/**
 * Main-thread side of the inference worker. Owns the worker's lifetime:
 * - each long call takes an AbortSignal; abort tells the worker to skip the
 *   remaining tiles, and if the worker has not stopped within a grace period
 *   (a single long model call), it is terminated and restarted;
 * - a document the worker no longer holds (after a restart) is re-sent from
 *   the original File, which the main thread always keeps;
 * - a worker that dies (an uncaught error reaches its `error` event) fails
 *   the calls in flight with E_WORKER_CRASHED and is replaced; masks and undo
 *   history live in the worker, and come back into the new one from the
 *   client's journal (mask-client.ts), so they survive (issue 11, faults).
 */
import { proxy, wrap, type Remote } from 'comlink';
import { fromSerializedError, isSerializedError, WmError } from '../engine/errors';
import type { Limits } from '../engine/limits';
import type { MemoryBudget } from '../engine/memory';
import type { EngineApi, EngineStats, InitOptions } from '../worker/engine.worker';
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
import type { EngineClient } from './engine-client.types';
import { keepDecodedFromUrl } from './limits';
import { MaskClient, toWmError } from './mask-client';

const CANCEL_GRACE_MS = 1500;
/** More crashes than this within a minute: stop respawning (a worker that cannot start would loop). */
const MAX_CRASHES_PER_MINUTE = 3;

function initOptionsFromUrl(): InitOptions {
  const params = new URLSearchParams(location.search);
  const backend = params.get('backend');
  const threads = Number(params.get('threads'));
  return {
    modelsUrl: new URL(`${import.meta.env.BASE_URL}models/`, location.href).href,
    backend: backend === 'wasm' || backend === 'webgpu' ? backend : undefined,
    threads: Number.isInteger(threads) && threads > 0 ? threads : undefined,
    keepDecoded: keepDecodedFromUrl(),
  };
}

class WorkerEngineClient implements EngineClient {
  private worker!: Worker;
  private api!: Remote<EngineApi>;
  private initPromise: Promise<RuntimeInfo> | null = null;
  private runtimeInfo: RuntimeInfo | null = null;
  private listeners = new Set<(info: RuntimeInfo) => void>();
  private progressListeners = new Set<(p: LoadProgress) => void>();
  /** docId → original file, so a restarted worker can get the pixels back. */
  private files = new Map<string, { file: Blob; limits?: Partial<Limits>; workerDocId: string }>();
  private jobSeq = 0;
  private generation = 0;
  /** Rejects when the current worker crashes; every call in flight races it. */
  private crashed!: Promise<never>;
  private rejectCrashed: (e: WmError) => void = () => undefined;
  private crashTimes: number[] = [];
  readonly masks = new MaskClient({ api: () => this.api, crashed: () => this.crashed });

  constructor(private readonly options: InitOptions = initOptionsFromUrl()) {
    this.spawn();
  }

  private spawn(): void {
    this.worker = new Worker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module', name: 'engine' });
    this.api = wrap<EngineApi>(this.worker);
    this.generation++;
    this.initPromise = null;
    this.crashed = new Promise<never>((_, reject) => {
      this.rejectCrashed = reject;
    });
    this.crashed.catch(() => undefined); // handled by whoever is racing it; none may be
    this.masks.restarted();
    const generation = this.generation;
    this.worker.addEventListener('error', (ev) => {
      ev.preventDefault();
      if (this.generation === generation) this.onCrash(ev.message || 'unknown error');
    });
    void this.api.onInfo(
      proxy((info: RuntimeInfo) => {
        this.setInfo(info);
      }),
    );
  }

  private restart(): void {
    this.worker.terminate();
    // Calls still waiting on the old worker (a stroke's commit queued behind the stuck job) would never be answered.
    this.rejectCrashed(new WmError('E_WORKER_CRASHED', 'The engine was restarted; run it again.'));
    this.spawn();
    // Models come back from the HTTP/service-worker cache; documents are re-sent lazily.
    void this.init().catch(() => undefined);
  }

  private onCrash(why: string): void {
    this.rejectCrashed(
      new WmError('E_WORKER_CRASHED', `The engine stopped unexpectedly (${why}). Your image, mask and undo history are kept; run it again.`),
    );
    const now = Date.now();
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < 60_000), now];
    if (this.crashTimes.length <= MAX_CRASHES_PER_MINUTE) this.restart();
  }

  private setInfo(info: RuntimeInfo): void {
    this.runtimeInfo = info;
    for (const l of this.listeners) l(info);
  }

  init(onProgress?: (p: LoadProgress) => void): Promise<RuntimeInfo> {
    if (onProgress) this.progressListeners.add(onProgress);
    if (!this.initPromise) {
      const init = this.api.init(
        this.options,
        proxy((pr: LoadProgress) => {
          for (const l of this.progressListeners) l(pr);
        }),
      );
      const p = Promise.race([init, this.crashed])
        .then((res) => {
          const { modelErrors, ...info } = res;
          this.setInfo(info);
          if (modelErrors.length > 0 && info.detectors.length === 0 && info.removers.length === 0) {
            throw fromSerializedError(modelErrors[0]);
          }
          if (modelErrors.length > 0) this.modelErrors = modelErrors.map(fromSerializedError);
          return info;
        })
        .catch((e: unknown) => {
          this.initPromise = null;
          throw toWmError(e);
        });
      this.initPromise = p;
    }
    return this.initPromise;
  }

  /** Models that failed to load while others succeeded (e.g. a hash mismatch on one file). */
  modelErrors: WmError[] = [];

  info(): RuntimeInfo | null {
    return this.runtimeInfo;
  }

  onInfo(listener: (info: RuntimeInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async decode(file: Blob, limits?: Partial<Limits>, budget?: MemoryBudget): Promise<DecodedInfo> {
    try {
      const info = await Promise.race([this.api.decode(file, limits, budget), this.crashed]);
      this.files.set(info.docId, { file, limits, workerDocId: info.docId });
      this.masks.open(info.docId, info.width, info.height);
      return info;
    } catch (e) {
      throw toWmError(e);
    }
  }

  /** The worker's id for a document, re-decoding it if the worker was restarted. */
  private async workerDoc(docId: string): Promise<string> {
    const entry = this.files.get(docId);
    if (!entry) throw new WmError('E_PROCESSING', 'Unknown document.');
    return entry.workerDocId;
  }

  private async redecode(docId: string): Promise<string> {
    const entry = this.files.get(docId);
    if (!entry) throw new WmError('E_PROCESSING', 'Unknown document.');
    const info = await this.api.decode(entry.file, entry.limits);
    info.bitmap.close();
    entry.workerDocId = info.docId;
    return info.docId;
  }

  /** Runs a worker call with cancellation and one transparent re-decode if the doc was lost. */
  private async withJob<T>(
    docId: string | null,
    signal: AbortSignal | undefined,
    call: (jobId: number, workerDocId: string) => Promise<T>,
  ): Promise<T> {
    if (signal?.aborted) throw new WmError('E_CANCELLED', 'Cancelled.');
    const jobId = ++this.jobSeq;
    const generation = this.generation;
    const crashed = this.crashed;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    let rejectAbort: (e: WmError) => void = () => undefined;
    const aborted = new Promise<never>((_, reject) => {
      rejectAbort = reject;
    });
    const onAbort = () => {
      void this.api.cancel(jobId);
      // If the worker is stuck inside one long model call, stop it the hard way.
      killTimer = setTimeout(() => {
        // Cancelled first: the restart fails the other calls in flight, not this one.
        rejectAbort(new WmError('E_CANCELLED', 'Cancelled.'));
        if (this.generation === generation) this.restart();
      }, CANCEL_GRACE_MS);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const run = async () => {
        const wid = docId ? await this.workerDoc(docId) : '';
        try {
          return await call(jobId, wid);
        } catch (e) {
          if (docId && isSerializedError(e) && e.code === 'E_DOC_MISSING') {
            return call(jobId, await this.redecode(docId));
          }
          throw e;
        }
      };
      return await Promise.race([run(), aborted, crashed]);
    } catch (e) {
      throw toWmError(e);
    } finally {
      clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async detect(docId: string, opts: DetectOptions, signal?: AbortSignal): Promise<DetectResult> {
    await this.init();
    return this.withJob(docId, signal, (jobId, wid) => this.api.detect(jobId, wid, opts));
  }

  async remove(docId: string, opts: RemoveOptions, signal?: AbortSignal, onProgress?: (p: RemoveProgress) => void): Promise<RemoveResult> {
    if (opts.method === 'model') await this.init();
    const progress = onProgress ? proxy(onProgress) : undefined;
    // The worker reads the mask it holds: nothing is copied here.
    return this.withJob(docId, signal, (jobId, wid) => this.withMask(docId, () => this.api.remove(jobId, wid, docId, opts, progress)));
  }

  /** Runs `call` once the worker holds the document's mask, after the mask calls made before it. */
  private withMask<T>(docId: string, call: () => Promise<T>): Promise<T> {
    return this.masks.whenReady(docId).then(call);
  }

  async encode(id: { resultId: string } | { docId: string }, opts: EncodeOptions): Promise<Blob> {
    if ('docId' in id) {
      const wid = await this.workerDoc(id.docId);
      return this.withJob(null, undefined, () => this.api.encode({ docId: wid }, opts));
    }
    return this.withJob(null, undefined, () => this.api.encode(id, opts));
  }

  async displayBitmap(id: { docId: string } | { resultId: string }): Promise<ImageBitmap> {
    if ('docId' in id) return this.withJob(id.docId, undefined, (_, wid) => this.api.displayBitmap({ docId: wid }));
    return this.withJob(null, undefined, () => this.api.displayBitmap(id));
  }

  async findRepeats(docId: string, signal?: AbortSignal, onProgress?: (p: MarkProgress) => void): Promise<RepeatsFound> {
    const progress = onProgress ? proxy(onProgress) : undefined;
    return this.withJob(docId, signal, (jobId, wid) => this.withMask(docId, () => this.api.findRepeats(jobId, wid, docId, progress)));
  }

  async findAllLike(docId: string, box: Rect | null, signal?: AbortSignal, onProgress?: (p: MarkProgress) => void): Promise<MarkFound> {
    const progress = onProgress ? proxy(onProgress) : undefined;
    return this.withJob(docId, signal, (jobId, wid) => this.withMask(docId, () => this.api.findAllLike(jobId, wid, docId, box, progress)));
  }

  async learnSharedMark(docIds: string[], signal?: AbortSignal, onProgress?: (p: MarkProgress) => void): Promise<SharedFound> {
    const progress = onProgress ? proxy(onProgress) : undefined;
    const [first, ...rest] = docIds;
    if (!first) throw new WmError('E_MARK_TOO_FEW', 'Learning a mark needs at least two images that carry it.');
    // withJob re-sends the first document if the worker lost it; the others are re-sent here.
    return this.withJob(first, signal, async (jobId, wid) => {
      const wids = [wid, ...(await Promise.all(rest.map((id) => this.workerDocOrRedecode(id))))];
      await Promise.all(docIds.map((id) => this.masks.whenReady(id)));
      // Masks are keyed by the app's ids, so the answer needs no mapping back.
      return this.api.learnSharedMark(jobId, wids, docIds, progress);
    });
  }

  async importMark(png: Uint8Array, sidecar?: Pick<MarkSidecar, 'opacity'>): Promise<MarkSummary> {
    return this.withJob(null, undefined, () => this.api.importMark(png, sidecar));
  }

  async locateSavedMark(docId: string, markId: string, signal?: AbortSignal): Promise<MarkFound> {
    return this.withJob(docId, signal, (jobId, wid) => this.withMask(docId, () => this.api.locateSavedMark(jobId, wid, docId, markId)));
  }

  async exportMark(markId: string): Promise<ExportedMark> {
    return this.withJob(null, undefined, () => this.api.exportMark(markId));
  }

  async markPreview(markId: string): Promise<ImageBitmap> {
    return this.withJob(null, undefined, () => this.api.markPreview(markId));
  }

  forgetMarks(docId: string): void {
    const entry = this.files.get(docId);
    if (entry) void this.api.forgetMarks(entry.workerDocId);
  }

  /** A worker id that the worker still holds (a restart loses them all). */
  private async workerDocOrRedecode(docId: string): Promise<string> {
    const wid = await this.workerDoc(docId);
    const held = await this.api.holds(wid);
    return held ? wid : this.redecode(docId);
  }

  stats(): Promise<EngineStats> {
    return this.withJob(null, undefined, () => this.api.stats());
  }

  release(docId: string): void {
    const entry = this.files.get(docId);
    this.files.delete(docId);
    if (entry) void this.api.release(entry.workerDocId);
    this.masks.release(docId);
  }
}

let client: WorkerEngineClient | null = null;

export function getEngineClient(): WorkerEngineClient {
  if (!client) client = new WorkerEngineClient();
  return client;
}
