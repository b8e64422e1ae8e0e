/**
 * The worker's mask calls, thin over MaskDocs (mask-docs.ts): strokes arrive
 * as segments, commands as small calls, and every answer transfers its bytes.
 * The calls are synchronous in the worker, so they run in the order the main
 * thread sent them (a commit sent before an undo is applied before it).
 * Masks are keyed by the app's document id, which a restarted worker keeps.
 */
import { transfer } from 'comlink';
import { detectionToMask, type Detection } from '../engine/detect';
import { toSerializedError, WmError } from '../engine/errors';
import type { MaskOp } from '../engine/mask';
import type { Rect, RgbaImage } from '../engine/types';
import { encodeRgba } from '../platform/browser/codec';
import type { MaskDocs } from './mask-docs';
import type { DetectionMaskOptions } from '../engine/detect';
import type { AcceptOptions, MaskBytes, MaskCalls, MaskChange, MaskJournalState, MaskProposal, MaskTarget, PackedMaskBytes, StrokeSegment } from './mask-protocol';

/** Runs a synchronous mask call, turning a failure into a typed, cloneable error. */
function call<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    throw toSerializedError(e);
  }
}

/** Transfers the answer's byte arrays (fresh copies made for it) instead of cloning them. */
function sent(change: MaskChange): MaskChange;
function sent(change: MaskChange | null): MaskChange | null;
function sent(change: MaskChange | null): MaskChange | null {
  if (!change) return null;
  const buffers: ArrayBuffer[] = [];
  if (change.bytes) buffers.push(change.bytes.buffer as ArrayBuffer);
  const j = change.journal;
  if (j?.kind === 'edit') buffers.push(j.after.buffer as ArrayBuffer);
  if (j?.kind === 'reset') buffers.push(j.packed.buffer as ArrayBuffer);
  return transfer(change, buffers);
}

/** The mask as a grey image (grey = mask value, opaque), for the mask download. */
function greyImage(width: number, height: number, bytes: Uint8Array): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  const words = new Uint32Array(data.buffer);
  // Little-endian RGBA: alpha in the top byte.
  for (let i = 0; i < bytes.length; i++) words[i] = 0xff000000 | (bytes[i] * 0x010101);
  return { width, height, data };
}

export function createMaskApi(masks: MaskDocs, detections: ReadonlyMap<string, Detection>): MaskCalls {
  return {
    maskOpen(docId: string, width: number, height: number): void {
      call(() => masks.open(docId, width, height));
    },
    maskRestore(docId: string, state: MaskJournalState, bytes = false): MaskChange {
      return call(() => sent(masks.restore(docId, state, bytes)));
    },
    maskRelease(docId: string): void {
      masks.release(docId);
    },
    /** The saved session's mask (zlib) as the starting state. */
    maskLoad(docId: string, zlib: Uint8Array, bytes: boolean): MaskChange | null {
      return call(() => sent(masks.load(docId, zlib, bytes)));
    },

    strokeBegin(docId: string): void {
      call(() => masks.strokeBegin(docId));
    },
    strokeSegments(docId: string, segments: StrokeSegment[]): void {
      call(() => masks.strokeSegments(docId, segments));
    },
    strokeCommit(docId: string, label: string, bytes: boolean): MaskChange {
      return call(() => sent(masks.strokeCommit(docId, label, bytes)));
    },
    strokeAbort(docId: string, bytes: boolean): MaskChange {
      return call(() => sent(masks.strokeAbort(docId, bytes)));
    },

    maskBox(docId: string, rect: Rect, value: 0 | 255, label: string, bytes: boolean): MaskChange | null {
      return call(() => sent(masks.box(docId, rect, value, label, bytes)));
    },
    maskUndo(docId: string, bytes: boolean): MaskChange {
      return call(() => sent(masks.undo(docId, bytes)));
    },
    maskRedo(docId: string, bytes: boolean): MaskChange {
      return call(() => sent(masks.redo(docId, bytes)));
    },
    /** Whole-mask operations; null when refused (a stroke is open). */
    maskOp(docId: string, op: MaskOp, label: string, bytes: boolean): MaskChange | null {
      return call(() => sent(masks.op(docId, op, label, bytes)));
    },
    /** "Use this mask for all images": one step on each target (null: refused, a stroke is open there). */
    maskToAll(sourceId: string, targets: MaskTarget[]): (MaskChange | null)[] {
      return call(() => {
        const changes = masks.copyTo(sourceId, targets);
        // One transfer list for all of them.
        const buffers = changes.flatMap((c) => {
          const j = c?.journal;
          return [c?.bytes?.buffer, j?.kind === 'edit' ? j.after.buffer : undefined].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
        });
        return transfer(changes, buffers);
      });
    },

    /** The mask a detection makes, held until the app accepts it (the newest slider value wins). */
    detectionProposal(docId: string, detectionId: string, opts: DetectionMaskOptions): MaskProposal {
      return call(() => {
        const det = detections.get(detectionId);
        if (!det) throw new WmError('E_PROCESSING', 'That detection is no longer available; run Detect again.');
        const { version } = masks.state(docId);
        return masks.propose(docId, detectionToMask(det, opts), version, 0);
      });
    },
    maskAccept(docId: string, token: string, label: string, opts: AcceptOptions): MaskChange | null {
      return call(() => sent(masks.accept(docId, token, label, opts)));
    },
    maskDrop(docId: string, token: string): void {
      masks.drop(docId, token);
    },

    /** The rect's bytes (whole mask without one), for the overlay of the image on screen. */
    maskBytes(docId: string, rect?: Rect): MaskBytes {
      return call(() => {
        const out = masks.bytes(docId, rect);
        return transfer(out, [out.bytes.buffer]);
      });
    },
    /** The mask deflated (zlib), for the saved session. */
    maskPacked(docId: string): PackedMaskBytes {
      return call(() => {
        const out = masks.packed(docId);
        return transfer(out, [out.zlib.buffer as ArrayBuffer]);
      });
    },
    maskCheckpoint(docId: string): MaskJournalState | null {
      return call(() => {
        const state = masks.checkpoint(docId);
        if (!state) return null;
        const buffers = state.ops.flatMap((op) => (op.kind === 'edit' ? [op.after.buffer as ArrayBuffer] : []));
        if (state.base) buffers.push(state.base.buffer as ArrayBuffer);
        return transfer(state, buffers);
      });
    },
    /** The mask as a grey PNG (the mask download). */
    async maskPng(docId: string): Promise<Blob> {
      const { rect, bytes } = call(() => masks.bytes(docId));
      try {
        return await encodeRgba(greyImage(rect.width, rect.height, bytes), 'png');
      } catch (e) {
        throw toSerializedError(e);
      }
    },
  };
}
