/**
 * Main-thread side of the worker's masks (worker/mask-api.ts). Calls for a
 * document go out in the order they are made: each waits on the same "ready"
 * promise of its document, whose callbacks run first in, first out. After the
 * worker was restarted (a crash, a cancel that had to kill it) that promise is
 * a `maskRestore` of the document's journal (mask-journal.ts), so the new
 * worker holds the mask and its undo history again before any other call.
 */
import type { Remote } from 'comlink';
import { fromSerializedError, isSerializedError, WmError } from '../engine/errors';
import type { DetectionMaskOptions } from '../engine/detect';
import type { MaskOp } from '../engine/mask';
import type { Rect } from '../engine/types';
import type { AcceptOptions, MaskBytes, MaskCalls, MaskChange, MaskJournalState, MaskProposal, MaskTarget, PackedMaskBytes, StrokeSegment } from '../worker/mask-protocol';
import type { MaskEngine } from './mask-engine.types';
import { MaskJournal } from './mask-journal';

export function toWmError(e: unknown): WmError {
  if (e instanceof WmError) return e;
  if (isSerializedError(e)) return fromSerializedError(e);
  return new WmError('E_PROCESSING', e instanceof Error ? e.message : String(e));
}

/** What the engine client lends: the current worker and the promise that rejects when it crashes. */
export interface MaskHost {
  api(): Remote<MaskCalls>;
  crashed(): Promise<never>;
}

export class MaskClient implements MaskEngine {
  private readonly journal = new MaskJournal();
  /** Per document, for the current worker: resolves once the worker holds its mask. */
  private ready = new Map<string, Promise<unknown>>();

  constructor(private readonly host: MaskHost) {}

  /** A new document: an empty mask in the worker. */
  open(docId: string, width: number, height: number): void {
    this.journal.open(docId, width, height);
    this.watch(docId, this.host.api().maskOpen(docId, width, height));
  }

  /** A new worker holds no mask: each comes back from its journal on its next call. */
  restarted(): void {
    this.ready = new Map();
  }

  release(docId: string): void {
    const held = this.ready.has(docId);
    this.journal.forget(docId);
    this.ready.delete(docId);
    if (held) void this.host.api().maskRelease(docId);
  }

  /** Resolves once the current worker holds the document's mask (restoring it if needed). */
  whenReady(docId: string): Promise<unknown> {
    const p = this.ready.get(docId);
    if (p) return p;
    const state = this.journal.state(docId);
    if (!state) return Promise.reject(new WmError('E_PROCESSING', 'Unknown document.'));
    return this.watch(docId, this.host.api().maskRestore(docId, state));
  }

  private watch(docId: string, p: Promise<unknown>): Promise<unknown> {
    this.ready.set(docId, p);
    // A failed open or restore is tried again on the next call.
    p.catch(() => {
      if (this.ready.get(docId) === p) this.ready.delete(docId);
    });
    return p;
  }

  /** Runs `work` on the worker once the document's mask is there, in call order; a crash rejects it. */
  private run<T>(docIds: string | string[], work: (api: Remote<MaskCalls>) => Promise<T>): Promise<T> {
    const api = this.host.api();
    const ids = typeof docIds === 'string' ? [docIds] : docIds;
    const ready = ids.length === 1 ? this.whenReady(ids[0]) : Promise.all(ids.map((id) => this.whenReady(id)));
    return Promise.race([ready.then(() => work(api)), this.host.crashed()]).catch((e: unknown) => {
      throw toWmError(e);
    });
  }

  private checkpointing = new Set<string>();

  /** Keeps the change's journal step; passes the change on. */
  private kept = <C extends MaskChange | null>(change: C): C => {
    if (!change) return change;
    this.journal.record(change);
    if (this.journal.needsCheckpoint(change.docId)) this.checkpoint(change.docId);
    return change;
  };

  /** Replaces a journal grown long with the worker's state (at most what its history holds). */
  private checkpoint(docId: string): void {
    if (this.checkpointing.has(docId)) return;
    this.checkpointing.add(docId);
    this.run(docId, (api) => api.maskCheckpoint(docId))
      .then((state) => state && this.journal.rebase(docId, state))
      .catch(() => undefined) // the next change asks again
      .finally(() => this.checkpointing.delete(docId));
  }

  strokeBegin(docId: string): void {
    this.run(docId, (api) => api.strokeBegin(docId)).catch(() => undefined); // the commit reports it
  }

  strokeSegments(docId: string, segments: StrokeSegment[]): void {
    this.run(docId, (api) => api.strokeSegments(docId, segments)).catch(() => undefined);
  }

  strokeCommit(docId: string, label: string, bytes: boolean): Promise<MaskChange> {
    return this.run(docId, (api) => api.strokeCommit(docId, label, bytes)).then(this.kept);
  }

  strokeAbort(docId: string, bytes: boolean): Promise<MaskChange> {
    return this.run(docId, (api) => api.strokeAbort(docId, bytes));
  }

  box(docId: string, rect: Rect, value: 0 | 255, label: string, bytes: boolean): Promise<MaskChange | null> {
    return this.run(docId, (api) => api.maskBox(docId, rect, value, label, bytes)).then(this.kept);
  }

  undo(docId: string, bytes: boolean): Promise<MaskChange> {
    return this.run(docId, (api) => api.maskUndo(docId, bytes)).then(this.kept);
  }

  redo(docId: string, bytes: boolean): Promise<MaskChange> {
    return this.run(docId, (api) => api.maskRedo(docId, bytes)).then(this.kept);
  }

  op(docId: string, op: MaskOp, label: string, bytes: boolean): Promise<MaskChange | null> {
    return this.run(docId, (api) => api.maskOp(docId, op, label, bytes)).then(this.kept);
  }

  async toAll(sourceId: string, targets: MaskTarget[]): Promise<(MaskChange | null)[]> {
    const changes = await this.run([sourceId, ...targets.map((t) => t.docId)], (api) => api.maskToAll(sourceId, targets));
    return changes.map(this.kept);
  }

  detection(docId: string, detectionId: string, opts: DetectionMaskOptions): Promise<MaskProposal> {
    return this.run(docId, (api) => api.detectionProposal(docId, detectionId, opts));
  }

  accept(proposal: MaskProposal, label: string, opts: AcceptOptions): Promise<MaskChange | null> {
    return this.run(proposal.docId, (api) => api.maskAccept(proposal.docId, proposal.token, label, opts)).then(this.kept);
  }

  drop(proposal: MaskProposal): void {
    this.run(proposal.docId, (api) => api.maskDrop(proposal.docId, proposal.token)).catch(() => undefined);
  }

  /**
   * A saved session's journal: the worker rebuilds mask and history from it, and it becomes this
   * document's journal. Rejects (the worker and the journal as they were) when it does not fit the document.
   */
  async restore(docId: string, state: MaskJournalState, bytes: boolean): Promise<MaskChange> {
    if (!this.journal.fits(docId, state)) throw new WmError('E_MASK_MISMATCH', 'The saved undo history does not fit this image.');
    const change = await this.run(docId, (api) => api.maskRestore(docId, state, bytes));
    this.journal.adopt(docId, state);
    return this.kept(change);
  }

  /** What a saved session keeps of the document's mask and history (its journal); null for an unknown document. */
  journalState(docId: string): MaskJournalState | null {
    return this.journal.state(docId);
  }

  load(docId: string, zlib: Uint8Array, bytes: boolean): Promise<MaskChange | null> {
    return this.run(docId, (api) => api.maskLoad(docId, zlib, bytes)).then(this.kept);
  }

  bytes(docId: string, rect?: Rect): Promise<MaskBytes> {
    return this.run(docId, (api) => api.maskBytes(docId, rect));
  }

  async packed(docId: string): Promise<PackedMaskBytes> {
    try {
      return await this.run(docId, (api) => api.maskPacked(docId));
    } catch (e) {
      // The worker died under this read: the next one restores the mask first.
      if (toWmError(e).code !== 'E_WORKER_CRASHED') throw e;
      return this.run(docId, (api) => api.maskPacked(docId));
    }
  }

  png(docId: string): Promise<Blob> {
    return this.run(docId, (api) => api.maskPng(docId));
  }
}
