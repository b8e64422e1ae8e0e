/** Startup: init the engine (downloads and caches the models), follow backend changes. */
import { engine } from '../engine';
import { reportError } from '../errors';
import { getUi, setStatus, update } from '../store';
import type { LoadProgress, RemovalMethod, RuntimeInfo } from '../../worker/protocol';
import { t, tn } from '../i18n';

let methodChosenByUser = false;

export function chooseMethod(method: RemovalMethod): void {
  methodChosenByUser = true;
  update('ui', { method });
}

function applyInfo(info: RuntimeInfo): void {
  const s = getUi();
  // The manifest says whether the learned remover is recommended yet; the user's pick wins.
  const method: RemovalMethod =
    methodChosenByUser && info.removalMethods.includes(s.method) ? s.method : info.defaultMethod;
  update('ui', { runtime: info, method });
}

let started = false;

export function startRuntime(): () => void {
  const client = engine();
  const unsubscribe = client.onInfo(applyInfo);
  if (!started) {
    started = true;
    // Progress is per file and the files load one after the other. Summed over
    // the files seen so far, the bar went backwards each time a new file began
    // ("Starting 100 %", then "Downloading 58 %", issue 10), so every file of the
    // manifest counts from the start, and no percentage shows before they are known.
    const files = new Map<string, LoadProgress>();
    let known = false;
    let last: LoadProgress | null = null;
    const publish = () => {
      let loaded = 0;
      let total = 0;
      for (const f of files.values()) {
        loaded += f.loaded;
        total += f.total;
      }
      update('ui', { modelProgress: { file: last?.file ?? '', loaded: known ? loaded : 0, total: known ? total : 0, phase: last?.phase ?? 'download' } });
    };
    update('ui', { modelProgress: { file: '', loaded: 0, total: 0, phase: 'download' } });
    if (getUi().status === 'idle') setStatus('loading', t('status.loadingModels'));
    void manifestSizes().then((sizes) => {
      for (const { file, bytes } of sizes) {
        if (!files.has(file)) files.set(file, { modelId: file, file, loaded: 0, total: bytes, phase: 'download' });
      }
      known = sizes.length > 0;
      if (getUi().modelProgress) publish();
    });
    client
      .init((p) => {
        files.set(p.file, p);
        last = p;
        publish();
      })
      .then((info) => {
        applyInfo(info);
        update('ui', { modelsReady: true, modelProgress: null });
        if (getUi().statusText === t('status.loadingModels')) {
          const n = info.unavailable.length;
          setStatus('idle', n === 0 ? t('status.readyDot') : tn('status.readyUnusable', n));
        }
      })
      .catch((e: unknown) => {
        update('ui', { modelProgress: null });
        const known = client.info();
        if (known) applyInfo(known);
        reportError(e, t('context.loadingModels'));
      });
  }
  return unsubscribe;
}

/** Every model file and its size, from the same manifest the worker loads; none if it cannot be read. */
async function manifestSizes(): Promise<{ file: string; bytes: number }[]> {
  try {
    const res = await fetch(`${import.meta.env.BASE_URL}models/manifest.json`);
    const json = (await res.json()) as { models?: unknown };
    if (!Array.isArray(json.models)) return [];
    return json.models.flatMap((m: unknown) => {
      const { file, bytes } = (m ?? {}) as { file?: unknown; bytes?: unknown };
      return typeof file === 'string' && typeof bytes === 'number' && bytes > 0 ? [{ file, bytes }] : [];
    });
  } catch {
    return [];
  }
}
