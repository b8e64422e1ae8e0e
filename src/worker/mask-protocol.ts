/**
 * Mask shapes that cross the worker boundary (plain data; byte arrays are
 * transferred). The worker owns every document's mask and its undo history
 * (mask-docs.ts); the main thread sends stroke segments and commands, and gets
 * back what it draws and shows: a dirty rect with that rect's bytes, the masked
 * count, the undo and redo labels, and a journal step to keep for a restart.
 */
import type { DetectionMaskOptions } from '../engine/detect';
import type { MaskOp } from '../engine/mask';
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

/** A target of "Use this mask for all images". */
export interface MaskTarget {
  docId: string;
  label: string;
  bytes: boolean;
}

/** A rect of the mask as bytes (row-major), with the version they belong to. */
export interface MaskBytes {
  rect: Rect;
  bytes: Uint8Array;
  version: number;
}

/**
 * The worker's mask calls (mask-api.ts implements them, engine.worker.ts
 * exposes them; the main thread calls them through comlink, mask-client.ts).
 * Each is synchronous in the worker but for the PNG, so they run in the order
 * they were sent.
 */
export interface MaskCalls {
  maskOpen(docId: string, width: number, height: number): void;
  /** Rebuilds mask and history from a journal (a restarted worker, a reloaded session); `bytes`: the whole mask comes back. */
  maskRestore(docId: string, state: MaskJournalState, bytes?: boolean): MaskChange;
  maskRelease(docId: string): void;
  /** The saved session's mask (zlib) as the starting state. */
  maskLoad(docId: string, zlib: Uint8Array, bytes: boolean): MaskChange | null;
  strokeBegin(docId: string): void;
  strokeSegments(docId: string, segments: StrokeSegment[]): void;
  strokeCommit(docId: string, label: string, bytes: boolean): MaskChange;
  strokeAbort(docId: string, bytes: boolean): MaskChange;
  maskBox(docId: string, rect: Rect, value: 0 | 255, label: string, bytes: boolean): MaskChange | null;
  maskUndo(docId: string, bytes: boolean): MaskChange;
  maskRedo(docId: string, bytes: boolean): MaskChange;
  /** Whole-mask operations; null when refused (a stroke is open). */
  maskOp(docId: string, op: MaskOp, label: string, bytes: boolean): MaskChange | null;
  /** One step on each target (null: refused, a stroke is open there). */
  maskToAll(sourceId: string, targets: MaskTarget[]): (MaskChange | null)[];
  /** The mask a detection makes, held until the app accepts it. */
  detectionProposal(docId: string, detectionId: string, opts: DetectionMaskOptions): MaskProposal;
  maskAccept(docId: string, token: string, label: string, opts: AcceptOptions): MaskChange | null;
  maskDrop(docId: string, token: string): void;
  maskBytes(docId: string, rect?: Rect): MaskBytes;
  maskPacked(docId: string): PackedMaskBytes;
  /** The whole state as a journal, to replace one the client grew too long (null mid-stroke). */
  maskCheckpoint(docId: string): MaskJournalState | null;
  maskPng(docId: string): Promise<Blob>;
}
