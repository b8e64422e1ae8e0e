/** Removal: the worker fills the mask it holds; show tile progress, keep everything as it was on failure. */
import { throwIfAborted, WmError } from '../../engine/errors';
import { engine } from '../engine';
import { getDocData, setResultBitmap } from '../documents';
import { reportError } from '../errors';
import { formatSeconds } from '../format';
import { recordOutcome } from '../batch/job';
import { activeDocMeta, getUi, setDocStatus, update, updateDoc } from '../store';
import { requestRender } from '../viewport/render-loop';
import { beginTask, endTask, type Task } from './task';
import { METHOD_NAMES, methodSummary } from './region-methods';
import { checkMarksUsed } from './mark-actions';
import { t, tn } from '../i18n';

export async function removeActive(): Promise<void> {
  const meta = activeDocMeta();
  const doc = getDocData(meta?.id ?? null);
  if (!meta || !doc || meta.maskCount === 0 || doc.inGesture) return;
  const task = beginTask('removing', meta.id, t('remove.removing'));
  if (!task) return;
  try {
    await removeDoc(meta.id, task);
    recordOutcome('remove', meta.id);
  } catch (e) {
    recordOutcome('remove', meta.id, e);
    reportError(e, t('context.removal'), meta.id);
  } finally {
    endTask(task);
  }
}

/**
 * Removes the marks from one image inside a task the caller began, with the
 * method chosen in the Remove panel (the app's default unless the user picked
 * another). On any failure or cancel it rejects and the image keeps its mask,
 * history and previous result. `onProgress` gets tiles done / total.
 */
export async function removeDoc(docId: string, task: Task, onProgress?: (share: number) => void): Promise<void> {
  const meta = getUi().docs.find((d) => d.id === docId);
  const doc = getDocData(docId);
  if (!meta || !doc) throw new WmError('E_PROCESSING', 'The image was closed.');
  if (doc.inGesture) throw new WmError('E_PROCESSING', 'A stroke is in progress on this image.');
  const method = getUi().method;
  update('ui', { removeProgress: { done: 0, total: 0 } });
  try {
    // The worker fills the mask it holds, as it was when the call reached it (its version comes back).
    const result = await engine().remove(docId, { method }, task.signal, (p) => {
      update('ui', { removeProgress: { done: p.done, total: p.total } });
      if (p.total > 0) onProgress?.(p.done / p.total);
    });
    if (!getDocData(docId) || task.signal.aborted) {
      // Closed, or cancelled while the result was on its way: cancel means nothing changes.
      result.bitmap.close();
      throwIfAborted(task.signal);
      throw new WmError('E_PROCESSING', 'The image was closed.');
    }
    doc.resultPng = null;
    setResultBitmap(doc, result.bitmap);
    updateDoc('ui', docId, {
      result: {
        resultId: result.resultId,
        method: result.method,
        tiles: result.tiles,
        ms: result.ms,
        backend: result.backend,
        maskVersion: result.maskVersion,
        ...(result.regions ? { regions: result.regions } : {}),
        marksUsed: result.marksUsed,
      },
      // The result is what the user wants to see now; painting turns the overlay back on.
      // Only for this image: the next one opens with its mask shown.
      showOverlay: false,
    });
    checkMarksUsed(docId, result.marksUsed);
    // Open on the result (divider at the left edge: all "after"), not a half-finished-looking 50/50 split.
    update('view', { compareSplit: 0, compareEnabled: true });
    const how = result.regions ? methodSummary(result.regions) : t(METHOD_NAMES[result.method]);
    setDocStatus(docId, 'done', tn('status.removed', result.tiles, { time: formatSeconds(result.ms), how }));
    requestRender();
  } finally {
    update('ui', { removeProgress: null });
  }
}
