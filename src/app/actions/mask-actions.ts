/**
 * Mask changes on the main thread: the worker holds every mask and its undo
 * history (engine().masks); what it sends back goes through applyMaskChange,
 * so the overlay, the store's count, labels and maskVersion stay in step.
 */
import type { MaskOp } from '../../engine/mask';
import type { Rect } from '../../engine/types';
import type { AcceptOptions, MaskChange, MaskProposal } from '../../worker/mask-protocol';
import { engine } from '../engine';
import { getDocData, isOnScreen, type DocData } from '../documents';
import { reportError } from '../errors';
import { getUi, pushToast, updateDoc } from '../store';
import { requestRender } from '../viewport/render-loop';
import { t, type PlainKey } from '../i18n';

/**
 * Takes in a change the worker made: its bytes go on the overlay (the image on
 * screen), and the store gets the count, the labels and the version.
 * Capture 'history': the step is already in the worker's history.
 */
export function applyMaskChange(change: MaskChange | null): void {
  if (!change) return;
  const doc = getDocData(change.docId);
  if (!doc) return;
  if (change.rect && change.bytes) doc.overlay.write(change.rect, change.bytes);
  const meta = getUi().docs.find((d) => d.id === change.docId);
  // Answers arrive in order; one that does not move the version (an abort, a refusal) leaves the store as it is.
  if (meta && change.version > meta.maskVersion) {
    updateDoc('history', change.docId, {
      maskVersion: change.version,
      maskCount: change.count,
      undoLabel: change.undoLabel,
      redoLabel: change.redoLabel,
    });
  }
  requestRender();
}

/** Draws the overlay again from the worker's mask (all of it, or `rect`): a stroke's stamps the worker did not keep. */
export async function refreshOverlay(doc: DocData, rect?: Rect): Promise<void> {
  try {
    const got = await engine().masks.bytes(doc.id, rect);
    doc.overlay.write(got.rect, got.bytes);
    requestRender();
  } catch {
    // The image was closed, or the worker is being restarted: the next change draws it.
  }
}

/** For the painter: the overlay canvas of the image on screen, loaded from the worker the first time. */
export function ensureOverlay(doc: DocData, color: string): HTMLCanvasElement | null {
  if (doc.overlay.ensure()) void refreshOverlay(doc);
  doc.overlay.setColor(color);
  return doc.overlay.canvas;
}

/**
 * Applies a mask the worker proposed (detection, marks) as one undoable step.
 * Null when refused: a stroke was open, or (ifUnchanged) the mask changed since.
 */
export async function acceptProposal(proposal: MaskProposal, label: string, opts: Omit<AcceptOptions, 'bytes'>): Promise<MaskChange | null> {
  const change = await engine().masks.accept(proposal, label, { ...opts, bytes: isOnScreen(proposal.docId) });
  applyMaskChange(change);
  return change;
}

function activeDoc(): DocData | null {
  return getDocData(getUi().activeId);
}

async function move(kind: 'undo' | 'redo'): Promise<void> {
  const doc = activeDoc();
  // Refused mid-stroke: the open gesture's snapshot would no longer match the mask.
  if (!doc || doc.inGesture) return;
  try {
    applyMaskChange(await engine().masks[kind](doc.id, isOnScreen(doc.id)));
  } catch (e) {
    reportError(e, t('context.maskEdit'), doc.id);
  }
}

export function undo(): void {
  void move('undo');
}

export function redo(): void {
  void move('redo');
}

const opLabels: Record<MaskOp['op'], PlainKey> = {
  clear: 'mask.opClear',
  fill: 'mask.opFill',
  invert: 'mask.opInvert',
  dilate: 'mask.opDilate',
  erode: 'mask.opErode',
  feather: 'mask.opFeather',
};

/** Whole-mask operations run in the worker, on the mask it holds, as one undoable step. */
export async function runMaskOp(op: MaskOp): Promise<void> {
  const doc = activeDoc();
  if (!doc || doc.inGesture) return;
  const label = 'px' in op ? t('history.opPx', { op: t(opLabels[op.op]), px: op.px }) : t(opLabels[op.op]);
  try {
    const change = await engine().masks.op(doc.id, op, label, isOnScreen(doc.id));
    // A stroke began before the op reached the worker: applying now would break it.
    if (!change) pushToast('info', 'STALE', t('mask.opSkipped', { op: t(opLabels[op.op]) }));
    applyMaskChange(change);
  } catch (e) {
    reportError(e, t(opLabels[op.op]));
  }
}
