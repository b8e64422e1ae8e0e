/**
 * The mask overlay: a canvas at image resolution, updated only in dirty rects
 * with the engine's maskToOverlayRgba (A = mask value) and putImageData. The
 * viewport draws it with the image transform and the opacity as globalAlpha.
 *
 * It draws from a display copy of the mask (1 byte a pixel): the worker holds
 * the mask itself (issue 10, item 1) and sends the bytes of each rect that
 * changed (`write`). A stroke is stamped here too (`stamp`, the engine's
 * stampLine), so it shows at once; the worker's answer at the stroke's end
 * then writes the truth over it. Canvas and copy exist only for the image on
 * screen: `ensure` makes them (the caller then loads the bytes), `release`
 * frees them, and changes to an overlay without them are skipped (issue 10, item 3).
 */
import { clipRect, fillRect, maskToOverlayRgba, stampLine } from '../../engine/mask';
import type { Mask, Rect } from '../../engine/types';

/** Rows per putImageData band, so a full refresh of a 48 MP mask never holds a 192 MB RGBA copy. */
const BAND_PIXELS = 1 << 20;

export function parseHexColor(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex);
  const n = m ? parseInt(m[1], 16) : 0xff2d6f;
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export class MaskOverlay {
  private surface: { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D; mask: Mask } | null = null;
  private rgb: [number, number, number] = [255, 45, 111];
  private color = '#ff2d6f';
  private scratch: Uint8ClampedArray<ArrayBuffer> | null = null;

  /** The canvas, while the image is on screen. */
  get canvas(): HTMLCanvasElement | null {
    return this.surface?.canvas ?? null;
  }

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {}

  /** Makes the canvas and an empty copy of the mask if there are none; true when it did (load the bytes then). */
  ensure(): boolean {
    if (this.surface) return false;
    const canvas = document.createElement('canvas');
    canvas.width = this.width;
    canvas.height = this.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('2D canvas is not available');
    this.surface = { canvas, ctx, mask: { width: this.width, height: this.height, data: new Uint8Array(this.width * this.height) } };
    return true;
  }

  /** Writes the worker's bytes for `rect` (row-major) and redraws it. */
  write(rect: Rect, bytes: Uint8Array): void {
    const mask = this.surface?.mask;
    if (!mask || bytes.length !== rect.width * rect.height || !clipRect(rect, mask.width, mask.height)) return;
    for (let j = 0; j < rect.height; j++) mask.data.set(bytes.subarray(j * rect.width, (j + 1) * rect.width), (rect.y + j) * mask.width + rect.x);
    this.update(rect);
  }

  /** Stamps a stroke segment for instant feedback; returns the rect it touched (null off the image or without a canvas). */
  stamp(x0: number, y0: number, x1: number, y1: number, radius: number, value: number): Rect | null {
    const mask = this.surface?.mask;
    const rect = mask ? stampLine(mask, x0, y0, x1, y1, radius, value) : null;
    this.update(rect);
    return rect;
  }

  /** Fills a box for instant feedback. */
  fill(rect: Rect, value: number): void {
    const mask = this.surface?.mask;
    if (mask) this.update(fillRect(mask, rect, value));
  }

  /** Redraws the whole overlay if the colour changed. Returns true if it did. */
  setColor(color: string): boolean {
    if (color === this.color) return false;
    this.color = color;
    this.rgb = parseHexColor(color);
    this.update({ x: 0, y: 0, width: this.width, height: this.height });
    return true;
  }

  private update(rect: Rect | null): void {
    const surface = this.surface;
    if (!rect || !surface) return;
    const mask = surface.mask;
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

  /** Frees the canvas and the copy; the next `ensure` makes them again. */
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
