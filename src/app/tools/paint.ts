/** Shared stroke logic for the brush (value 255) and the eraser (value 0). */
import { stampLine } from '../../engine/mask';
import type { Rect } from '../../engine/types';
import { abortGesture, commitGesture, invalidateMask } from '../actions/mask-actions';
import type { DocData } from '../documents';
import { unionRect } from '../rect';
import type { GestureEnd, PointerSample, ToolContext, ToolModule } from './types';
import type { ToolId } from '../store';
import { t, type PlainKey } from '../i18n';

export interface StrokeGesture {
  readonly doc: DocData;
  readonly radius: number;
  readonly value: number;
  /** The undo step's name, translated when the stroke is committed. */
  readonly label: PlainKey;
  lastX: number;
  lastY: number;
  dirty: Rect | null;
}

export function makePaintTool(id: ToolId, value: number, label: PlainKey): ToolModule<StrokeGesture> {
  return {
    id,
    cursor: 'none',
    onDown(ctx: ToolContext, p: PointerSample): StrokeGesture {
      ctx.doc.history.begin(ctx.doc.mask);
      const g: StrokeGesture = { doc: ctx.doc, radius: ctx.radius, value, label, lastX: p.ix, lastY: p.iy, dirty: null };
      stamp(g, p.ix, p.iy);
      return g;
    },
    onMove(g, p) {
      stamp(g, p.ix, p.iy);
    },
    onUp(g, p) {
      stamp(g, p.ix, p.iy);
    },
    finalize(g: StrokeGesture, end: GestureEnd) {
      if (end === 'commit') commitGesture(g.doc, t(g.label), g.dirty);
      else abortGesture(g.doc, g.dirty);
    },
  };
}

function stamp(g: StrokeGesture, x: number, y: number): void {
  const rect = stampLine(g.doc.mask, g.lastX, g.lastY, x, y, g.radius, g.value);
  g.lastX = x;
  g.lastY = y;
  if (!rect) return;
  g.dirty = unionRect(g.dirty, rect);
  invalidateMask(g.doc, rect);
}
