/** Zoom and pan commands. All are capture 'view': they never touch mask history. */
import { activeDocMeta, getUi, update } from '../store';
import { centeredView, fitView, zoomAt, type View } from './view-math';

let box = { width: 0, height: 0 };
/** Documents still showing the fitted view: they refit when the window resizes, until the user zooms or pans. */
const autoFit = new Set<string>();

/** The viewport reports its CSS size here so that keyboard and toolbar commands can fit and zoom. */
export function setViewportBox(width: number, height: number): void {
  box = { width, height };
}

export function getViewportBox(): { width: number; height: number } {
  return box;
}

export function setView(docId: string, view: View, fitted = false): void {
  if (fitted) autoFit.add(docId);
  else autoFit.delete(docId);
  update('view', (s) => ({ views: { ...s.views, [docId]: view } }));
}

/** After a resize: refit the active document if it still shows the fitted view. */
export function refitIfAuto(): void {
  const meta = activeDocMeta();
  if (meta && box.width > 0 && (autoFit.has(meta.id) || !getUi().views[meta.id])) fitActive();
}

export function activeView(): View | null {
  const s = getUi();
  return s.activeId ? (s.views[s.activeId] ?? null) : null;
}

export function fitActive(): void {
  const meta = activeDocMeta();
  if (!meta || box.width === 0) return;
  setView(meta.id, fitView(meta, box), true);
}

export function actualSizeActive(): void {
  const meta = activeDocMeta();
  const v = activeView();
  if (!meta || !v || box.width === 0) return;
  // Keep the image point at the centre of the viewport where it is.
  const cx = box.width / 2;
  const cy = box.height / 2;
  const next = zoomAt(v, 1 / v.scale, cx, cy);
  setView(meta.id, Number.isFinite(next.x) ? next : centeredView(meta, box, 1));
}

export function zoomActive(factor: number, cx = box.width / 2, cy = box.height / 2): void {
  const meta = activeDocMeta();
  const v = activeView();
  if (!meta || !v) return;
  setView(meta.id, zoomAt(v, factor, cx, cy));
}
