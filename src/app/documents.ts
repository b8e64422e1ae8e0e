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
  /** Original file extension (without dot), reused when exporting in the original format. */
  readonly ext: string;
}

const registry = new Map<string, DocData>();

export function addDocData(id: string, original: ImageBitmap, ext: string): DocData {
  const mask = createMask(original.width, original.height);
  const data: DocData = {
    id,
    original,
    mask,
    // 256 MB of patches: several full-mask steps even on a 48 MP image.
    history: new MaskHistory({ maxBytes: 256 * 1024 * 1024, maxEntries: 200 }),
    overlay: new MaskOverlay(original.width, original.height),
    result: null,
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
