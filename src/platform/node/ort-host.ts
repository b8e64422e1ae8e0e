/**
 * RunnerHost for Node. 'wasm' is onnxruntime-web, whose package export for
 * Node is its own node build running the same WASM as the browser. 'cpu' is
 * onnxruntime-node, native and faster, but 288 MB, so it is not a dependency:
 * it is imported only if someone installed it. Both expose the same
 * InferenceSession / Tensor API, which is all OrtRunner uses.
 */
import { WmError } from '../../engine/errors';
import { loadModels, type LoadedModels, type ModelProgress } from '../../runtime/models';
import { RunQueue, type Backend, type OrtModule, type RunnerHost } from '../../runtime/ort-runner';
import { fsModelSource, type ModelRole } from './model-source';

export type NodeBackend = Extract<Backend, 'wasm' | 'cpu'>;

export const ORT_NODE_INSTALL_HINT = 'ONNXRUNTIME_NODE_INSTALL=skip npm i --no-save onnxruntime-node';

export interface NodeHostOptions {
  /** WASM threads (ORT reads this once, when its WASM starts: one value per process). */
  threads: number;
}

export function createNodeRunnerHost(opts: NodeHostOptions): RunnerHost {
  // Memoise the import promise per backend, not the first module that resolved.
  const loaded = new Map<Backend, Promise<OrtModule>>();
  const loadOrt = (backend: Backend): Promise<OrtModule> => {
    let p = loaded.get(backend);
    if (!p) {
      p = importOrt(backend, opts.threads);
      p.catch(() => loaded.delete(backend));
      loaded.set(backend, p);
    }
    return p;
  };
  return { loadOrt, queue: new RunQueue() };
}

async function importOrt(backend: Backend, threads: number): Promise<OrtModule> {
  if (backend === 'wasm') {
    const ort = (await import('onnxruntime-web')) as OrtModule;
    ort.env.wasm.numThreads = threads;
    ort.env.wasm.proxy = false;
    return ort;
  }
  if (backend === 'cpu') {
    // A variable specifier keeps TypeScript and bundlers from resolving a package that is usually absent.
    const specifier = 'onnxruntime-node';
    try {
      const mod = (await import(specifier)) as OrtModule & { default?: OrtModule };
      const ort = mod.InferenceSession ? mod : (mod.default ?? mod);
      ort.env.logLevel = 'error';
      return ort;
    } catch (e) {
      throw new WmError(
        'E_BACKEND_INIT',
        `The node-cpu backend needs onnxruntime-node, which is not installed (${(e as Error).message.split('\n')[0]}). ` +
          `Install it without saving it as a dependency: ${ORT_NODE_INSTALL_HINT}`,
        { cause: e },
      );
    }
  }
  throw new WmError('E_BACKEND_INIT', `The ${backend} backend is only available in the browser.`);
}

/** Probe for onnxruntime-node without loading models (benchmarks use it to skip with a note). */
export async function hasOrtNode(): Promise<boolean> {
  try {
    await importOrt('cpu', 1);
    return true;
  } catch {
    return false;
  }
}

export interface NodeRuntimeOptions {
  backend: NodeBackend;
  threads: number;
  roles?: readonly ModelRole[];
  modelsDir?: string;
  onProgress?: (p: ModelProgress) => void;
}

/** The Node counterpart of the worker's startRuntime: same loadModels, disk instead of HTTP. */
export function loadNodeModels(opts: NodeRuntimeOptions): Promise<LoadedModels> {
  return loadModels(
    fsModelSource({ dir: opts.modelsDir, roles: opts.roles }),
    createNodeRunnerHost({ threads: opts.threads }),
    opts.backend,
    opts.onProgress,
  );
}
