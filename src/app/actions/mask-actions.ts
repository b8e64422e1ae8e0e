/**
 * Every change to a document's mask goes through here, so that the history,
 * the overlay and the store's maskVersion stay in step.
 */
import { countMasked } from '../../engine/mask';
import type { Mask, Rect } from '../../engine/types';
import type { MaskOp } from '../../engine/mask';
import { engine } from '../engine';
import { getDocData, parkMask, type DocData } from '../documents';
import { reportError } from '../errors';
import { getUi, pushToast, updateDoc, type DocMeta } from '../store';
import { fullRect } from '../rect';
import { requestRender } from '../viewport/render-loop';
import { t, type PlainKey } from '../i18n';

/** Refreshes the store's view of a document's mask. Capture 'history': the step is already in MaskHistory. */
export function publishMaskChange(doc: DocData): void {
  const meta = getUi().docs.find((d) => d.id === doc.id);
  if (!meta) return;
  updateDoc('history', doc.id, {
    maskVersion: meta.maskVersion + 1,
    maskCount: countMasked(doc.mask),
    undoLabel: doc.history.peekUndo(),
    redoLabel: doc.history.peekRedo(),
  });
  requestRender();
}

/** Redraws part of the overlay while a gesture is in progress (not yet a history step). */
export function invalidateMask(doc: DocData, rect: Rect | null): void {
  doc.overlay.update(doc.mask, rect);
  requestRender();
}

/** Ends a pointer gesture that was started with history.begin(). */
export function commitGesture(doc: DocData, label: string, dirty: Rect | null): void {
  // Nothing was stamped (e.g. a click outside the image): no step, and no whole-mask diff.
  if (!dirty) {
    doc.history.abort(doc.mask);
    return;
  }
  if (doc.history.commit(doc.mask, label, dirty)) publishMaskChange(doc);
}

export function abortGesture(doc: DocData, dirty: Rect | null): void {
  doc.history.abort(doc.mask);
  invalidateMask(doc, dirty ?? fullRect(doc.mask));
}

/** Replaces the whole mask with one computed elsewhere (worker), as one undoable step. */
export function replaceMask(doc: DocData, next: Mask, label: string): boolean {
  if (next.width !== doc.mask.width || next.height !== doc.mask.height) {
    pushToast('error', 'E_MASK_MISMATCH', t('mask.mismatch', { label }));
    return false;
  }
  if (doc.history.inGesture) return false;
  doc.history.begin(doc.mask);
  doc.mask.data.set(next.data);
  const rect = fullRect(doc.mask);
  const changed = doc.history.commit(doc.mask, label, rect);
  doc.overlay.update(doc.mask, rect);
  if (changed) publishMaskChange(doc);
  else requestRender();
  // Detect all, "Use this mask for all images": an image off screen keeps its mask packed.
  parkMask(doc);
  return changed;
}

function activeDoc(): DocData | null {
  return getDocData(getUi().activeId);
}

export function undo(): void {
  const doc = activeDoc();
  if (!doc) return;
  // Refused mid-stroke: the open gesture's snapshot would no longer match the mask.
  if (doc.history.inGesture || !doc.history.canUndo) return;
  const rect = doc.history.undo(doc.mask);
  doc.overlay.update(doc.mask, rect);
  publishMaskChange(doc);
}

export function redo(): void {
  const doc = activeDoc();
  if (!doc) return;
  if (doc.history.inGesture || !doc.history.canRedo) return;
  const rect = doc.history.redo(doc.mask);
  doc.overlay.update(doc.mask, rect);
  publishMaskChange(doc);
}

const opLabels: Record<MaskOp['op'], PlainKey> = {
  clear: 'mask.opClear',
  fill: 'mask.opFill',
  invert: 'mask.opInvert',
  dilate: 'mask.opDilate',
  erode: 'mask.opErode',
  feather: 'mask.opFeather',
};

/** Whole-mask operations run in the worker; the result comes back as one undoable step. */
export async function runMaskOp(op: MaskOp): Promise<void> {
  const id = getUi().activeId;
  const doc = getDocData(id);
  if (!doc || doc.history.inGesture) return;
  const version = currentVersion(doc.id);
  try {
    const next = await engine().maskOp(doc.mask, op);
    // A stroke landed while the worker was busy: applying now would erase it.
    if (currentVersion(doc.id) !== version || doc.history.inGesture) {
      pushToast('info', 'STALE', t('mask.opSkipped', { op: t(opLabels[op.op]) }));
      return;
    }
    const label = 'px' in op ? t('history.opPx', { op: t(opLabels[op.op]), px: op.px }) : t(opLabels[op.op]);
    replaceMask(doc, next, label);
  } catch (e) {
    reportError(e, t(opLabels[op.op]));
  }
}

function currentVersion(id: string): number {
  const meta: DocMeta | undefined = getUi().docs.find((d) => d.id === id);
  return meta?.maskVersion ?? -1;
}
