/**
 * Per-document data that must not live in React state: the display bitmaps,
 * the full-resolution mask, its undo history and the overlay canvas.
 * The store (store.ts) holds the matching DocMeta and a maskVersion counter.
 */
import { createMask } from '../engine/mask';
import { MaskHistory } from '../engine/history';
import type { Mask } from '../engine/types';
import { MaskOverlay } from './viewport/overlay';

export interface DocData {
  readonly id: string;
  readonly original: ImageBitmap;
  readonly mask: Mask;
  readonly history: MaskHistory;
  readonly overlay: MaskOverlay;
  result: ImageBitmap | null;
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

const registry = new Map<string, DocData>();

export function addDocData(id: string, original: ImageBitmap, ext: string, file: Blob): DocData {
  const mask = createMask(original.width, original.height);
  const data: DocData = {
    id,
    original,
    mask,
    // 256 MB of patches: several full-mask steps even on a 48 MP image.
    history: new MaskHistory({ maxBytes: 256 * 1024 * 1024, maxEntries: 200 }),
    overlay: new MaskOverlay(original.width, original.height),
    result: null,
    resultPng: null,
    file,
    ext,
  };
  registry.set(id, data);
  return data;
}

export function getDocData(id: string | null): DocData | null {
  return id ? (registry.get(id) ?? null) : null;
}

export function removeDocData(id: string): void {
  const d = registry.get(id);
  if (!d) return;
  d.original.close();
  d.result?.close();
  d.overlay.dispose();
  d.history.clear();
  registry.delete(id);
}
