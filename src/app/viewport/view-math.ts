/** The view transform: screen = image * scale + (x, y), in CSS pixels of the viewport. */
import type { Size } from '../../engine/types';

export interface View {
  scale: number;
  x: number;
  y: number;
}

export const MIN_SCALE = 0.01;
export const MAX_SCALE = 32;

export function clampScale(s: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, s));
}

export function fitView(image: Size, box: Size, padding = 24): View {
  const availW = Math.max(1, box.width - padding * 2);
  const availH = Math.max(1, box.height - padding * 2);
  const scale = clampScale(Math.min(availW / image.width, availH / image.height, 1));
  return centeredView(image, box, scale);
}

export function centeredView(image: Size, box: Size, scale: number): View {
  return {
    scale,
    x: Math.round((box.width - image.width * scale) / 2),
    y: Math.round((box.height - image.height * scale) / 2),
  };
}

/** Zooms by `factor` keeping the image point under (cx, cy) fixed. */
export function zoomAt(v: View, factor: number, cx: number, cy: number): View {
  const scale = clampScale(v.scale * factor);
  const k = scale / v.scale;
  return { scale, x: cx - (cx - v.x) * k, y: cy - (cy - v.y) * k };
}

export function toImage(v: View, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - v.x) / v.scale, y: (sy - v.y) / v.scale };
}

export function toScreen(v: View, ix: number, iy: number): { x: number; y: number } {
  return { x: ix * v.scale + v.x, y: iy * v.scale + v.y };
}
