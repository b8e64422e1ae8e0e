/**
 * Mask shapes that cross the worker boundary (plain data; byte arrays are
 * transferred). The worker owns every document's mask and its undo history
 * (mask-docs.ts); the main thread sends stroke segments and commands, and gets
 * back what it draws and shows: a dirty rect with that rect's bytes, the masked
 * count, the undo and redo labels, and a journal step to keep for a restart.
 */
import type { Rect } from '../engine/types';

/** One piece of a brush or eraser stroke, in image pixels (fractional). */
export interface StrokeSegment {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  radius: number;
  /** 255 paints (brush), 0 erases (eraser). */
  value: 0 | 255;
}

/**
 * One step of a document's mask history as the client keeps it, so a worker
 * that was restarted (a crash, a cancel that had to kill it) can rebuild the
 * mask and its undo history by replaying them (MaskDocs.restore).
 * `edit`: the step's rect and its bytes after (zlib); `reset`: a starting state
 * with no history (a restored session), the whole mask as zlib.
 */
export type JournalOp =
  | { kind: 'edit'; label: string; rect: Rect; after: Uint8Array }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'reset'; packed: Uint8Array };

/** What the worker needs to bring a document's mask back: its size, last version, and the journal from a base. */
export interface MaskJournalState {
  width: number;
  height: number;
  version: number;
  /** zlib of the mask the ops start from; null: all zero. */
  base: Uint8Array | null;
  ops: JournalOp[];
}

/** The answer to every mask change. */
export interface MaskChange {
  docId: string;
  /** Bumps with every change of the mask or its history; the store's maskVersion. */
  version: number;
  /** Masked pixels (value > 0) in the whole mask. */
  count: number;
  undoLabel: string | null;
  redoLabel: string | null;
  /** The part of the mask that changed (or, for an aborted stroke, was put back); null when nothing did. */
  rect: Rect | null;
  /** The rect's mask bytes, row-major, when the caller asked for them (the image on screen). */
  bytes?: Uint8Array;
  /** For the client's journal; absent when the history did not move. */
  journal?: JournalOp;
}

/**
 * A mask computed by a long job (marks), held by the worker until the app
 * accepts it (one undoable step) or drops it. It is refused at accept time
 * when the mask changed since the job read it, so a late answer never erases
 * an edit, and a cancel that races the answer changes nothing.
 */
export interface MaskProposal {
  docId: string;
  token: string;
  /** Pixels the proposal adds to the mask it was made from. */
  added: number;
}

export interface AcceptOptions {
  /** Refuse when the mask changed since the proposal was made (marks); Detect's mask replaces edits on purpose. */
  ifUnchanged: boolean;
  /** Send the changed rect's bytes (the image on screen). */
  bytes: boolean;
}

/** A whole mask, packed (zlib) for the saved session. */
export interface PackedMaskBytes {
  width: number;
  height: number;
  version: number;
  zlib: Uint8Array;
}
