/**
 * Marks on documents: find every instance like the selection, learn one mark
 * from all open images. The worker estimates from the masks it holds and
 * proposes each new mask; the app accepts a proposal (one undoable step per
 * document) only when the work succeeded and was not cancelled, and the worker
 * refuses it if the mask changed meanwhile. A failure leaves every mask and
 * every history exactly as it was.
 */
import { formatNumber } from '../format';
import { throwIfAborted } from '../../engine/errors';
import type { MarkFound, MarkProgress } from '../../worker/mark-protocol';
import type { MaskProposal } from '../../worker/mask-protocol';
import { engine } from '../engine';
import { getDocData } from '../documents';
import { reportError } from '../errors';
import { addDocMark, clearDocMarks, getMarks } from '../marks-store';
import { activeDocMeta, getUi, pushToast, setDocStatus, type DocMeta } from '../store';
import { acceptProposal } from './mask-actions';
import { beginTask, endTask } from './task';
import { t, tn } from '../i18n';

/** Applies a mask the worker proposed if the document's mask is still the one the job read; says so when it is not. */
export async function applyMarkMask(proposal: MaskProposal, label: string): Promise<boolean> {
  if (!getDocData(proposal.docId)) return false;
  const change = await acceptProposal(proposal, label, { ifUnchanged: true });
  if (!change) pushToast('info', 'STALE', t('status.markStale', { label }));
  return change !== null;
}

/** Cancel means nothing changes, even when the answer was already on its way. */
export function dropIfCancelled(signal: AbortSignal, proposals: (MaskProposal | null)[]): void {
  if (!signal.aborted) return;
  for (const p of proposals) if (p) engine().masks.drop(p);
  throwIfAborted(signal);
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
  const doc = getDocData(meta?.id ?? null);
  if (!meta || !doc || doc.inGesture) return;
  const task = beginTask('detecting', meta.id, t('status.finding'));
  if (!task) return;
  try {
    const box = getMarks().lastBox[meta.id] ?? null;
    const found = await engine().findAllLike(meta.id, box, task.signal, percent(meta.id, t('status.finding')));
    dropIfCancelled(task.signal, [found.proposal]);
    addDocMark(meta.id, { ...found.mark, mode: found.mode });
    await applyMarkMask(found.proposal, t('context.findLike'));
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
  if (docs.some((d) => !getDocData(d.id) || getDocData(d.id)?.inGesture)) return;
  const task = beginTask('detecting', active.id, tn('status.learningFrom', docs.length));
  if (!task) return;
  try {
    const shared = await engine().learnSharedMark(
      docs.map((d) => d.id),
      task.signal,
      percent(active.id, t('status.learning')),
    );
    dropIfCancelled(task.signal, shared.docs.map((d) => d.proposal));
    let added = 0;
    for (const d of shared.docs) {
      if (!getDocData(d.docId)) continue;
      addDocMark(d.docId, { ...shared.mark, mode: 'shared' });
      // Not found in that image: its mask stays as it was.
      if (d.proposal && (await applyMarkMask(d.proposal, t('context.learnMark')))) added += d.added;
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
