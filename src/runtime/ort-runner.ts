/**
 * ONNX Runtime sessions behind the engine's ModelRunner interface.
 *
 * - The session promise is memoised, not its result (squoosh habit 4).
 * - If a WebGPU session fails to build or to run, the same work is retried on
 *   WASM and the runner stays on WASM from then on.
 * - Runs are serialised through one queue per runtime: ORT sessions are not
 *   re-entrant, and queued calls that get cancelled are skipped.
 */
import type * as Ort from 'onnxruntime-web';
import { throwIfAborted, WmError } from '../engine/errors';
import type { ModelRunner, TensorF32 } from '../engine/runner';
import type { ModelEntry } from './manifest';

export type OrtModule = typeof Ort;
export type Backend = 'webgpu' | 'wasm' | 'cpu';

export interface RunnerHost {
  /** Load the ORT build that serves `backend` (webgpu build, wasm build, or onnxruntime-node for 'cpu'). */
  loadOrt(backend: Backend): Promise<OrtModule>;
  /** Called when a runner falls back from WebGPU to WASM. */
  onFallback?(modelId: string, error: unknown): void;
  /** Serialises runs across all runners. */
  queue: RunQueue;
}

export class RunQueue {
  private tail: Promise<unknown> = Promise.resolve();
  enqueue<T>(job: () => Promise<T>): Promise<T> {
    const next = this.tail.then(job, job);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

interface Live {
  session: Ort.InferenceSession;
  backend: Backend;
  ort: OrtModule;
}

export class OrtRunner implements ModelRunner {
  private live: Promise<Live> | null = null;
  private current: Backend;
  private failedWebGpu = false;

  constructor(
    readonly entry: ModelEntry,
    private readonly bytes: Uint8Array,
    private readonly host: RunnerHost,
    preferred: Backend,
  ) {
    this.current = preferred;
  }

  get backend(): Backend {
    return this.current;
  }

  /** Build the session now (used at init so that the first click is fast). */
  async warm(): Promise<Backend> {
    const live = await this.ensure();
    return live.backend;
  }

  private ensure(): Promise<Live> {
    if (!this.live) {
      this.live = this.create(this.current).catch(async (e: unknown) => {
        if (this.current !== 'webgpu') {
          this.live = null;
          throw new WmError('E_BACKEND_INIT', `Could not start model ${this.entry.id} on ${this.current}: ${msg(e)}`, { cause: e });
        }
        this.fallBack(e);
        return this.create('wasm').catch((e2: unknown) => {
          this.live = null;
          throw new WmError('E_BACKEND_INIT', `Could not start model ${this.entry.id}: ${msg(e2)}`, { cause: e2 });
        });
      });
    }
    return this.live;
  }

  private fallBack(error: unknown): void {
    this.failedWebGpu = true;
    this.current = 'wasm';
    this.host.onFallback?.(this.entry.id, error);
  }

  private async create(backend: Backend): Promise<Live> {
    const ort = await this.host.loadOrt(backend);
    const session = await ort.InferenceSession.create(this.bytes, {
      executionProviders: [backend],
      graphOptimizationLevel: 'all',
    });
    this.current = backend;
    return { session, backend, ort };
  }

  run(feeds: Record<string, TensorF32>, signal?: AbortSignal): Promise<Record<string, TensorF32>> {
    return this.host.queue.enqueue(async () => {
      throwIfAborted(signal);
      const live = await this.ensure();
      try {
        return await runOnce(live, feeds);
      } catch (e) {
        if (live.backend !== 'webgpu' || this.failedWebGpu) {
          throw new WmError('E_BACKEND_RUN', `Model ${this.entry.id} failed on ${live.backend}: ${msg(e)}`, { cause: e });
        }
        // WebGPU failed at run time (device lost, unsupported op): redo this very call on WASM.
        this.fallBack(e);
        this.live = null;
        void live.session.release().catch(() => undefined);
        throwIfAborted(signal);
        const wasm = await this.ensure();
        try {
          return await runOnce(wasm, feeds);
        } catch (e2) {
          throw new WmError('E_BACKEND_RUN', `Model ${this.entry.id} failed on wasm: ${msg(e2)}`, { cause: e2 });
        }
      }
    });
  }

  async release(): Promise<void> {
    const live = this.live;
    this.live = null;
    if (live) await (await live).session.release();
  }
}

async function runOnce(live: Live, feeds: Record<string, TensorF32>): Promise<Record<string, TensorF32>> {
  const ortFeeds: Record<string, Ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new live.ort.Tensor('float32', t.data, t.dims);
  const results = await live.session.run(ortFeeds);
  const out: Record<string, TensorF32> = {};
  for (const [name, t] of Object.entries(results)) {
    const data = t.location === 'cpu' ? t.data : await t.getData();
    if (!(data instanceof Float32Array)) throw new Error(`output ${name} is ${t.type}, expected float32`);
    out[name] = { data, dims: [...t.dims] };
    t.dispose?.();
  }
  return out;
}

function msg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
