/**
 * The mask overlay: a canvas at image resolution, updated only in dirty rects
 * with the engine's maskToOverlayRgba (A = mask value) and putImageData. The
 * viewport draws it with the image transform and the opacity as globalAlpha.
 * The canvas (4 bytes a pixel: 48 MB at 12 MP) exists only for the image on
 * screen: `ensure` makes it from the mask, `release` frees it, and updates to
 * an overlay without a canvas are skipped (issue 10, item 3).
 */
import { maskToOverlayRgba } from '../../engine/mask';
import type { Mask, Rect } from '../../engine/types';

/** Rows per putImageData band, so a full refresh of a 48 MP mask never holds a 192 MB RGBA copy. */
const BAND_PIXELS = 1 << 20;

export function parseHexColor(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex);
  const n = m ? parseInt(m[1], 16) : 0xff2d6f;
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export class MaskOverlay {
  private surface: { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } | null = null;
  private rgb: [number, number, number] = [255, 45, 111];
  private color = '#ff2d6f';
  private scratch: Uint8ClampedArray<ArrayBuffer> | null = null;

  /** The canvas, while the image is on screen. */
  get canvas(): HTMLCanvasElement | null {
    return this.surface?.canvas ?? null;
  }

  /** Makes the canvas (drawn from the whole mask) if there is none. */
  ensure(mask: Mask): HTMLCanvasElement {
    if (this.surface) return this.surface.canvas;
    const canvas = document.createElement('canvas');
    canvas.width = mask.width;
    canvas.height = mask.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('2D canvas is not available');
    this.surface = { canvas, ctx };
    this.update(mask, { x: 0, y: 0, width: mask.width, height: mask.height });
    return canvas;
  }

  /** Redraws the whole overlay if the colour changed. Returns true if it did. */
  setColor(mask: Mask, color: string): boolean {
    if (color === this.color) return false;
    this.color = color;
    this.rgb = parseHexColor(color);
    this.update(mask, { x: 0, y: 0, width: mask.width, height: mask.height });
    return true;
  }

  update(mask: Mask, rect: Rect | null): void {
    const surface = this.surface;
    if (!rect || !surface) return;
    const x = Math.max(0, rect.x);
    const y0 = Math.max(0, rect.y);
    const w = Math.min(mask.width, rect.x + rect.width) - x;
    const yEnd = Math.min(mask.height, rect.y + rect.height);
    if (w <= 0 || yEnd <= y0) return;
    const bandRows = Math.max(1, Math.floor(BAND_PIXELS / w));
    for (let y = y0; y < yEnd; y += bandRows) {
      const h = Math.min(bandRows, yEnd - y);
      const n = w * h * 4;
      if (!this.scratch || this.scratch.length < n) this.scratch = new Uint8ClampedArray(bandRows * w * 4);
      // The engine wants a buffer of exactly the rect's size: hand it a view of the scratch.
      const rgba = maskToOverlayRgba(mask, { x, y, width: w, height: h }, this.rgb, this.scratch.subarray(0, n));
      surface.ctx.putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer as ArrayBuffer, rgba.byteOffset, n), w, h), x, y);
    }
  }

  /** Frees the canvas; the next `ensure` draws it again from the mask. */
  release(): void {
    if (this.surface) {
      this.surface.canvas.width = 0;
      this.surface.canvas.height = 0;
    }
    this.surface = null;
    this.scratch = null;
  }

  dispose(): void {
    this.release();
  }
}
