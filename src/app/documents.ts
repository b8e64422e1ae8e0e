/**
 * Per-document data that must not live in React state: the display bitmaps,
 * the overlay canvas and whether a stroke is in progress. The mask and its
 * undo history live in the worker (engine().masks, issue 10, item 1); the
 * store (store.ts) holds the matching DocMeta with the count, the undo/redo
 * labels and the maskVersion the worker sends back.
 *
 * Memory (issue 10, item 3): full-resolution bitmaps (`original`, `result`)
 * and the overlay (its canvas and the mask bytes it draws from) exist only
 * for the image on screen (`keepOnScreen`); every image keeps a small
 * thumbnail for the strip and for the moment its bitmap is on its way back
 * from the worker.
 */
import { MaskOverlay } from './viewport/overlay';

export interface DocData {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  /** Full resolution, only while the image is on screen (null otherwise, or while it loads). */
  original: ImageBitmap | null;
  /**
   * A brush, eraser or box gesture is in progress: undo, whole-mask steps and
   * closing wait for its end (the worker refuses them too).
   */
  inGesture: boolean;
  readonly overlay: MaskOverlay;
  /** Full resolution, only while on screen and there is a result. */
  result: ImageBitmap | null;
  /** At most THUMB_SIZE a side: the result if there is one, else the original. */
  thumb: HTMLCanvasElement;
  /**
   * The result encoded as PNG by the worker (the download path), once asked for:
   * the ZIP and the saved session reuse it, and after a reload it is the result.
   */
  resultPng: Blob | null;
  /** The file as opened: what the saved session keeps and reopens. */
  readonly file: Blob;
  /** Original file extension (without dot), reused when exporting in the original format. */
  readonly ext: string;
}

const THUMB_SIZE = 192;

const registry = new Map<string, Doc>();
/** The document whose full-resolution bitmaps are kept (keepOnScreen). */
let onScreenId: string | null = null;

/** Draws `src` into `canvas` at most `size` a side (never above `maxScale`), sizing the canvas to fit. */
export function drawFitted(canvas: HTMLCanvasElement, src: CanvasImageSource & { width: number; height: number }, size: number, maxScale = Infinity): void {
  const k = Math.min(maxScale, size / src.width, size / src.height);
  canvas.width = Math.max(1, Math.round(src.width * k));
  canvas.height = Math.max(1, Math.round(src.height * k));
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(src, 0, 0, canvas.width, canvas.height);
}

function drawThumb(thumb: HTMLCanvasElement, src: ImageBitmap): void {
  drawFitted(thumb, src, THUMB_SIZE, 1);
}

class Doc implements DocData {
  readonly width: number;
  readonly height: number;
  readonly overlay: MaskOverlay;
  readonly thumb = document.createElement('canvas');
  inGesture = false;
  result: ImageBitmap | null = null;
  resultPng: Blob | null = null;

  constructor(
    readonly id: string,
    public original: ImageBitmap | null,
    readonly file: Blob,
    readonly ext: string,
    width: number,
    height: number,
  ) {
    this.width = width;
    this.height = height;
    this.overlay = new MaskOverlay(width, height);
  }
}

export function addDocData(id: string, original: ImageBitmap, ext: string, file: Blob): DocData {
  const doc = new Doc(id, original, file, ext, original.width, original.height);
  drawThumb(doc.thumb, original);
  registry.set(id, doc);
  return doc;
}

/** Whether the image is the one on screen (its mask changes come back with the bytes its overlay draws). */
export function isOnScreen(id: string): boolean {
  return id === onScreenId;
}

/** A new result (or none): the thumbnail follows it; the bitmap is kept only if the image is on screen. */
export function setResultBitmap(doc: DocData, bitmap: ImageBitmap | null): void {
  doc.result?.close();
  doc.result = null;
  if (bitmap) drawThumb(doc.thumb, bitmap);
  if (bitmap && doc.id === onScreenId) doc.result = bitmap;
  else bitmap?.close();
}

function offScreen(doc: Doc): void {
  closeBitmaps(doc);
}

function closeBitmaps(doc: Doc): void {
  doc.original?.close();
  doc.original = null;
  doc.result?.close();
  doc.result = null;
  doc.overlay.release();
}

/**
 * Frees the full-resolution bitmaps and overlays of every image but `id`, and
 * brings back those of `id` (`fetch`: the engine's display bitmaps). Resolves
 * true when something new is ready to paint.
 */
export async function keepOnScreen(
  id: string | null,
  fetch: { original: () => Promise<ImageBitmap>; result: (() => Promise<ImageBitmap>) | null },
): Promise<boolean> {
  onScreenId = id;
  for (const doc of registry.values()) if (doc.id !== id) offScreen(doc);
  const doc = getDocData(id);
  if (!doc) return false;
  const [original, result] = await Promise.all([
    doc.original ? null : fetch.original(),
    doc.result || !fetch.result ? null : fetch.result(),
  ]);
  // Another image came on screen, or it was closed, while these were on their way.
  if (onScreenId !== id || registry.get(doc.id) !== doc) {
    original?.close();
    result?.close();
    return false;
  }
  if (original) {
    if (doc.original) original.close();
    else doc.original = original;
  }
  if (result) {
    if (doc.result) result.close();
    else doc.result = result;
  }
  return original !== null || result !== null;
}

export function getDocData(id: string | null): DocData | null {
  return id ? (registry.get(id) ?? null) : null;
}

export function removeDocData(id: string): void {
  const d = registry.get(id);
  if (!d) return;
  closeBitmaps(d);
  d.overlay.dispose();
  registry.delete(id);
}
