/**
 * Every document's mask and its undo history, keyed by document id: the
 * worker owns them (issue 10, item 1), the main thread only draws. Each change
 * answers with a MaskChange (mask-protocol.ts): the dirty rect (and its bytes
 * for the image on screen), the masked count, the undo/redo labels and a
 * journal step, so the client can bring the whole state back into a restarted
 * worker (`restore`). Pure: no comlink, no DOM, so it is unit tested in Node.
 *
 * Memory: at most `keepLive` masks are held as bytes (1 a pixel; the app's
 * keepDecoded, default 3); the others are kept deflated (zlib, level 1) and
 * inflated on use, never one in a stroke. A packed mask's undo history is
 * packed with it (MaskHistory.compact), each step inflated again when used.
 */
import { WmError } from '../engine/errors';
import { MaskHistory, type HistoryStep } from '../engine/history';
import { clipRect, countMasked, fillRect, stampLine, stampLineRects, type MaskOp } from '../engine/mask';
import { applyMaskOp } from '../engine/mask-morphology';
import { maskForSize } from '../engine/mask-scale';
import type { Mask, Rect } from '../engine/types';
import { historyCodec, pack, unpack } from './mask-pack';
import type { AcceptOptions, JournalOp, MaskChange, MaskJournalState, MaskProposal, PackedMaskBytes, StrokeSegment } from './mask-protocol';

export const DEFAULT_KEEP_LIVE = 3;

interface Doc {
  readonly width: number;
  readonly height: number;
  /** The mask while live; null while packed. */
  live: Uint8Array | null;
  packed: Uint8Array | null;
  // 256 MB of patches: several full-mask steps even on a 48 MP image.
  readonly history: MaskHistory;
  version: number;
  count: number;
  stroke: { dirty: Rect | null } | null;
  proposal: { token: string; data: Uint8Array; version: number } | null;
}

const ones = (bytes: Uint8Array) => countMasked({ width: bytes.length, height: 1, data: bytes });

function union(a: Rect | null, b: Rect | null): Rect | null {
  if (!a || !b) return a ?? b;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/** The rect's bytes, row-major (a copy). */
export function cropMask(mask: Mask, r: Rect): Uint8Array {
  const out = new Uint8Array(r.width * r.height);
  for (let j = 0; j < r.height; j++) {
    const s = (r.y + j) * mask.width + r.x;
    out.set(mask.data.subarray(s, s + r.width), j * r.width);
  }
  return out;
}

/** Writes a rect's bytes (row-major) into the mask. */
function writeRect(mask: Mask, r: Rect, bytes: Uint8Array): void {
  for (let j = 0; j < r.height; j++) mask.data.set(bytes.subarray(j * r.width, (j + 1) * r.width), (r.y + j) * mask.width + r.x);
}

export class MaskDocs {
  private readonly docs = new Map<string, Doc>();
  /** Live masks, least recently used first. */
  private readonly recent: string[] = [];
  private seq = 0;

  constructor(private keepLive = DEFAULT_KEEP_LIVE) {}

  /** Masks held as bytes at once (the app's keepDecoded); the others are packed on the next use of one. */
  setKeepLive(n: number): void {
    this.keepLive = Math.max(1, Math.floor(n));
  }

  /** A new, empty mask for a document (or the state a journal rebuilds, `restore`). */
  open(docId: string, width: number, height: number): void {
    this.docs.set(docId, {
      width,
      height,
      live: null,
      packed: null,
      history: new MaskHistory({ maxBytes: 256 * 1024 * 1024, maxEntries: 200 }),
      version: 0,
      count: 0,
      stroke: null,
      proposal: null,
    });
  }

  has(docId: string): boolean {
    return this.docs.has(docId);
  }

  release(docId: string): void {
    this.docs.delete(docId);
    const i = this.recent.indexOf(docId);
    if (i >= 0) this.recent.splice(i, 1);
  }

  /**
   * Rebuilds a document's mask and history by replaying the client's journal (a
   * restarted worker, or a reloaded session). `bytes`: answer with the whole mask (the image on screen).
   */
  restore(docId: string, state: MaskJournalState, bytes = false): MaskChange {
    this.open(docId, state.width, state.height);
    const doc = this.require(docId);
    const mask = this.mask(docId, doc);
    if (state.base) mask.data.set(unpack(state.base, state.width, state.height));
    for (const op of state.ops) {
      if (op.kind === 'edit') doc.history.record(mask, op.label, op.rect, unpack(op.after, op.rect.width, op.rect.height));
      else if (op.kind === 'undo') doc.history.undo(mask);
      else if (op.kind === 'redo') doc.history.redo(mask);
      else {
        mask.data.set(unpack(op.packed, state.width, state.height));
        doc.history.clear();
      }
    }
    doc.count = countMasked(mask);
    doc.version = state.version;
    return bytes ? this.answer(docId, doc, { x: 0, y: 0, width: doc.width, height: doc.height }, true) : this.answer(docId, doc, null, false);
  }

  /** The saved session's mask as the starting state: no undo step before it. */
  load(docId: string, zlib: Uint8Array, bytes: boolean): MaskChange | null {
    const doc = this.require(docId);
    if (doc.stroke) return null;
    const mask = this.mask(docId, doc);
    mask.data.set(unpack(zlib, doc.width, doc.height));
    doc.history.clear();
    doc.count = countMasked(mask);
    doc.version++;
    return this.answer(docId, doc, { x: 0, y: 0, width: doc.width, height: doc.height }, bytes, { kind: 'reset', packed: zlib });
  }

  // --- strokes (brush, eraser): begin, segments, commit or abort ---

  strokeBegin(docId: string): void {
    const doc = this.require(docId);
    if (doc.stroke) this.strokeAbort(docId, false);
    doc.history.begin(this.mask(docId, doc));
    doc.stroke = { dirty: null };
  }

  /** Stamps segments of the open stroke; without one (aborted meanwhile) they are dropped. */
  strokeSegments(docId: string, segments: readonly StrokeSegment[]): void {
    const doc = this.require(docId);
    const stroke = doc.stroke;
    if (!stroke) return;
    const mask = this.mask(docId, doc);
    for (const s of segments) {
      for (const r of stampLineRects(s.x0, s.y0, s.x1, s.y1, s.radius)) doc.history.willWrite(mask, r);
      stroke.dirty = union(stroke.dirty, stampLine(mask, s.x0, s.y0, s.x1, s.y1, s.radius, s.value));
    }
  }

  /** Ends the stroke as one undoable step (none if nothing changed). The rect is the stroke's whole extent. */
  strokeCommit(docId: string, label: string, bytes: boolean): MaskChange {
    const doc = this.require(docId);
    const stroke = doc.stroke;
    if (!stroke) return this.answer(docId, doc, null, false);
    doc.stroke = null;
    const mask = this.mask(docId, doc);
    if (!stroke.dirty) {
      doc.history.abort(mask);
      return this.answer(docId, doc, null, false);
    }
    return this.committed(docId, doc, doc.history.commit(mask, label), stroke.dirty, bytes);
  }

  /** Puts back the mask as it was at strokeBegin; the rect (and bytes) let the overlay follow. */
  strokeAbort(docId: string, bytes: boolean): MaskChange {
    const doc = this.require(docId);
    const stroke = doc.stroke;
    doc.stroke = null;
    if (!stroke) return this.answer(docId, doc, null, false);
    doc.history.abort(this.mask(docId, doc));
    return this.answer(docId, doc, stroke.dirty, bytes);
  }

  get inStroke(): string[] {
    return [...this.docs].filter(([, d]) => d.stroke).map(([id]) => id);
  }

  // --- one-step edits ---

  /** The box tool: `rect` set to `value` as one step. */
  box(docId: string, rect: Rect, value: 0 | 255, label: string, bytes: boolean): MaskChange | null {
    const doc = this.require(docId);
    if (doc.stroke) return null;
    const mask = this.mask(docId, doc);
    doc.history.begin(mask);
    doc.history.willWrite(mask, rect);
    const dirty = fillRect(mask, rect, value);
    if (!dirty) {
      doc.history.abort(mask);
      return this.answer(docId, doc, null, false);
    }
    return this.committed(docId, doc, doc.history.commit(mask, label), dirty, bytes);
  }

  /** Replaces the whole mask as one undoable step; null (refused) while a stroke is open. */
  replace(docId: string, next: Mask, label: string, bytes: boolean): MaskChange | null {
    const doc = this.require(docId);
    if (next.width !== doc.width || next.height !== doc.height) {
      throw new WmError('E_MASK_MISMATCH', `A ${next.width}×${next.height} mask cannot replace a ${doc.width}×${doc.height} one.`);
    }
    if (doc.stroke) return null;
    const mask = this.mask(docId, doc);
    const full = { x: 0, y: 0, width: doc.width, height: doc.height };
    const changed = doc.history.replace(mask, next.data, label);
    return this.committed(docId, doc, changed, changed ? doc.history.peekUndoStep()?.rect ?? full : null, bytes);
  }

  /** Whole-mask operations (clear, fill, invert, dilate, erode, feather). */
  op(docId: string, op: MaskOp, label: string, bytes: boolean): MaskChange | null {
    const doc = this.require(docId);
    if (doc.stroke) return null;
    return this.replace(docId, applyMaskOp(this.mask(docId, doc), op), label, bytes);
  }

  /** "Use this mask for all images": the source's mask (scaled to each size) on each target, one step each; null for a target in a stroke. */
  copyTo(sourceId: string, targets: readonly { docId: string; label: string; bytes: boolean }[]): (MaskChange | null)[] {
    const source = this.snapshot(sourceId).mask;
    return targets.map((t) => {
      const doc = this.require(t.docId);
      return doc.stroke ? null : this.replace(t.docId, maskForSize(source, doc.width, doc.height), t.label, t.bytes);
    });
  }

  undo(docId: string, bytes: boolean): MaskChange {
    return this.move(docId, 'undo', bytes);
  }

  redo(docId: string, bytes: boolean): MaskChange {
    return this.move(docId, 'redo', bytes);
  }

  // --- long jobs: read a copy, propose a result, accept it later ---

  /** A copy of the mask and its version, for a job that runs across awaits (remove, marks). */
  snapshot(docId: string): { mask: Mask; version: number } {
    const doc = this.require(docId);
    const mask = this.mask(docId, doc);
    return { mask: { width: mask.width, height: mask.height, data: mask.data.slice() }, version: doc.version };
  }

  /** Holds `next` (made from the mask at `version`) until accept or drop; one per document, the newest. */
  propose(docId: string, next: Mask, version: number, added: number): MaskProposal {
    const doc = this.require(docId);
    if (next.width !== doc.width || next.height !== doc.height) throw new WmError('E_MASK_MISMATCH', 'The proposed mask has another size.');
    const token = `p${++this.seq}`;
    doc.proposal = { token, data: next.data, version };
    return { docId, token, added };
  }

  /** Applies a proposal as one undoable step; null when it is gone, a stroke is open, or (ifUnchanged) the mask changed since. */
  accept(docId: string, token: string, label: string, opts: AcceptOptions): MaskChange | null {
    const doc = this.docs.get(docId);
    const p = doc?.proposal;
    if (!doc || !p || p.token !== token) return null;
    doc.proposal = null;
    if (doc.stroke || (opts.ifUnchanged && doc.version !== p.version)) return null;
    return this.replace(docId, { width: doc.width, height: doc.height, data: p.data }, label, opts.bytes);
  }

  drop(docId: string, token: string): void {
    const doc = this.docs.get(docId);
    if (doc?.proposal?.token === token) doc.proposal = null;
  }

  // --- reading ---

  /** The rect's bytes (the whole mask without one), for the overlay of the image on screen. */
  bytes(docId: string, rect?: Rect): { rect: Rect; bytes: Uint8Array; version: number } {
    const doc = this.require(docId);
    const mask = this.mask(docId, doc);
    const r = (rect && clipRect(rect, doc.width, doc.height)) ?? { x: 0, y: 0, width: doc.width, height: doc.height };
    return { rect: r, bytes: cropMask(mask, r), version: doc.version };
  }

  /**
   * The whole state as a journal the client can keep instead of the one it has
   * grown (`MaskJournal.rebase`): the oldest mask the history can go back to,
   * then every step it holds. Null while a stroke is open.
   */
  checkpoint(docId: string): MaskJournalState | null {
    const doc = this.require(docId);
    if (doc.stroke) return null;
    const mask = this.mask(docId, doc);
    const { undo, redo } = doc.history.steps();
    const base: Mask = { width: doc.width, height: doc.height, data: mask.data.slice() };
    for (let k = undo.length - 1; k >= 0; k--) writeRect(base, undo[k].rect, undo[k].before);
    const edit = (e: Readonly<HistoryStep>): JournalOp => ({ kind: 'edit', label: e.label, rect: { ...e.rect }, after: pack(e.after) });
    // The redo stack holds the next redo last: replayed in the order they were first made, then undone again.
    const ops: JournalOp[] = [...undo.map(edit), ...[...redo].reverse().map(edit), ...redo.map((): JournalOp => ({ kind: 'undo' }))];
    return { width: doc.width, height: doc.height, version: doc.version, base: pack(base.data), ops };
  }

  packed(docId: string): PackedMaskBytes {
    const doc = this.require(docId);
    return { width: doc.width, height: doc.height, version: doc.version, zlib: pack(this.mask(docId, doc).data) };
  }

  state(docId: string): { version: number; count: number; inStroke: boolean; undoLabel: string | null; redoLabel: string | null } {
    const doc = this.require(docId);
    return { version: doc.version, count: doc.count, inStroke: doc.stroke !== null, undoLabel: doc.history.peekUndo(), redoLabel: doc.history.peekRedo() };
  }

  /** What is held (diagnostics): masks, how many live, and the bytes of live masks, packed masks and undo histories. */
  stats(): { masks: number; live: number; liveMaskBytes: number; packedMaskBytes: number; historyBytes: number } {
    const held = { masks: this.docs.size, live: this.recent.length, liveMaskBytes: 0, packedMaskBytes: 0, historyBytes: 0 };
    for (const doc of this.docs.values()) {
      held.liveMaskBytes += doc.live?.byteLength ?? 0;
      held.packedMaskBytes += doc.packed?.byteLength ?? 0;
      held.historyBytes += doc.history.bytes;
    }
    return held;
  }

  // --- inside ---

  private require(docId: string): Doc {
    const doc = this.docs.get(docId);
    if (!doc) throw new WmError('E_DOC_MISSING', `The engine holds no mask for image ${docId}.`);
    return doc;
  }

  /** The live mask, inflated if it was packed; packs the least recently used beyond keepLive. */
  private mask(docId: string, doc: Doc): Mask {
    if (!doc.live) {
      doc.live = doc.packed ? unpack(doc.packed, doc.width, doc.height) : new Uint8Array(doc.width * doc.height);
      doc.packed = null;
    }
    const i = this.recent.indexOf(docId);
    if (i >= 0) this.recent.splice(i, 1);
    this.recent.push(docId);
    for (let k = 0; this.recent.length > this.keepLive && k < this.recent.length - 1; ) {
      const id = this.recent[k];
      const other = this.docs.get(id);
      // Never one in a stroke (its bytes are being written, tile by tile, under an open gesture) nor the one in hand.
      if (!other || other.stroke || id === docId) {
        k++;
        continue;
      }
      if (other.live) other.packed = pack(other.live);
      other.live = null;
      other.history.compact(historyCodec);
      this.recent.splice(k, 1);
    }
    return { width: doc.width, height: doc.height, data: doc.live };
  }

  private committed(docId: string, doc: Doc, changed: boolean, rect: Rect | null, bytes: boolean): MaskChange {
    if (!changed) return this.answer(docId, doc, null, false);
    const step = doc.history.peekUndoStep() as HistoryStep;
    doc.count += ones(step.after) - ones(step.before);
    doc.version++;
    return this.answer(docId, doc, rect ?? step.rect, bytes, { kind: 'edit', label: step.label, rect: { ...step.rect }, after: pack(step.after) });
  }

  private move(docId: string, kind: 'undo' | 'redo', bytes: boolean): MaskChange {
    const doc = this.require(docId);
    // Refused mid-stroke: the open gesture's "before" tiles would no longer match the mask.
    if (doc.stroke) return this.answer(docId, doc, null, false);
    const mask = this.mask(docId, doc);
    const rect = kind === 'undo' ? doc.history.undo(mask) : doc.history.redo(mask);
    if (!rect) return this.answer(docId, doc, null, false);
    const step = (kind === 'undo' ? doc.history.peekRedoStep() : doc.history.peekUndoStep()) as HistoryStep;
    const [was, now] = kind === 'undo' ? [step.after, step.before] : [step.before, step.after];
    doc.count += ones(now) - ones(was);
    doc.version++;
    return this.answer(docId, doc, rect, bytes, { kind });
  }

  private answer(docId: string, doc: Doc, rect: Rect | null, bytes: boolean, journal?: JournalOp): MaskChange {
    const change: MaskChange = {
      docId,
      version: doc.version,
      count: doc.count,
      undoLabel: doc.history.peekUndo(),
      redoLabel: doc.history.peekRedo(),
      rect,
    };
    if (rect && bytes) change.bytes = cropMask(this.mask(docId, doc), rect);
    if (journal) change.journal = journal;
    return change;
  }
}
