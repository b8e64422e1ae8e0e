/**
 * Shared stroke logic for the brush (value 255) and the eraser (value 0). The
 * stroke goes to the worker, which holds the mask, as segments batched a frame
 * at a time (begin, segments, commit or abort); they are stamped on the
 * overlay's copy too, so the stroke shows at once, and the worker's answer at
 * the end writes its bytes over it.
 */
import type { Rect } from '../../engine/types';
import type { StrokeSegment } from '../../worker/mask-protocol';
import { applyMaskChange, refreshOverlay } from '../actions/mask-actions';
import { isOnScreen, type DocData } from '../documents';
import { engine } from '../engine';
import { reportError } from '../errors';
import { unionRect } from '../rect';
import type { GestureEnd, PointerSample, ToolContext, ToolModule } from './types';
import type { ToolId } from '../store';
import { t, type PlainKey } from '../i18n';

export interface StrokeGesture {
  readonly doc: DocData;
  readonly radius: number;
  readonly value: 0 | 255;
  /** The undo step's name, translated when the stroke is committed. */
  readonly label: PlainKey;
  lastX: number;
  lastY: number;
  /** Where the overlay was stamped, to draw it again if the worker did not keep the stroke. */
  dirty: Rect | null;
  /** Segments not yet sent, and the frame that sends them. */
  pending: StrokeSegment[];
  frame: number | null;
}

export function makePaintTool(id: ToolId, value: 0 | 255, label: PlainKey): ToolModule<StrokeGesture> {
  return {
    id,
    cursor: 'none',
    onDown(ctx: ToolContext, p: PointerSample): StrokeGesture {
      ctx.doc.inGesture = true;
      engine().masks.strokeBegin(ctx.doc.id);
      const g: StrokeGesture = { doc: ctx.doc, radius: ctx.radius, value, label, lastX: p.ix, lastY: p.iy, dirty: null, pending: [], frame: null };
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
      send(g);
      g.doc.inGesture = false;
      const masks = engine().masks;
      const onScreen = isOnScreen(g.doc.id);
      const answer = end === 'commit' ? masks.strokeCommit(g.doc.id, t(g.label), onScreen) : masks.strokeAbort(g.doc.id, onScreen);
      answer
        .then((change) => {
          applyMaskChange(change);
          // The worker kept nothing of it (a worker restarted under the stroke): show what it holds.
          if (!change.rect && g.dirty) void refreshOverlay(g.doc, g.dirty);
        })
        .catch((e: unknown) => {
          if (g.dirty) void refreshOverlay(g.doc, g.dirty);
          reportError(e, t('context.maskEdit'), g.doc.id);
        });
    },
  };
}

/** Sends the segments gathered since the last frame. */
function send(g: StrokeGesture): void {
  if (g.frame !== null) cancelAnimationFrame(g.frame);
  g.frame = null;
  if (g.pending.length === 0) return;
  engine().masks.strokeSegments(g.doc.id, g.pending);
  g.pending = [];
}

function stamp(g: StrokeGesture, x: number, y: number): void {
  const segment: StrokeSegment = { x0: g.lastX, y0: g.lastY, x1: x, y1: y, radius: g.radius, value: g.value };
  g.lastX = x;
  g.lastY = y;
  g.pending.push(segment);
  if (g.frame === null) g.frame = requestAnimationFrame(() => send(g));
  g.dirty = unionRect(g.dirty, g.doc.overlay.stamp(segment.x0, segment.y0, x, y, segment.radius, segment.value));
}
