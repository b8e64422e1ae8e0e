/** Startup: init the engine (downloads and caches the models), follow backend changes. */
import { engine } from '../engine';
import { reportError } from '../errors';
import { getUi, setStatus, update } from '../store';
import type { LoadProgress, RemovalMethod, RuntimeInfo } from '../../worker/protocol';

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
    // Progress is per file; the bar shows the sum over the files seen so far.
    const files = new Map<string, LoadProgress>();
    update('ui', { modelProgress: { file: '', loaded: 0, total: 0, phase: 'download' } });
    if (getUi().status === 'idle') setStatus('loading', 'Loading models…');
    client
      .init((p) => {
        files.set(p.file, p);
        let loaded = 0;
        let total = 0;
        for (const f of files.values()) {
          loaded += f.loaded;
          total += f.total;
        }
        update('ui', { modelProgress: { file: p.file, loaded, total, phase: p.phase } });
      })
      .then((info) => {
        applyInfo(info);
        update('ui', { modelsReady: true, modelProgress: null });
        if (getUi().statusText === 'Loading models…') {
          const n = info.unavailable.length;
          setStatus('idle', n === 0 ? 'Ready.' : `Ready, but ${n === 1 ? 'one model is' : `${n} models are`} not usable (see above).`);
        }
      })
      .catch((e: unknown) => {
        update('ui', { modelProgress: null });
        const known = client.info();
        if (known) applyInfo(known);
        reportError(e, 'Loading the models');
      });
  }
  return unsubscribe;
}
