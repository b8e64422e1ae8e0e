/**
 * Undo/redo for mask edits. Each gesture (stroke, box, whole-mask op) becomes one
 * entry holding only the changed bounding box as before/after patches, so a brush
 * dab on a 48 MP mask costs bytes, not 48 MB. As in excalidraw's history, undo is
 * refused mid-gesture and only a new edit clears redo; viewing never touches it.
 */
import { WmError } from './errors';
import { clipRect } from './mask';
import type { Mask, Rect } from './types';

export interface HistoryOptions {
  maxBytes: number;
  maxEntries: number;
}

const DEFAULTS: HistoryOptions = { maxBytes: 256 * 1024 * 1024, maxEntries: 100 };

/** One step as the history holds it: the rect's bytes before and after, row-major. */
export interface HistoryStep {
  label: string;
  rect: Rect;
  before: Uint8Array;
  after: Uint8Array;
}

interface Entry extends HistoryStep {
  /** mask size the patches belong to */
  width: number;
  height: number;
}

export class MaskHistory {
  private readonly opts: HistoryOptions;
  private undoStack: Entry[] = [];
  private redoStack: Entry[] = [];
  private byteCount = 0;
  /**
   * One full-mask copy, held only while a gesture is open: kept between gestures
   * it cost every edited image 12 MB at 12 MP (the batch memory bench's growth).
   */
  private snapshot: Uint8Array | null = null;
  private gestureSize: { width: number; height: number } | null = null;

  constructor(opts?: Partial<HistoryOptions>) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  /** Start a gesture (stroke, box, whole-mask op): snapshot the mask. Throws if a gesture is open. */
  begin(mask: Mask): void {
    if (this.gestureSize) throw new WmError('E_PROCESSING', 'A mask gesture is already open; commit or abort it first.');
    this.snapshot = mask.data.slice();
    this.gestureSize = { width: mask.width, height: mask.height };
  }

  /** End the gesture: diff mask against the snapshot (inside `hint` if given, else whole mask), store only the changed bbox as before/after patches, clear redo. No-op entry if nothing changed. Returns whether an entry was pushed. */
  commit(mask: Mask, label: string, hint?: Rect): boolean {
    const snap = this.openSnapshot(mask);
    this.gestureSize = null;
    this.snapshot = null;
    const area = hint ? clipRect(hint, mask.width, mask.height) : { x: 0, y: 0, width: mask.width, height: mask.height };
    if (!area) return false;
    const rect = diffBox(snap, mask, area);
    if (!rect) return false;
    const entry: Entry = {
      label,
      width: mask.width,
      height: mask.height,
      rect,
      before: copyPatch(snap, mask.width, rect),
      after: copyPatch(mask.data, mask.width, rect),
    };
    this.push(entry);
    return true;
  }

  private push(entry: Entry): void {
    for (const e of this.redoStack) this.byteCount -= entryBytes(e);
    this.redoStack = [];
    this.undoStack.push(entry);
    this.byteCount += entryBytes(entry);
    this.enforceBudget();
  }

  /**
   * Writes `after` (the rect's new bytes, row-major) into the mask as one step,
   * without a gesture: the before patch is copied from the rect alone, so no
   * full-mask snapshot is taken. Replays a step recorded elsewhere (a worker
   * restarted from its journal). Returns whether an entry was pushed.
   */
  record(mask: Mask, label: string, rect: Rect, after: Uint8Array): boolean {
    if (this.gestureSize) throw new WmError('E_PROCESSING', 'A mask gesture is open; commit or abort it first.');
    const r = clipRect(rect, mask.width, mask.height);
    if (!r || r.width !== rect.width || r.height !== rect.height || after.length !== r.width * r.height) {
      throw new WmError('E_MASK_MISMATCH', `A ${rect.width}×${rect.height} step at ${rect.x},${rect.y} does not fit a ${mask.width}×${mask.height} mask.`);
    }
    const entry: Entry = { label, width: mask.width, height: mask.height, rect: r, before: copyPatch(mask.data, mask.width, r), after: after.slice() };
    this.writePatch(mask, entry, entry.after);
    this.push(entry);
    return true;
  }

  /** Abandon the gesture and restore the snapshot into mask. A no-op without an open gesture, so pointercancel handlers can call it freely. */
  abort(mask: Mask): void {
    if (!this.gestureSize) return;
    const snap = this.openSnapshot(mask);
    mask.data.set(snap);
    this.gestureSize = null;
    this.snapshot = null;
  }

  get inGesture(): boolean {
    return this.gestureSize !== null;
  }

  /** Apply undo/redo in place on mask; returns the dirty rect, or null if nothing to do OR a gesture is open (undo is refused mid-stroke). */
  undo(mask: Mask): Rect | null {
    if (this.gestureSize) return null;
    const e = this.undoStack.at(-1);
    if (!e) return null;
    // Written before popping, so a size mismatch throws without losing the entry.
    this.writePatch(mask, e, e.before);
    this.undoStack.pop();
    this.redoStack.push(e);
    return { ...e.rect };
  }

  redo(mask: Mask): Rect | null {
    if (this.gestureSize) return null;
    const e = this.redoStack.at(-1);
    if (!e) return null;
    // Written before popping, so a size mismatch throws without losing the entry.
    this.writePatch(mask, e, e.after);
    this.redoStack.pop();
    this.undoStack.push(e);
    return { ...e.rect };
  }

  get canUndo(): boolean {
    return !this.gestureSize && this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return !this.gestureSize && this.redoStack.length > 0;
  }

  /** Bytes held by patches (undo and redo); the gesture snapshot is not counted. */
  get bytes(): number {
    return this.byteCount;
  }

  /** Number of entries, undo and redo together. */
  get size(): number {
    return this.undoStack.length + this.redoStack.length;
  }

  /** Labels for UI tooltips. */
  peekUndo(): string | null {
    return this.undoStack.at(-1)?.label ?? null;
  }

  peekRedo(): string | null {
    return this.redoStack.at(-1)?.label ?? null;
  }

  /**
   * Every step held, as views (do not write them): `undo` oldest first, `redo`
   * as the stack holds it (the next redo last). With the mask they describe
   * the whole history, which is what a restarted worker needs.
   */
  steps(): { undo: readonly Readonly<HistoryStep>[]; redo: readonly Readonly<HistoryStep>[] } {
    return { undo: [...this.undoStack], redo: [...this.redoStack] };
  }

  /** The newest undoable step: its rect and patches (views: do not write them). */
  peekUndoStep(): Readonly<HistoryStep> | null {
    return this.undoStack.at(-1) ?? null;
  }

  /** The newest redoable step (the one an undo just took back). */
  peekRedoStep(): Readonly<HistoryStep> | null {
    return this.redoStack.at(-1) ?? null;
  }

  /** Forgets every entry and any open gesture (for a new image). */
  clear(): void {
    this.undoStack = [];
    this.redoStack = [];
    this.byteCount = 0;
    this.gestureSize = null;
    this.snapshot = null;
  }

  private openSnapshot(mask: Mask): Uint8Array {
    const size = this.gestureSize;
    if (!size || !this.snapshot) throw new WmError('E_PROCESSING', 'No mask gesture is open.');
    if (size.width !== mask.width || size.height !== mask.height) {
      throw new WmError('E_MASK_MISMATCH', `The gesture began on a ${size.width}×${size.height} mask, not ${mask.width}×${mask.height}.`);
    }
    return this.snapshot;
  }

  private writePatch(mask: Mask, e: Entry, patch: Uint8Array): void {
    if (e.width !== mask.width || e.height !== mask.height) {
      throw new WmError('E_MASK_MISMATCH', `This edit belongs to a ${e.width}×${e.height} mask, not ${mask.width}×${mask.height}.`);
    }
    const { x, y, width, height } = e.rect;
    for (let j = 0; j < height; j++) {
      mask.data.set(patch.subarray(j * width, (j + 1) * width), (y + j) * mask.width + x);
    }
  }

  /** Drops the oldest entries; the newest edit is always kept so the last action can be undone. */
  private enforceBudget(): void {
    while (
      this.undoStack.length > 1 &&
      (this.byteCount > this.opts.maxBytes || this.undoStack.length + this.redoStack.length > this.opts.maxEntries)
    ) {
      const dropped = this.undoStack.shift();
      if (dropped) this.byteCount -= entryBytes(dropped);
    }
  }
}

function entryBytes(e: Entry): number {
  return e.before.byteLength + e.after.byteLength;
}

function copyPatch(src: Uint8Array, stride: number, r: Rect): Uint8Array {
  const out = new Uint8Array(r.width * r.height);
  for (let j = 0; j < r.height; j++) {
    const s = (r.y + j) * stride + r.x;
    out.set(src.subarray(s, s + r.width), j * r.width);
  }
  return out;
}

/** Bounding box of the pixels that differ between the snapshot and the mask inside `area`. */
function diffBox(snap: Uint8Array, mask: Mask, area: Rect): Rect | null {
  const d = mask.data;
  const w = mask.width;
  const xe = area.x + area.width;
  let minX = xe;
  let maxX = area.x - 1;
  let minY = -1;
  let maxY = -1;
  for (let y = area.y; y < area.y + area.height; y++) {
    const row = y * w;
    let first = -1;
    for (let x = area.x; x < xe; x++) {
      if (d[row + x] !== snap[row + x]) {
        first = x;
        break;
      }
    }
    if (first < 0) continue;
    if (minY < 0) minY = y;
    maxY = y;
    if (first < minX) minX = first;
    for (let x = xe - 1; x > maxX; x--) {
      if (d[row + x] !== snap[row + x]) {
        maxX = x;
        break;
      }
    }
  }
  if (minY < 0) return null;
  return { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}
