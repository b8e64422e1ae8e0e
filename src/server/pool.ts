/**
 * A bounded pool of worker threads. At most `size` jobs run at once, one per
 * worker; up to `queue` more wait, each at most `queueTimeoutMs`, and the rest
 * are refused at once (E_BUSY → 503). A job past `timeoutMs` (or whose request
 * went away) has its worker terminated: the only way to stop a synchronous
 * engine loop and give back all of that thread's memory (WASM heaps never
 * shrink). Workers start on demand and exit after `idleMs` without work, so
 * memory comes back down after a burst.
 */
import { Worker } from 'node:worker_threads';
import { fromSerializedError, WmError } from '../engine/errors';
import type { FromWorker, Job, JobResult, WorkerConfig } from './protocol';

export interface PoolOptions {
  size: number;
  queue: number;
  queueTimeoutMs: number;
  timeoutMs: number;
  idleMs: number;
  /** The worker's entry module (an .mjs that can load TypeScript). */
  entry: URL;
  config: WorkerConfig;
}

interface Task {
  job: Job;
  transfer: ArrayBuffer[];
  resolve(result: JobResult): void;
  reject(error: Error): void;
  signal?: AbortSignal;
  queuedTimer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  task: Task | null;
  /** Removes the running job's timer and listeners. */
  settle?: () => void;
  idleTimer?: NodeJS.Timeout;
}

export interface PoolStats {
  busy: number;
  queued: number;
  workers: number;
}

export class WorkerPool {
  private readonly slots = new Set<Slot>();
  private readonly waiting: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly opts: PoolOptions) {}

  get stats(): PoolStats {
    let busy = 0;
    for (const s of this.slots) if (s.task) busy++;
    return { busy, queued: this.waiting.length, workers: this.slots.size };
  }

  /** Runs `job` on a free worker, or waits for one within the bounds; `transfer` moves the image bytes. */
  run(job: Job, transfer: ArrayBuffer[] = [], signal?: AbortSignal): Promise<JobResult> {
    return new Promise<JobResult>((resolve, reject) => {
      if (this.closed) return reject(new WmError('E_BUSY', 'The server is shutting down.'));
      if (signal?.aborted) return reject(new WmError('E_CANCELLED', 'Cancelled.'));
      const task: Task = { job, transfer, resolve, reject, signal };
      if (this.stats.busy < this.opts.size) return this.start(task);
      if (this.waiting.length >= this.opts.queue) {
        return reject(new WmError('E_BUSY', `All ${this.opts.size} workers are busy and ${this.opts.queue} requests are waiting; try again shortly.`));
      }
      task.queuedTimer = setTimeout(() => {
        this.unqueue(task);
        reject(new WmError('E_BUSY', `No worker came free within ${Math.round(this.opts.queueTimeoutMs / 1000)} s; try again shortly.`));
      }, this.opts.queueTimeoutMs);
      signal?.addEventListener('abort', () => {
        if (this.unqueue(task)) reject(new WmError('E_CANCELLED', 'Cancelled.'));
      }, { once: true });
      this.waiting.push(task);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.waiting.splice(0)) {
      clearTimeout(t.queuedTimer);
      t.reject(new WmError('E_BUSY', 'The server is shutting down.'));
    }
    await Promise.all([...this.slots].map((s) => this.retire(s)));
  }

  private unqueue(task: Task): boolean {
    const i = this.waiting.indexOf(task);
    if (i < 0) return false;
    this.waiting.splice(i, 1);
    clearTimeout(task.queuedTimer);
    return true;
  }

  private start(task: Task): void {
    let slot: Slot | undefined;
    for (const s of this.slots) if (!s.task) slot = s;
    slot ??= this.spawn();
    clearTimeout(slot.idleTimer);
    slot.task = task;
    const id = this.nextId++;
    const current = slot;
    const timer = setTimeout(() => {
      this.fail(current, new WmError('E_TIMEOUT', `The image took longer than ${Math.round(this.opts.timeoutMs / 1000)} s and was stopped.`));
    }, this.opts.timeoutMs);
    const onAbort = () => this.fail(current, new WmError('E_CANCELLED', 'Cancelled.'));
    task.signal?.addEventListener('abort', onAbort, { once: true });
    const onMessage = (message: FromWorker) => {
      if (message.id !== id) return;
      current.settle?.();
      current.task = null;
      if (message.ok) task.resolve(message.result);
      else task.reject(fromSerializedError(message.error));
      this.next(current);
    };
    current.settle = () => {
      clearTimeout(timer);
      task.signal?.removeEventListener('abort', onAbort);
      current.worker.off('message', onMessage);
      current.settle = undefined;
    };
    current.worker.on('message', onMessage);
    current.worker.postMessage({ id, job: task.job }, task.transfer);
  }

  private spawn(): Slot {
    const worker = new Worker(this.opts.entry, { workerData: this.opts.config });
    const slot: Slot = { worker, task: null };
    worker.on('error', (e) => this.fail(slot, new WmError('E_WORKER_CRASHED', `A worker failed: ${e.message}`, { cause: e })));
    worker.on('exit', () => {
      slot.settle?.();
      if (this.slots.delete(slot) && slot.task) {
        const task = slot.task;
        slot.task = null;
        task.reject(new WmError('E_WORKER_CRASHED', 'A worker stopped while working on this image.'));
      }
      this.drain();
    });
    this.slots.add(slot);
    return slot;
  }

  /** The slot's job fails with `error`; its worker is terminated and a new one will start when needed. */
  private fail(slot: Slot, error: WmError): void {
    const task = slot.task;
    slot.settle?.();
    slot.task = null;
    this.slots.delete(slot);
    void slot.worker.terminate();
    task?.reject(error);
    this.drain();
  }

  private next(slot: Slot): void {
    const task = this.waiting.shift();
    if (task) {
      clearTimeout(task.queuedTimer);
      return this.start(task);
    }
    slot.idleTimer = setTimeout(() => void this.retire(slot), this.opts.idleMs);
    slot.idleTimer.unref();
  }

  /** Start waiting tasks on free capacity (after a worker was removed). */
  private drain(): void {
    while (this.waiting.length > 0 && this.stats.busy < this.opts.size && !this.closed) {
      const task = this.waiting.shift() as Task;
      clearTimeout(task.queuedTimer);
      this.start(task);
    }
  }

  private async retire(slot: Slot): Promise<void> {
    clearTimeout(slot.idleTimer);
    if (slot.task) return;
    this.slots.delete(slot);
    await slot.worker.terminate();
  }
}
