import { describe, expect, it } from 'vitest';
import { zlibSync } from 'fflate';
import { MaskDocs } from '../../worker/mask-docs';
import type { MaskChange } from '../../worker/mask-protocol';
import { seg, stroke, whole } from '../../worker/mask-testing';
import { MaskJournal } from '../mask-journal';
import { JOURNAL_FORMAT, journalBytes, journalFromRecord, journalRecord, maskStart, type JournalRecord } from './journal-codec';
import type { PackedMask } from './mask-codec';

const W = 80;
const H = 60;

/** A worker and the client's journal of it, as the app keeps them. */
function session() {
  const docs = new MaskDocs();
  const journal = new MaskJournal();
  docs.open('a', W, H);
  journal.open('a', W, H);
  const rec = <C extends MaskChange | null>(c: C): C => {
    if (c) journal.record(c);
    return c;
  };
  return { docs, journal, rec };
}

/** What IndexedDB hands back: a structured clone of what was put. */
const stored = (rec: JournalRecord | null): unknown => structuredClone(rec);

const maskOf = (width: number, height: number): PackedMask => ({ width, height, deflated: new Blob([zlibSync(new Uint8Array(width * height))]) });

describe('journal-codec', () => {
  it('round trip: after a reload Undo and Redo give the same masks, labels and counts as before it', () => {
    const before = session();
    const { docs, rec } = before;
    const one = rec(stroke(docs, 'a', [seg(5, 10, 60, 10)], 'Brush', false));
    const oneMask = whole(docs, 'a').slice();
    const two = rec(stroke(docs, 'a', [seg(5, 40, 60, 40)], 'Brush', false));
    rec(docs.box('a', { x: 60, y: 45, width: 10, height: 10 }, 255, 'Box', false));
    rec(docs.undo('a', false));
    expect(two.count).toBeGreaterThan(one.count);

    const record = journalRecord('key-a', before.journal.state('a'));
    expect(record).not.toBeNull();
    expect(record!.undone).toBe(1);
    const state = journalFromRecord(stored(record), W, H);
    expect(state).not.toBeNull();

    // The reloaded page: a new worker and journal, the document opened again, then given the saved journal.
    const after = session();
    const restored = after.rec(after.docs.restore('a', state!, true));
    expect(after.journal.adopt('a', state!)).toBe(true);
    expect(restored.rect).toEqual({ x: 0, y: 0, width: W, height: H });
    expect(restored.bytes).toEqual(whole(docs, 'a'));
    expect(after.docs.state('a')).toEqual(docs.state('a'));
    expect(restored.undoLabel).toBe('Brush');
    expect(restored.redoLabel).toBe('Box');

    const undo = after.docs.undo('a', false);
    expect(undo.count).toBe(one.count);
    expect(whole(after.docs, 'a')).toEqual(oneMask);
    const redo = after.docs.redo('a', false);
    expect(redo.count).toBe(two.count);
    expect(redo.redoLabel).toBe('Box');
    expect(after.docs.redo('a', false).count).toBe(docs.redo('a', false).count);
    expect(whole(after.docs, 'a')).toEqual(whole(docs, 'a'));
  });

  it('a restored session (the mask as base) round-trips too, and the adopted journal goes on recording', () => {
    const { docs, journal, rec } = session();
    const base = new Uint8Array(W * H);
    base.fill(255, 0, W * 3);
    rec(docs.load('a', zlibSync(base), false));
    rec(stroke(docs, 'a', [seg(5, 30, 60, 30)], 'Erase', false));
    const state = journalFromRecord(stored(journalRecord('k', journal.state('a'))), W, H)!;
    expect(state.base).not.toBeNull();

    const after = session();
    after.rec(after.docs.restore('a', state));
    after.journal.adopt('a', state);
    after.rec(after.docs.undo('a', false));
    expect(whole(after.docs, 'a')).toEqual(base);
    // Undo went back to the saved base: nothing before it.
    expect(after.docs.state('a').undoLabel).toBeNull();
    expect(after.journal.state('a')!.version).toBe(state.version + 1);
  });

  it('stores only what the bytes need: a view of a larger buffer is copied', () => {
    const big = new Uint8Array(1000);
    const view = big.subarray(10, 20);
    const rec = journalRecord('k', { width: W, height: H, version: 3, base: view, ops: [] })!;
    expect(rec.base!.byteLength).toBe(10);
    expect(rec.base!.buffer.byteLength).toBe(10);
    expect(rec.format).toBe(JOURNAL_FORMAT);
  });

  it('bounds the stored size: past it no journal is kept (the mask alone restores)', () => {
    const { docs, journal, rec } = session();
    rec(stroke(docs, 'a', [seg(5, 10, 60, 10)], 'Brush', false));
    const state = journal.state('a')!;
    const rec1 = journalRecord('k', state)!;
    expect(journalRecord('k', state, journalBytes(rec1))).not.toBeNull();
    expect(journalRecord('k', state, journalBytes(rec1) - 1)).toBeNull();
    expect(journalRecord('k', null)).toBeNull();
    // Not a checkpoint's steps (a redo, a reset): not stored.
    expect(journalRecord('k', { ...state, ops: [...state.ops, { kind: 'redo' }] })).toBeNull();
  });

  it('refuses a record of another size, format or shape', () => {
    const { docs, journal, rec } = session();
    rec(stroke(docs, 'a', [seg(5, 10, 60, 10)], 'Brush', false));
    const good = journalRecord('k', journal.state('a'))!;
    expect(journalFromRecord(stored(good), W, H)).not.toBeNull();
    expect(journalFromRecord(stored(good), W + 1, H)).toBeNull();
    expect(journalFromRecord(undefined, W, H)).toBeNull();
    expect(journalFromRecord({ ...good, format: 2 }, W, H)).toBeNull();
    expect(journalFromRecord({ ...good, undone: 2 }, W, H)).toBeNull();
    expect(journalFromRecord({ ...good, version: -1 }, W, H)).toBeNull();
    expect(journalFromRecord({ ...good, base: undefined }, W, H)).toBeNull();
    expect(journalFromRecord({ ...good, edits: [{ ...good.edits[0], rect: { x: 70, y: 0, width: 20, height: 5 } }] }, W, H)).toBeNull();
    expect(journalFromRecord({ ...good, edits: [{ ...good.edits[0], after: [1, 2, 3] }] }, W, H)).toBeNull();
  });

  it('an older session (no journal) restores its mask alone; a damaged journal falls back to the mask too', () => {
    const mask = maskOf(W, H);
    expect(maskStart({ mask }, W, H)).toEqual({ kind: 'mask', mask });
    expect(maskStart({ journal: undefined, mask }, W, H)).toEqual({ kind: 'mask', mask });
    expect(maskStart({ journal: { format: JOURNAL_FORMAT, width: 1 }, mask }, W, H)).toEqual({ kind: 'mask', mask });
    expect(maskStart({ mask: maskOf(W, H + 1) }, W, H)).toEqual({ kind: 'none' });
    expect(maskStart({}, W, H)).toEqual({ kind: 'none' });

    const { docs, journal, rec } = session();
    rec(stroke(docs, 'a', [seg(5, 10, 60, 10)], 'Brush', false));
    const start = maskStart({ journal: stored(journalRecord('k', journal.state('a'))), mask }, W, H);
    expect(start.kind).toBe('journal');
  });
});
