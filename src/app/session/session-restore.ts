/**
 * One saved image back on screen after a reload: its file, its mask with the
 * undo history that ends on it (or, from a session saved before histories
 * were kept, the mask alone as the starting state), its result and its state,
 * with its place in the queue (a job the worker was on waits again; the queue
 * goes on by itself, batch-actions.ts resumeQueue).
 */
import { openImage } from '../actions/import-actions';
import { RESTORED_PREFIX } from '../actions/download-actions';
import { applyMaskChange } from '../actions/mask-actions';
import { jobToSave, settledJob } from '../batch/queue';
import { queueDoc } from '../batch/job';
import { getDocData, isOnScreen, setResultBitmap, type DocData } from '../documents';
import { engine } from '../engine';
import { getUi, updateDoc, type DocMeta } from '../store';
import { maskStart } from './journal-codec';
import { maskZlib } from './mask-codec';
import type { SavedDoc } from './session-db';

/** Restores one saved image; resolves to its document as it now is (null if it was closed meanwhile). */
export async function restoreDoc({ image, mask, journal, result, state }: SavedDoc): Promise<DocMeta | null> {
  const meta = await openImage(image.file, image.name, { key: image.key, name: image.name, ext: image.ext });
  const doc = getDocData(meta.id);
  if (!doc) return null;
  const maskVersion = await restoreMask(doc, { mask, journal });
  if (result) {
    setResultBitmap(doc, await createImageBitmap(result.png, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' }));
    doc.resultPng = result.png;
    const { png: _png, key: _key, ...info } = result;
    const current = state?.resultCurrent ?? false;
    updateDoc('ui', meta.id, { result: { resultId: `${RESTORED_PREFIX}${image.key}`, ...info, maskVersion: current ? maskVersion : -1 } });
  }
  if (state) {
    const now = getUi().docs.find((d) => d.id === meta.id);
    // A job stored running (the worker was on it) waits again; a queued one that names no batch settles.
    const job = now ? jobToSave(state.job, settledJob(queueDoc(now))) : state.job;
    updateDoc('ui', meta.id, { job, threshold: state.threshold, showOverlay: state.showOverlay });
  }
  return getUi().docs.find((d) => d.id === meta.id) ?? null;
}

/**
 * The saved mask into the worker: the journal (mask and undo history, the same
 * steps and labels as before the reload), else the mask alone as the starting
 * state, with nothing to undo before it. Resolves to the mask's version.
 */
async function restoreMask(doc: DocData, saved: Pick<SavedDoc, 'mask' | 'journal'>): Promise<number> {
  const start = maskStart(saved, doc.width, doc.height);
  if (start.kind === 'journal') {
    try {
      const change = await engine().masks.restore(doc.id, start.state, isOnScreen(doc.id));
      applyMaskChange(change);
      return change.version;
    } catch {
      // A damaged history (bytes that do not inflate to its rects): the mask record still holds the mask.
    }
  }
  const { mask } = saved;
  if (!mask || mask.width !== doc.width || mask.height !== doc.height) return 0;
  // Sent to the worker once, inflated there.
  const change = await engine().masks.load(doc.id, await maskZlib(mask), isOnScreen(doc.id));
  applyMaskChange(change);
  return change?.version ?? 0;
}
