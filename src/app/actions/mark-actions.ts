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
    pushToast('info', 'STALE', `${label}: the mask changed meanwhile, so it was left as it is. Run it again.`);
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
      ? `a tiled mark (about ${m.instances} repeats)`
      : f.mode === 'matches'
        ? `${m.instances} instance${m.instances === 1 ? '' : 's'}`
        : f.mode === 'saved'
          ? 'the saved mark'
          : 'the shared mark';
  return `Found ${what}, opacity ${Math.round(m.opacity * 100)} %; ${formatNumber(f.added)} px added to the mask`;
}

/** "Find all like this": the last box drawn (else the largest piece of the mask), or the image's tiled mark. */
export async function findAllLikeActive(): Promise<void> {
  const meta = activeDocMeta();
  const base = meta ? maskCopy(meta.id) : null;
  if (!meta || !base || getDocData(meta.id)?.history.inGesture) return;
  const task = beginTask('detecting', meta.id, 'Finding every mark like this…');
  if (!task) return;
  const version = meta.maskVersion;
  try {
    const box = getMarks().lastBox[meta.id] ?? null;
    const found = await engine().findAllLike(meta.id, base, box, task.signal, percent(meta.id, 'Finding every mark like this…'));
    // Cancel means nothing changes, even when the answer was already on its way.
    throwIfAborted(task.signal);
    addDocMark(meta.id, { ...found.mark, mode: found.mode });
    applyMarkMask(meta.id, version, found.mask, 'Find all like this');
    setDocStatus(meta.id, 'idle', describeFound(found));
  } catch (e) {
    reportError(e, 'Find all like this', meta.id);
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
  const task = beginTask('detecting', active.id, `Learning the mark from ${docs.length} image${docs.length === 1 ? '' : 's'}…`);
  if (!task) return;
  const versions = new Map(docs.map((d) => [d.id, d.maskVersion]));
  try {
    const shared = await engine().learnSharedMark(
      docs.map((d) => d.id),
      bases as Mask[],
      task.signal,
      percent(active.id, 'Learning the mark…'),
    );
    throwIfAborted(task.signal);
    let added = 0;
    for (const d of shared.docs) {
      if (!getDocData(d.docId)) continue;
      addDocMark(d.docId, { ...shared.mark, mode: 'shared' });
      if (applyMarkMask(d.docId, versions.get(d.docId) ?? -1, d.mask, 'Learn mark')) added += d.added;
    }
    setDocStatus(active.id, 'idle', `Learned one mark from ${shared.docs.length} images (opacity ${Math.round(shared.mark.opacity * 100)} %); ${formatNumber(added)} px added to the masks`);
  } catch (e) {
    reportError(e, 'Learn this mark', active.id);
  } finally {
    endTask(task);
  }
}

/** Drops the document's marks: removal goes back to the plain fill. The mask stays. */
export function forgetMarks(docId: string): void {
  engine().forgetMarks(docId);
  clearDocMarks(docId);
  setDocStatus(docId, 'idle', 'Marks forgotten; the mask is unchanged');
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
  pushToast('info', 'MARKS_LOST', 'The engine restarted since the mark was found, so this removal used the plain fill. Find the mark again to invert it.');
}
