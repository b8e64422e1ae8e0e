/**
 * "Detect all" and "Remove all": the chosen images one after the other through
 * the one worker, each as its own task (so the panels' Cancel stops the image
 * in hand, and "Cancel all" the rest too). A failed image is marked failed with
 * its code and the queue goes on; its mask, history and earlier result stay.
 * After a reload the images still waiting go on by themselves (`resumeQueue`).
 */
import { detectDoc } from '../actions/detect-actions';
import { removeDoc } from '../actions/remove-actions';
import { beginTask, cancelTaskFor, endTask, type Task } from '../actions/task';
import { errorCode, errorMessage } from '../errors';
import { formatNumber } from '../format';
import { getUi, pushToast, setDocStatus, setStatus, update } from '../store';
import { queueDoc, recordOutcome, setJob } from './job';
import { pickForBatch, resumePlan, settledJob, type BatchKind } from './queue';
import { t, type PlainKey } from '../i18n';

let batch: { kind: BatchKind; controller: AbortController } | null = null;

export function batchRunning(): BatchKind | null {
  return batch?.kind ?? null;
}

/** Catalogue keys (i18n/en.ts), translated when used. */
const WORDS: Record<BatchKind, { run: PlainKey; label: PlainKey; busy: 'detecting' | 'removing'; text: PlainKey }> = {
  detect: { run: 'batch.detectAll', label: 'context.detection', busy: 'detecting', text: 'status.detecting' },
  remove: { run: 'batch.removeAll', label: 'context.removal', busy: 'removing', text: 'remove.removing' },
};

/** "Detect all" or "Remove all", in the UI's language. */
export const batchName = (kind: BatchKind): string => t(WORDS[kind].run);

/** A single-image task may hold the worker between two images: wait for it (or for a cancel). */
async function nextTask(kind: BatchKind, docId: string, signal: AbortSignal): Promise<Task | null> {
  for (;;) {
    if (signal.aborted) return null;
    const task = beginTask(WORDS[kind].busy, docId, t(WORDS[kind].text));
    if (task) return task;
    await new Promise((r) => setTimeout(r, 150));
  }
}

export async function runBatch(kind: BatchKind): Promise<void> {
  if (batch) return;
  const ids = pickForBatch(kind, getUi().docs.map(queueDoc));
  if (ids.length === 0) {
    pushToast('info', 'NOTHING_TO_DO', kind === 'detect' ? t('batch.nothingDetect') : t('batch.nothingRemove'));
    return;
  }
  await runQueue(kind, ids, false);
}

/**
 * After a reload: the images that were waiting for a batch, or that it was on,
 * go through it again without a click (a saved session keeps them waiting,
 * session-actions.ts), and the status bar says the queue resumed. An image
 * whose batch has nothing left to do on it settles. A "Cancel all" stops what is left.
 */
export async function resumeQueue(): Promise<void> {
  const plan = resumePlan(getUi().docs.map(queueDoc));
  settle(plan.settle);
  for (let k = 0; k < plan.batches.length; k++) {
    const { kind, ids } = plan.batches[k];
    // A batch the user started meanwhile (it leaves these alone: they are queued) goes first.
    while (batch) await new Promise((r) => setTimeout(r, 150));
    // Closed meanwhile, or taken out with its own Cancel.
    const still = ids.filter((id) => getUi().docs.find((d) => d.id === id)?.job.state === 'waiting');
    const finished = still.length === 0 || (await runQueue(kind, still, true));
    if (!finished) {
      settle(plan.batches.slice(k + 1).flatMap((b) => b.ids));
      return;
    }
  }
}

/** Images that wait no more go back to what they hold. */
function settle(ids: readonly string[]): void {
  for (const d of getUi().docs) if (ids.includes(d.id) && d.job.state === 'waiting') setJob(d.id, settledJob(queueDoc(d)));
}

/** Runs the images through one batch; false when it was cancelled. */
async function runQueue(kind: BatchKind, ids: readonly string[], resumed: boolean): Promise<boolean> {
  const w = WORDS[kind];
  const controller = new AbortController();
  batch = { kind, controller };
  update('ui', { batchKind: kind, resumedBatch: resumed ? { kind, total: ids.length } : null });
  for (const id of ids) setJob(id, { state: 'waiting', progress: null, kind });
  let done = 0;
  let failed = 0;
  try {
    for (const id of ids) {
      const meta = getUi().docs.find((d) => d.id === id);
      // Closed, or taken out of the queue with its own Cancel.
      if (!meta || meta.job.state !== 'waiting') continue;
      const task = await nextTask(kind, id, controller.signal);
      if (!task) break;
      const stop = () => task.controller.abort();
      controller.signal.addEventListener('abort', stop, { once: true });
      setJob(id, { state: w.busy, progress: kind === 'remove' ? 0 : null, kind });
      // A progress report can arrive after the removal has settled (comlink sends each callback
      // on a channel of its own, so its order against the result is not kept): once settled,
      // it must not put the image back to "removing" (seen once in e2e/batch.spec.ts: an image
      // cleaned, its row stuck at "Removing").
      let live = true;
      try {
        if (kind === 'detect') await detectDoc(id, task);
        else await removeDoc(id, task, (share) => live && setJob(id, { state: 'removing', progress: share, kind }));
        live = false;
        recordOutcome(kind, id);
        done++;
      } catch (e) {
        live = false;
        recordOutcome(kind, id, e);
        const code = errorCode(e);
        if (code === 'E_CANCELLED') {
          setDocStatus(id, 'idle', t('status.cancelled', { context: t(w.label) }));
        } else {
          failed++;
          setDocStatus(id, 'error', t('status.failed', { context: t(w.label), code }));
          pushToast('error', code, t('status.itemError', { name: meta.name, message: errorMessage(e) }));
        }
      } finally {
        controller.signal.removeEventListener('abort', stop);
        endTask(task);
      }
    }
  } finally {
    // A cancelled batch: the images it did not reach go back to what they hold.
    for (const d of getUi().docs) if (d.job.state === 'waiting' && d.job.kind === kind) setJob(d.id, settledJob(queueDoc(d)));
    batch = null;
    update('ui', { batchKind: null, resumedBatch: null });
  }
  const stopped = controller.signal.aborted ? t('batch.stopped') : '';
  const run = resumed ? t('batch.resumedRun', { run: t(w.run) }) : t(w.run);
  const summary = t('batch.summary', { run, stopped, done: formatNumber(done), total: formatNumber(ids.length) });
  setStatus(failed > 0 ? 'error' : 'idle', `${summary}${failed ? t('batch.summaryFailed', { n: formatNumber(failed) }) : ''}`);
  return !controller.signal.aborted;
}

export const detectAll = (): Promise<void> => runBatch('detect');
export const removeAll = (): Promise<void> => runBatch('remove');

/** Stops the image in hand and every image still waiting. */
export function cancelBatch(): void {
  batch?.controller.abort();
}

/** One image: out of the queue if it waits, stopped if the worker is on it. */
export function cancelItem(docId: string): void {
  const meta = getUi().docs.find((d) => d.id === docId);
  if (!meta) return;
  if (meta.job.state === 'waiting') setJob(docId, settledJob(queueDoc(meta)));
  else cancelTaskFor(docId);
}
