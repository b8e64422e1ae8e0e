/**
 * Pointer tools (STYLE habit 9). The viewport captures the pointer and calls
 * onDown, which returns a gesture object frozen for the whole drag: the
 * document, the brush radius and modifiers as they were at pointer-down. finalize('commit') ends it as one history step;
 * finalize('cancel') (pointercancel, lost capture, a second finger) undoes it.
 */
import type { Rect } from '../../engine/types';
import type { DocData } from '../documents';
import type { ToolId } from '../store';
import type { View } from '../viewport/view-math';

export interface PointerSample {
  /** CSS pixels relative to the viewport element. */
  sx: number;
  sy: number;
  /** Image pixels (fractional). */
  ix: number;
  iy: number;
  altKey: boolean;
}

export type ToolPreview =
  | { kind: 'box'; rect: Rect; subtract: boolean }
  | null;

export interface ToolContext {
  readonly doc: DocData;
  /** Brush radius in image pixels. */
  readonly radius: number;
  readonly view: View;
  setView(view: View): void;
  setPreview(preview: ToolPreview): void;
}

export type GestureEnd = 'commit' | 'cancel';

export interface ToolModule<G> {
  readonly id: ToolId;
  readonly cursor: string;
  onDown(ctx: ToolContext, p: PointerSample): G;
  onMove(g: G, p: PointerSample): void;
  onUp(g: G, p: PointerSample): void;
  finalize(g: G, end: GestureEnd): void;
}

/** A started gesture with its tool bound, so the viewport can drive any tool without casts. */
export interface ActiveGesture {
  move(p: PointerSample): void;
  up(p: PointerSample): void;
  finalize(end: GestureEnd): void;
}

export function startGesture<G>(tool: ToolModule<G>, ctx: ToolContext, p: PointerSample): ActiveGesture {
  const g = tool.onDown(ctx, p);
  let done = false;
  return {
    move: (q) => {
      if (!done) tool.onMove(g, q);
    },
    up: (q) => {
      if (!done) tool.onUp(g, q);
    },
    finalize: (end) => {
      if (done) return;
      done = true;
      tool.finalize(g, end);
    },
  };
}
