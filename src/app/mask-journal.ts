/**
 * The client's copy of each document's mask journal (mask-protocol.ts): the
 * steps the worker reported, kept so that a restarted worker (a crash, a
 * cancel that had to kill it) gets every mask and its undo history back by
 * replaying them. No pixels: each edit is its rect's bytes after, deflated by
 * the worker (a brush stroke costs bytes; a whole-mask step kilobytes), and a
 * restored session's mask is the base. Kept as the steps done since the base
 * and how many of the newest are undone: a new edit drops the undone ones, as
 * the history drops its redo, so what is kept grows only with real edits.
 * Pure, so it is unit tested in Node.
 */
import type { JournalOp, MaskChange, MaskJournalState } from '../worker/mask-protocol';

type Edit = Extract<JournalOp, { kind: 'edit' }>;

interface DocJournal {
  width: number;
  height: number;
  version: number;
  base: Uint8Array | null;
  /** Edits since the base, oldest first. */
  done: Edit[];
  /** How many of the newest `done` are undone (the redo stack). */
  undone: number;
}

/** Past these a document's journal is replaced by the worker's checkpoint (which holds at most its history). */
const MAX_EDITS = 400;
const MAX_BYTES = 32 * 1024 * 1024;

export class MaskJournal {
  private readonly docs = new Map<string, DocJournal>();

  open(docId: string, width: number, height: number): void {
    this.docs.set(docId, { width, height, version: 0, base: null, done: [], undone: 0 });
  }

  has(docId: string): boolean {
    return this.docs.has(docId);
  }

  forget(docId: string): void {
    this.docs.delete(docId);
  }

  /** Takes in one answer of the worker; answers for a document it does not keep are ignored. */
  record(change: MaskChange): void {
    const j = this.docs.get(change.docId);
    if (!j) return;
    // An answer can only move forward; an older one (a stale copy) changes nothing.
    if (change.version < j.version) return;
    j.version = change.version;
    const op: JournalOp | undefined = change.journal;
    if (!op) return;
    if (op.kind === 'reset') {
      j.base = op.packed;
      j.done = [];
      j.undone = 0;
    } else if (op.kind === 'edit') {
      j.done.splice(j.done.length - j.undone, j.undone, op);
      j.undone = 0;
    } else if (op.kind === 'undo') {
      j.undone = Math.min(j.done.length, j.undone + 1);
    } else {
      j.undone = Math.max(0, j.undone - 1);
    }
  }

  /** The journal has grown past what the worker's history can still undo: time for a checkpoint. */
  needsCheckpoint(docId: string): boolean {
    const j = this.docs.get(docId);
    return !!j && (j.done.length > MAX_EDITS || this.bytes(docId) > MAX_BYTES);
  }

  /**
   * Replaces the journal with the worker's checkpoint (MaskDocs.checkpoint),
   * if it is of the version kept here (no change came in between). Returns whether it did.
   */
  rebase(docId: string, state: MaskJournalState): boolean {
    const j = this.docs.get(docId);
    if (!j || j.version !== state.version) return false;
    return this.take(j, state);
  }

  /**
   * Takes a whole journal as this document's (a saved session's, which the
   * worker was just given with `maskRestore`): its version, base and steps.
   * Returns whether it did: the size must match and the steps be a checkpoint's.
   */
  adopt(docId: string, state: MaskJournalState): boolean {
    const j = this.docs.get(docId);
    if (!j || !this.take(j, state)) return false;
    j.version = state.version;
    return true;
  }

  /** Whether `state` could be this document's journal (`adopt`): its size, and a checkpoint's steps. */
  fits(docId: string, state: MaskJournalState): boolean {
    const j = this.docs.get(docId);
    return !!j && j.width === state.width && j.height === state.height && checkpointSteps(state) !== null;
  }

  private take(j: DocJournal, state: MaskJournalState): boolean {
    const steps = checkpointSteps(state);
    if (!steps || j.width !== state.width || j.height !== state.height) return false;
    j.base = state.base;
    j.done = steps.done;
    j.undone = steps.undone;
    return true;
  }

  /** What the worker replays to bring the document back (MaskDocs.restore). */
  state(docId: string): MaskJournalState | null {
    const j = this.docs.get(docId);
    if (!j) return null;
    const undos: JournalOp[] = Array.from({ length: j.undone }, () => ({ kind: 'undo' }));
    return { width: j.width, height: j.height, version: j.version, base: j.base, ops: [...j.done, ...undos] };
  }

  /** Bytes held for one document (tests, diagnostics). */
  bytes(docId: string): number {
    const j = this.docs.get(docId);
    if (!j) return 0;
    let n = j.base?.byteLength ?? 0;
    for (const op of j.done) n += op.after.byteLength;
    return n;
  }
}

/**
 * A checkpoint's steps (what `state()` and MaskDocs.checkpoint give): edits,
 * then undos of the newest of them. Null for anything else (a reset, a redo, an undo among the edits).
 */
export function checkpointSteps(state: Pick<MaskJournalState, 'ops'>): { done: Edit[]; undone: number } | null {
  const done = state.ops.filter((op): op is Edit => op.kind === 'edit');
  const undone = state.ops.length - done.length;
  if (undone > done.length || state.ops.slice(done.length).some((op) => op.kind !== 'undo')) return null;
  return { done, undone };
}
