/** Startup: init the engine (downloads and caches the models), follow backend changes. */
import { engine } from '../engine';
import { reportError } from '../errors';
import { getUi, setStatus, update } from '../store';
import type { RemovalMethod, RuntimeInfo } from '../../worker/protocol';
import { ModelProgressTracker } from '../model-progress';
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
    const bar = new ModelProgressTracker((modelProgress) => update('ui', { modelProgress }));
    if (getUi().status === 'idle') setStatus('loading', t('status.loadingModels'));
    void manifestSizes().then((sizes) => bar.manifest(sizes));
    client
      .init((p) => bar.progress(p))
      .then((info) => {
        bar.settle();
        applyInfo(info);
        update('ui', { modelsReady: true });
        if (getUi().statusText === t('status.loadingModels')) {
          const n = info.unavailable.length;
          setStatus('idle', n === 0 ? t('status.readyDot') : tn('status.readyUnusable', n));
        }
      })
      .catch((e: unknown) => {
        bar.settle();
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
