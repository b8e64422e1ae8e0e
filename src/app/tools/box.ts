/** R: drag a rectangle to add it to the mask; hold Alt at pointer-down to subtract it. */
import { applyMaskChange, refreshOverlay } from '../actions/mask-actions';
import { isOnScreen } from '../documents';
import { engine } from '../engine';
import { reportError } from '../errors';
import { setLastBox } from '../marks-store';
import { rectFromPoints } from '../rect';
import type { GestureEnd, PointerSample, ToolContext, ToolModule } from './types';
import { t } from '../i18n';

export interface BoxGesture {
  readonly ctx: ToolContext;
  readonly startX: number;
  readonly startY: number;
  readonly subtract: boolean;
  endX: number;
  endY: number;
}

function currentRect(g: BoxGesture) {
  return rectFromPoints(g.startX, g.startY, g.endX, g.endY, g.ctx.doc);
}

function showPreview(g: BoxGesture): void {
  const rect = currentRect(g);
  g.ctx.setPreview(rect ? { kind: 'box', rect, subtract: g.subtract } : null);
}

export const boxTool: ToolModule<BoxGesture> = {
  id: 'box',
  cursor: 'crosshair',
  onDown(ctx: ToolContext, p: PointerSample): BoxGesture {
    return { ctx, startX: p.ix, startY: p.iy, endX: p.ix, endY: p.iy, subtract: p.altKey };
  },
  onMove(g, p) {
    g.endX = p.ix;
    g.endY = p.iy;
    showPreview(g);
  },
  onUp(g, p) {
    g.endX = p.ix;
    g.endY = p.iy;
  },
  finalize(g: BoxGesture, end: GestureEnd) {
    const { doc } = g.ctx;
    g.ctx.setPreview(null);
    if (end !== 'commit') return;
    const rect = currentRect(g);
    if (!rect) return;
    const value = g.subtract ? 0 : 255;
    // Shown at once; the worker's answer writes its bytes over it.
    doc.overlay.fill(rect, value);
    engine()
      .masks.box(doc.id, rect, value, g.subtract ? t('history.boxSubtract') : t('history.box'), isOnScreen(doc.id))
      .then((change) => {
        applyMaskChange(change);
        if (!change?.rect) void refreshOverlay(doc, rect);
      })
      .catch((e: unknown) => {
        void refreshOverlay(doc, rect);
        reportError(e, t('context.maskEdit'), doc.id);
      });
    // The selection "Find all like this" starts from.
    if (!g.subtract) setLastBox(doc.id, rect);
  },
};
