/**
 * A mask's undo history in the saved session: the client's journal
 * (mask-journal.ts, MaskJournalState) as a plain record, written in the same
 * transaction as the mask it ends on. On restore the worker replays it
 * (`maskRestore`), so Undo and Redo offer the same steps, with the same labels,
 * as before the reload. No pixels beyond the journal's own: a base (zlib) and
 * each edit's rect bytes after (zlib).
 *
 * The mask record stays beside it: a session saved before journals were kept
 * (or one whose journal is missing, too large or damaged) restores from the
 * mask alone, with nothing to undo. Pure, so it is unit tested in Node.
 */
import type { Rect } from '../../engine/types';
import type { JournalOp, MaskJournalState } from '../../worker/mask-protocol';
import { checkpointSteps } from '../mask-journal';
import type { PackedMask } from './mask-codec';

/** The format this code writes; a record of another is not read (the mask alone restores). */
export const JOURNAL_FORMAT = 1;

/**
 * Past this a journal is not stored (the mask alone is): the client's journal
 * is replaced by the worker's checkpoint past 400 edits or 32 MB, so this is
 * reached only by a checkpoint that is itself that large.
 */
export const MAX_STORED_JOURNAL_BYTES = 32 * 1024 * 1024;

export interface JournalEditRecord {
  label: string;
  rect: Rect;
  /** zlib of the rect's mask bytes after the edit. */
  after: Uint8Array;
}

export interface JournalRecord {
  key: string;
  format: typeof JOURNAL_FORMAT;
  width: number;
  height: number;
  /** The mask version it ends on; the restored document goes on from it. */
  version: number;
  /** zlib of the mask the edits start from; null: all zero. */
  base: Uint8Array | null;
  /** Edits since the base, oldest first. */
  edits: JournalEditRecord[];
  /** How many of the newest edits are undone (what Redo brings back). */
  undone: number;
}

/** A view over exactly its bytes: stored as is, a view of a larger buffer would store all of it. */
function own(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

export function journalBytes(rec: Pick<JournalRecord, 'base' | 'edits'>): number {
  let n = rec.base?.byteLength ?? 0;
  for (const e of rec.edits) n += e.after.byteLength;
  return n;
}

/**
 * The record to store for a document's journal; null when there is none to
 * store (no journal, steps that are not a checkpoint's, or past the size bound),
 * which deletes the stored one: the mask record alone then restores, with no undo.
 */
export function journalRecord(key: string, state: MaskJournalState | null, maxBytes = MAX_STORED_JOURNAL_BYTES): JournalRecord | null {
  if (!state) return null;
  const steps = checkpointSteps(state);
  if (!steps) return null;
  const rec: JournalRecord = {
    key,
    format: JOURNAL_FORMAT,
    width: state.width,
    height: state.height,
    version: state.version,
    base: state.base ? own(state.base) : null,
    edits: steps.done.map((e) => ({ label: e.label, rect: { ...e.rect }, after: own(e.after) })),
    undone: steps.undone,
  };
  return journalBytes(rec) > maxBytes ? null : rec;
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

function isRectIn(r: unknown, width: number, height: number): r is Rect {
  if (typeof r !== 'object' || r === null) return false;
  const { x, y, width: w, height: h } = r as Partial<Rect>;
  return isCount(x) && isCount(y) && isCount(w) && isCount(h) && w > 0 && h > 0 && x + w <= width && y + h <= height;
}

function isEdit(e: unknown, width: number, height: number): e is JournalEditRecord {
  if (typeof e !== 'object' || e === null) return false;
  const { label, rect, after } = e as Partial<JournalEditRecord>;
  return typeof label === 'string' && isRectIn(rect, width, height) && after instanceof Uint8Array;
}

/**
 * The journal a stored record holds, for a document of `width` × `height`;
 * null for anything else: no record, another format, another size, or a
 * damaged one. What the bytes inflate to is checked by the worker.
 */
export function journalFromRecord(rec: unknown, width: number, height: number): MaskJournalState | null {
  if (typeof rec !== 'object' || rec === null) return null;
  const r = rec as Partial<JournalRecord>;
  if (r.format !== JOURNAL_FORMAT || r.width !== width || r.height !== height || !isCount(r.version)) return null;
  if (r.base !== null && !(r.base instanceof Uint8Array)) return null;
  if (!Array.isArray(r.edits) || !r.edits.every((e) => isEdit(e, width, height))) return null;
  if (!isCount(r.undone) || r.undone > r.edits.length) return null;
  const edits: JournalOp[] = r.edits.map((e) => ({ kind: 'edit', label: e.label, rect: { ...e.rect }, after: e.after }));
  const undos: JournalOp[] = Array.from({ length: r.undone }, () => ({ kind: 'undo' }));
  return { width, height, version: r.version, base: r.base, ops: [...edits, ...undos] };
}

/** How a saved image's mask comes back: its journal (mask and history), else its mask alone, else nothing. */
export type MaskStart = { kind: 'journal'; state: MaskJournalState } | { kind: 'mask'; mask: PackedMask } | { kind: 'none' };

export function maskStart(saved: { journal?: unknown; mask?: PackedMask }, width: number, height: number): MaskStart {
  const state = journalFromRecord(saved.journal, width, height);
  if (state) return { kind: 'journal', state };
  const { mask } = saved;
  if (mask && mask.width === width && mask.height === height) return { kind: 'mask', mask };
  return { kind: 'none' };
}
