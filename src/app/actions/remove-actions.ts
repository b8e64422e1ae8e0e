/** Removal: send the mask to the worker, show tile progress, keep everything as it was on failure. */
import { throwIfAborted } from '../../engine/errors';
import { engine } from '../engine';
import { getDocData } from '../documents';
import { reportError } from '../errors';
import { activeDocMeta, getUi, setStatus, update, updateDoc } from '../store';
import { requestRender } from '../viewport/render-loop';
import { beginTask, endTask } from './task';
import { METHOD_NAMES, methodSummary } from './region-methods';
import { checkMarksUsed } from './mark-actions';

export async function removeActive(): Promise<void> {
  const meta = activeDocMeta();
  const doc = getDocData(meta?.id ?? null);
  if (!meta || !doc || meta.maskCount === 0 || doc.history.inGesture) return;
  const task = beginTask('removing', meta.id, 'Removing…');
  if (!task) return;
  const method = getUi().method;
  update('ui', { removeProgress: { done: 0, total: 0 } });
  try {
    // A copy: the worker may take the buffer, and the mask must stay as it is if this fails.
    const mask = { width: doc.mask.width, height: doc.mask.height, data: doc.mask.data.slice() };
    const result = await engine().remove(meta.id, mask, { method }, task.signal, (p) =>
      update('ui', { removeProgress: { done: p.done, total: p.total } }),
    );
    if (!getDocData(meta.id) || task.signal.aborted) {
      // Closed, or cancelled while the result was on its way: cancel means nothing changes.
      result.bitmap.close();
      throwIfAborted(task.signal);
      return;
    }
    doc.result?.close();
    doc.result = result.bitmap;
    const version = getUi().docs.find((d) => d.id === meta.id)?.maskVersion ?? 0;
    updateDoc('ui', meta.id, {
      result: {
        resultId: result.resultId,
        method: result.method,
        tiles: result.tiles,
        ms: result.ms,
        backend: result.backend,
        maskVersion: version,
        ...(result.regions ? { regions: result.regions } : {}),
        marksUsed: result.marksUsed,
      },
    });
    checkMarksUsed(meta.id, result.marksUsed);
    update('view', { compareSplit: 0.5, compareEnabled: true });
    // The result is what the user wants to see now; painting turns the overlay back on.
    // Only for this image: the next one opens with its mask shown.
    updateDoc('ui', meta.id, { showOverlay: false });
    const how = result.regions ? methodSummary(result.regions) : METHOD_NAMES[result.method];
    setStatus('done', `Removed in ${(result.ms / 1000).toFixed(1)} s (${result.tiles} tile${result.tiles === 1 ? '' : 's'}, ${how})`);
    requestRender();
  } catch (e) {
    reportError(e, 'Removal');
  } finally {
    update('ui', { removeProgress: null });
    endTask(task);
  }
}
