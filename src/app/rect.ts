/** Rectangle geometry for dirty regions (no pixels). */
import type { Rect, Size } from '../engine/types';

export function unionRect(a: Rect | null, b: Rect | null): Rect | null {
  if (!a) return b;
  if (!b) return a;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    width: Math.max(a.x + a.width, b.x + b.width) - x,
    height: Math.max(a.y + a.height, b.y + b.height) - y,
  };
}

/** Rectangle spanned by two corner points, snapped outward to whole pixels and clipped to the image. */
export function rectFromPoints(ax: number, ay: number, bx: number, by: number, size: Size): Rect | null {
  const x0 = Math.max(0, Math.floor(Math.min(ax, bx)));
  const y0 = Math.max(0, Math.floor(Math.min(ay, by)));
  const x1 = Math.min(size.width, Math.ceil(Math.max(ax, bx)));
  const y1 = Math.min(size.height, Math.ceil(Math.max(ay, by)));
  if (x1 <= x0 || y1 <= y0) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

export function fullRect(size: Size): Rect {
  return { x: 0, y: 0, width: size.width, height: size.height };
}
