import { describe, expect, it } from 'vitest';
import { zlibSync } from 'fflate';
import { createMask, fillRect } from '../engine/mask';
import { MaskDocs } from '../worker/mask-docs';
import type { MaskChange, StrokeSegment } from '../worker/mask-protocol';
import { seg, stroke as strokeWith, whole } from '../worker/mask-testing';
import { MaskJournal } from './mask-journal';

const W = 80;
const H = 60;
const stroke = (docs: MaskDocs, id: string, segments: StrokeSegment[], label = 'Brush'): MaskChange => strokeWith(docs, id, segments, label, false);

describe('MaskJournal', () => {
  it('a fresh worker rebuilds mask, count, version and undo/redo from the client journal', () => {
    const docs = new MaskDocs();
    const journal = new MaskJournal();
    docs.open('a', W, H);
    journal.open('a', W, H);
    const rec = (c: MaskChange | null) => c && journal.record(c);
    const saved = createMask(W, H);
    fillRect(saved, { x: 70, y: 50, width: 5, height: 5 }, 255);
    rec(docs.load('a', zlibSync(saved.data), false));
    rec(stroke(docs, 'a', [seg(5, 5, 20, 5)]));
    rec(docs.box('a', { x: 30, y: 30, width: 10, height: 10 }, 255, 'Box', false));
    rec(docs.undo('a', false));
    // An edit after an undo drops the undone step, in the history and in the journal.
    rec(docs.op('a', { op: 'dilate', px: 2 }, 'Grow 2 px', false));
    rec(stroke(docs, 'a', [seg(5, 5, 12, 5, 0)], 'Erase'));
    rec(docs.undo('a', false));
    expect(journal.state('a')!.ops.map((o) => o.kind)).toEqual(['edit', 'edit', 'edit', 'undo']);

    const fresh = new MaskDocs();
    const restored = fresh.restore('a', journal.state('a')!);
    expect(whole(fresh, 'a')).toEqual(whole(docs, 'a'));
    expect(fresh.state('a')).toEqual(docs.state('a'));
    expect(restored.count).toBe(docs.state('a').count);
    // The same steps to undo and redo as the worker that was lost.
    for (const move of ['redo', 'undo', 'undo', 'undo', 'undo'] as const) {
      const a = docs[move]('a', false);
      const b = fresh[move]('a', false);
      expect(b.count).toBe(a.count);
      expect(b.undoLabel).toBe(a.undoLabel);
      expect(whole(fresh, 'a')).toEqual(whole(docs, 'a'));
    }
    expect(whole(fresh, 'a')).toEqual(saved.data);
  });


  it('keeps only edits that are not undone once a new edit comes, and ignores older answers', () => {
    const journal = new MaskJournal();
    journal.open('a', 4, 4);
    const edit = (version: number): MaskChange => ({
      docId: 'a', version, count: 1, undoLabel: 'x', redoLabel: null, rect: { x: 0, y: 0, width: 1, height: 1 },
      journal: { kind: 'edit', label: `e${version}`, rect: { x: 0, y: 0, width: 1, height: 1 }, after: new Uint8Array([1, 2, 3]) },
    });
    const move = (version: number, kind: 'undo' | 'redo'): MaskChange => ({ docId: 'a', version, count: 0, undoLabel: null, redoLabel: null, rect: null, journal: { kind } });
    journal.record(edit(1));
    journal.record(edit(2));
    journal.record(move(3, 'undo'));
    journal.record(move(4, 'undo'));
    journal.record(move(5, 'redo'));
    expect(journal.state('a')!.ops.map((o) => o.kind)).toEqual(['edit', 'edit', 'undo']);
    journal.record(edit(6));
    expect(journal.state('a')!.ops.map((o) => (o.kind === 'edit' ? o.label : o.kind))).toEqual(['e1', 'e6']);
    expect(journal.state('a')!.version).toBe(6);
    journal.record(edit(3));
    expect(journal.state('a')!.ops).toHaveLength(2);
    expect(journal.bytes('a')).toBe(6);
    journal.record({ ...edit(7), journal: { kind: 'reset', packed: new Uint8Array(9) } });
    expect(journal.state('a')).toMatchObject({ version: 7, ops: [] });
    expect(journal.bytes('a')).toBe(9);
  });

  it('takes a checkpoint only of the version it holds, and only edits then undos', () => {
    const journal = new MaskJournal();
    journal.open('a', 4, 4);
    journal.record({ docId: 'a', version: 3, count: 0, undoLabel: null, redoLabel: null, rect: null });
    const edit = { kind: 'edit' as const, label: 'x', rect: { x: 0, y: 0, width: 1, height: 1 }, after: new Uint8Array(1) };
    const state = { width: 4, height: 4, version: 3, base: new Uint8Array(5), ops: [edit, edit, { kind: 'undo' as const }] };
    expect(journal.rebase('a', { ...state, version: 2 })).toBe(false);
    expect(journal.rebase('a', { ...state, ops: [{ kind: 'undo' as const }, edit] })).toBe(false);
    expect(journal.rebase('a', state)).toBe(true);
    expect(journal.state('a')).toEqual(state);
    expect(journal.needsCheckpoint('a')).toBe(false);
  });

  it('adopts a saved journal whatever version it held, if it fits the document', () => {
    const journal = new MaskJournal();
    journal.open('a', 4, 4);
    const edit = { kind: 'edit' as const, label: 'x', rect: { x: 0, y: 0, width: 1, height: 1 }, after: new Uint8Array(1) };
    const state = { width: 4, height: 4, version: 9, base: null, ops: [edit, { kind: 'undo' as const }] };
    expect(journal.fits('a', { ...state, width: 5 })).toBe(false);
    expect(journal.adopt('a', { ...state, width: 5 })).toBe(false);
    expect(journal.adopt('a', { ...state, ops: [{ kind: 'undo' as const }, { kind: 'undo' as const }, edit] })).toBe(false);
    expect(journal.adopt('a', { ...state, ops: [edit, { kind: 'undo' as const }, { kind: 'undo' as const }] })).toBe(false);
    expect(journal.state('a')).toMatchObject({ version: 0, ops: [] });
    expect(journal.fits('a', state)).toBe(true);
    expect(journal.adopt('a', state)).toBe(true);
    expect(journal.state('a')).toEqual(state);
    expect(journal.adopt('b', state)).toBe(false);
  });
});
