/** What the app sees of the worker's masks: `engine().masks` (mask-client.ts implements it). */
import type { DetectionMaskOptions } from '../engine/detect';
import type { MaskOp } from '../engine/mask';
import type { Rect } from '../engine/types';
import type { AcceptOptions, MaskBytes, MaskChange, MaskJournalState, MaskProposal, MaskTarget, PackedMaskBytes, StrokeSegment } from '../worker/mask-protocol';

/**
 * Every document's mask and undo history live in the worker (issue 10, item 1),
 * keyed by the app's document id. Calls for one document reach the worker in
 * the order they are made. Each change answers with a MaskChange (the dirty
 * rect, its bytes when `bytes` is asked for the image on screen, the count and
 * the undo/redo labels). The client keeps a journal of the steps, so a
 * restarted worker gets every mask and its history back before its next call.
 */
export interface MaskEngine {
  /** A brush or eraser stroke: begin, segments (batched a frame at a time), then commit or abort. */
  strokeBegin(docId: string): void;
  strokeSegments(docId: string, segments: StrokeSegment[]): void;
  strokeCommit(docId: string, label: string, bytes: boolean): Promise<MaskChange>;
  strokeAbort(docId: string, bytes: boolean): Promise<MaskChange>;
  /** The box tool; null when refused (a stroke is open). */
  box(docId: string, rect: Rect, value: 0 | 255, label: string, bytes: boolean): Promise<MaskChange | null>;
  /** No-ops (rect null) with nothing to undo, or mid-stroke. */
  undo(docId: string, bytes: boolean): Promise<MaskChange>;
  redo(docId: string, bytes: boolean): Promise<MaskChange>;
  /** Whole-mask operations (dilate, erode, feather, invert, clear, fill) as one step; null when refused. */
  op(docId: string, op: MaskOp, label: string, bytes: boolean): Promise<MaskChange | null>;
  /** "Use this mask for all images": the source's mask on each target (scaled to its size), one step each. */
  toAll(sourceId: string, targets: MaskTarget[]): Promise<(MaskChange | null)[]>;
  /** The mask a detection makes (threshold, regions switched off, dilation), held in the worker until accepted. */
  detection(docId: string, detectionId: string, opts: DetectionMaskOptions): Promise<MaskProposal>;
  /** Applies a proposal (detection, marks) as one step; null when it is refused (see AcceptOptions). */
  accept(proposal: MaskProposal, label: string, opts: AcceptOptions): Promise<MaskChange | null>;
  drop(proposal: MaskProposal): void;
  /** The saved session's mask (zlib) as the starting state, with no undo step before it. */
  load(docId: string, zlib: Uint8Array, bytes: boolean): Promise<MaskChange | null>;
  /**
   * A saved session's journal (`journalState` before the reload): the mask and its undo history
   * come back as they were, the same steps and labels. Rejects when it does not fit the document.
   */
  restore(docId: string, state: MaskJournalState, bytes: boolean): Promise<MaskChange>;
  /** The document's journal as the client keeps it (base, edits, how many undone), for the saved session. */
  journalState(docId: string): MaskJournalState | null;
  /** The rect's mask bytes (the whole mask without one): what the overlay of the image on screen draws. */
  bytes(docId: string, rect?: Rect): Promise<MaskBytes>;
  /** The mask deflated (zlib) in the worker, for the saved session. */
  packed(docId: string): Promise<PackedMaskBytes>;
  /** The mask as a grey PNG, encoded in the worker. */
  png(docId: string): Promise<Blob>;
}
