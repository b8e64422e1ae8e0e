/**
 * Marks on documents: find every instance like the selection, learn one mark
 * from all open images. The worker estimates; the app only applies the mask it
 * sends back, as one undoable step per document, and only when the work
 * succeeded and the mask did not change meanwhile. A failure leaves every mask
 * and every history exactly as it was.
 */
import { formatNumber } from '../format';
import { throwIfAborted } from '../../engine/errors';
import type { Mask } from '../../engine/types';
import type { MarkFound, MarkProgress } from '../../worker/mark-protocol';
import { engine } from '../engine';
import { getDocData } from '../documents';
import { reportError } from '../errors';
import { addDocMark, clearDocMarks, getMarks } from '../marks-store';
import { activeDocMeta, getUi, pushToast, setDocStatus, type DocMeta } from '../store';
import { replaceMask } from './mask-actions';
import { beginTask, endTask } from './task';
import { t, tn } from '../i18n';

function maskVersion(docId: string): number {
  return getUi().docs.find((d) => d.id === docId)?.maskVersion ?? -1;
}

/** A copy of the document's mask: the worker may take the buffer, and ours must stay as it is if the call fails. */
export function maskCopy(docId: string): Mask | null {
  const doc = getDocData(docId);
  return doc ? { width: doc.mask.width, height: doc.mask.height, data: doc.mask.data.slice() } : null;
}

/** Applies a mask from the worker if the document's mask is still the one that was sent. */
export function applyMarkMask(docId: string, version: number, mask: Mask, label: string): boolean {
  const doc = getDocData(docId);
  if (!doc) return false;
  if (maskVersion(docId) !== version || doc.history.inGesture) {
    pushToast('info', 'STALE', t('status.markStale', { label }));
    return false;
  }
  return replaceMask(doc, mask, label);
}

/** Progress in the status line, only while the task still runs (a late message must not revive it). */
const percent = (docId: string, text: string) => (p: MarkProgress) => {
  if (getUi().status === 'detecting') setDocStatus(docId, 'detecting', `${text} ${Math.round(p.share * 100)} %`);
};

export function describeFound(f: MarkFound): string {
  const m = f.mark;
  const what =
    f.mode === 'lattice'
      ? t('status.foundTiled', { n: m.instances })
      : f.mode === 'matches'
        ? tn('status.foundInstances', m.instances)
        : f.mode === 'saved'
          ? t('status.foundSaved')
          : t('status.foundShared');
  return t('status.foundMark', { what, opacity: Math.round(m.opacity * 100), px: formatNumber(f.added) });
}

/** "Find all like this": the last box drawn (else the largest piece of the mask), or the image's tiled mark. */
export async function findAllLikeActive(): Promise<void> {
  const meta = activeDocMeta();
  const base = meta ? maskCopy(meta.id) : null;
  if (!meta || !base || getDocData(meta.id)?.history.inGesture) return;
  const task = beginTask('detecting', meta.id, t('status.finding'));
  if (!task) return;
  const version = meta.maskVersion;
  try {
    const box = getMarks().lastBox[meta.id] ?? null;
    const found = await engine().findAllLike(meta.id, base, box, task.signal, percent(meta.id, t('status.finding')));
    // Cancel means nothing changes, even when the answer was already on its way.
    throwIfAborted(task.signal);
    addDocMark(meta.id, { ...found.mark, mode: found.mode });
    applyMarkMask(meta.id, version, found.mask, t('context.findLike'));
    setDocStatus(meta.id, 'idle', describeFound(found));
  } catch (e) {
    reportError(e, t('context.findLike'), meta.id);
  } finally {
    endTask(task);
  }
}

/** The open images the batch should use: those the size of the active one, when there are two or more. */
function batchDocs(active: DocMeta): DocMeta[] {
  const docs = getUi().docs;
  const same = docs.filter((d) => d.width === active.width && d.height === active.height);
  // Fewer than two of one size: send them all, so the engine says why (too few, or the sizes differ).
  return same.length >= 2 ? same : docs;
}

/** "Learn this mark from all images": one mark shared by the open images; each one's mask gets its placement. */
export async function learnFromAllImages(): Promise<void> {
  const active = activeDocMeta();
  if (!active) return;
  const docs = batchDocs(active);
  if (docs.some((d) => getDocData(d.id)?.history.inGesture)) return;
  const bases = docs.map((d) => maskCopy(d.id));
  if (bases.some((b) => !b)) return;
  const task = beginTask('detecting', active.id, tn('status.learningFrom', docs.length));
  if (!task) return;
  const versions = new Map(docs.map((d) => [d.id, d.maskVersion]));
  try {
    const shared = await engine().learnSharedMark(
      docs.map((d) => d.id),
      bases as Mask[],
      task.signal,
      percent(active.id, t('status.learning')),
    );
    throwIfAborted(task.signal);
    let added = 0;
    for (const d of shared.docs) {
      if (!getDocData(d.docId)) continue;
      addDocMark(d.docId, { ...shared.mark, mode: 'shared' });
      if (applyMarkMask(d.docId, versions.get(d.docId) ?? -1, d.mask, t('context.learnMark'))) added += d.added;
    }
    setDocStatus(active.id, 'idle', t('status.learned', { n: shared.docs.length, opacity: Math.round(shared.mark.opacity * 100), px: formatNumber(added) }));
  } catch (e) {
    reportError(e, t('context.learnThisMark'), active.id);
  } finally {
    endTask(task);
  }
}

/** Drops the document's marks: removal goes back to the plain fill. The mask stays. */
export function forgetMarks(docId: string): void {
  engine().forgetMarks(docId);
  clearDocMarks(docId);
  setDocStatus(docId, 'idle', t('status.forgotten'));
}

/**
 * The worker forgets its marks when it is restarted (a cancel that had to kill
 * it). If a removal came back without per-region records although the UI still
 * lists marks for the document, say so and drop them, so the panel does not
 * claim what the engine no longer has.
 */
export function checkMarksUsed(docId: string, usedMarks: boolean): void {
  if (usedMarks || !getMarks().byDoc[docId]?.length) return;
  clearDocMarks(docId);
  pushToast('info', 'MARKS_LOST', t('status.marksLost'));
}
