/** H (or Space / middle button with any tool): drag to pan. View state only, never history. */
import type { View } from '../viewport/view-math';
import type { GestureEnd, PointerSample, ToolContext, ToolModule } from './types';

export interface PanGesture {
  readonly ctx: ToolContext;
  readonly startX: number;
  readonly startY: number;
  readonly startView: View;
}

export const handTool: ToolModule<PanGesture> = {
  id: 'hand',
  cursor: 'grab',
  onDown(ctx: ToolContext, p: PointerSample): PanGesture {
    return { ctx, startX: p.sx, startY: p.sy, startView: ctx.view };
  },
  onMove(g, p) {
    g.ctx.setView({ ...g.startView, x: g.startView.x + p.sx - g.startX, y: g.startView.y + p.sy - g.startY });
  },
  onUp(g, p) {
    handTool.onMove(g, p);
  },
  finalize(_g: PanGesture, _end: GestureEnd) {
    // Panning has nothing to commit or roll back.
  },
};
