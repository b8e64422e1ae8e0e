import type { ToolId } from '../store';
import { boxTool } from './box';
import { brushTool } from './brush';
import { eraserTool } from './eraser';
import { handTool } from './hand';
import { startGesture, type ActiveGesture, type PointerSample, type ToolContext } from './types';

/** Starts a gesture with the tool for `id`; each branch keeps its own gesture type. */
export function startToolGesture(id: ToolId, ctx: ToolContext, p: PointerSample): ActiveGesture {
  switch (id) {
    case 'brush':
      return startGesture(brushTool, ctx, p);
    case 'eraser':
      return startGesture(eraserTool, ctx, p);
    case 'box':
      return startGesture(boxTool, ctx, p);
    case 'hand':
      return startGesture(handTool, ctx, p);
  }
}

export const toolCursor: Record<ToolId, string> = {
  brush: brushTool.cursor,
  eraser: eraserTool.cursor,
  box: boxTool.cursor,
  hand: handTool.cursor,
};
