/**
 * Per-document data that must not live in React state: the display bitmaps,
 * the full-resolution mask, its undo history and the overlay canvas.
 * The store (store.ts) holds the matching DocMeta and a maskVersion counter.
 *
 * Memory (issue 10, item 3): full-resolution bitmaps (`original`, `result`)
 * and the overlay canvas exist only for the image on screen (`keepOnScreen`);
 * every image keeps a small thumbnail for the strip and for the moment its
 * bitmap is on its way back from the worker.
 */
import { createMask } from '../engine/mask';
import { MaskHistory } from '../engine/history';
import type { Mask } from '../engine/types';
import { MaskOverlay } from './viewport/overlay';

export interface DocData {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  /** Full resolution, only while the image is on screen (null otherwise, or while it loads). */
  original: ImageBitmap | null;
  readonly mask: Mask;
  readonly history: MaskHistory;
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

const registry = new Map<string, DocData>();
/** The document whose full-resolution bitmaps are kept (keepOnScreen). */
let onScreenId: string | null = null;

function drawThumb(thumb: HTMLCanvasElement, src: ImageBitmap): void {
  const k = Math.min(1, THUMB_SIZE / src.width, THUMB_SIZE / src.height);
  thumb.width = Math.max(1, Math.round(src.width * k));
  thumb.height = Math.max(1, Math.round(src.height * k));
  const ctx = thumb.getContext('2d');
  if (!ctx) return;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(src, 0, 0, thumb.width, thumb.height);
}

export function addDocData(id: string, original: ImageBitmap, ext: string, file: Blob): DocData {
  const mask = createMask(original.width, original.height);
  const thumb = document.createElement('canvas');
  drawThumb(thumb, original);
  const data: DocData = {
    id,
    width: original.width,
    height: original.height,
    original,
    mask,
    // 256 MB of patches: several full-mask steps even on a 48 MP image.
    history: new MaskHistory({ maxBytes: 256 * 1024 * 1024, maxEntries: 200 }),
    overlay: new MaskOverlay(),
    result: null,
    thumb,
    resultPng: null,
    file,
    ext,
  };
  registry.set(id, data);
  return data;
}

/** A new result (or none): the thumbnail follows it; the bitmap is kept only if the image is on screen. */
export function setResultBitmap(doc: DocData, bitmap: ImageBitmap | null): void {
  doc.result?.close();
  doc.result = null;
  if (bitmap) drawThumb(doc.thumb, bitmap);
  if (bitmap && doc.id === onScreenId) doc.result = bitmap;
  else bitmap?.close();
}

function offScreen(doc: DocData): void {
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
  offScreen(d);
  d.overlay.dispose();
  d.history.clear();
  registry.delete(id);
}
