import { describe, expect, it } from 'vitest';
import { MaskHistory } from './history';
import { applyMaskOp, cloneMask, createMask, fillRect, masksEqual, stampLine } from './mask';
import type { Mask } from './types';

function stroke(h: MaskHistory, m: Mask, x0: number, y0: number, x1: number, y1: number, label = 'brush'): boolean {
  h.begin(m);
  stampLine(m, x0, y0, x1, y1, 3, 255);
  return h.commit(m, label);
}

describe('MaskHistory', () => {
  it('undoes and redoes gestures in order, restoring exact masks', () => {
    const h = new MaskHistory();
    const m = createMask(64, 48);
    const states = [cloneMask(m)];
    expect(stroke(h, m, 5, 5, 20, 10)).toBe(true);
    states.push(cloneMask(m));
    h.begin(m);
    fillRect(m, { x: 30, y: 30, width: 10, height: 5 }, 255);
    expect(h.commit(m, 'box', { x: 30, y: 30, width: 10, height: 5 })).toBe(true);
    states.push(cloneMask(m));
    h.begin(m);
    const inv = applyMaskOp(m, { op: 'invert' });
    m.data.set(inv.data);
    h.commit(m, 'invert');
    states.push(cloneMask(m));

    expect(h.size).toBe(3);
    expect(h.peekUndo()).toBe('invert');
    expect(h.undo(m)).toEqual({ x: 0, y: 0, width: 64, height: 48 });
    expect(masksEqual(m, states[2])).toBe(true);
    expect(h.peekRedo()).toBe('invert');
    expect(h.undo(m)).toEqual({ x: 30, y: 30, width: 10, height: 5 });
    expect(masksEqual(m, states[1])).toBe(true);
    h.undo(m);
    expect(masksEqual(m, states[0])).toBe(true);
    expect(h.canUndo).toBe(false);
    expect(h.undo(m)).toBeNull();
    h.redo(m);
    h.redo(m);
    h.redo(m);
    expect(masksEqual(m, states[3])).toBe(true);
    expect(h.redo(m)).toBeNull();
  });

  it('stores only the changed bounding box', () => {
    const h = new MaskHistory();
    const m = createMask(1000, 1000);
    h.begin(m);
    fillRect(m, { x: 100, y: 200, width: 7, height: 3 }, 255);
    m.data[500 * 1000 + 103] = 9;
    h.commit(m, 'dabs');
    // bbox 7 × 301, before + after.
    expect(h.bytes).toBe(7 * 301 * 2);
    expect(h.undo(m)).toEqual({ x: 100, y: 200, width: 7, height: 301 });
  });

  it('pushes nothing when a gesture changes nothing', () => {
    const h = new MaskHistory();
    const m = createMask(10, 10);
    h.begin(m);
    stampLine(m, 5, 5, 5, 5, 2, 0); // erasing an empty mask
    expect(h.commit(m, 'erase')).toBe(false);
    expect(h.size).toBe(0);
    expect(h.inGesture).toBe(false);
  });

  it('refuses undo and redo mid-gesture and rejects a nested begin', () => {
    const h = new MaskHistory();
    const m = createMask(20, 20);
    stroke(h, m, 2, 2, 8, 8);
    h.undo(m);
    h.begin(m);
    expect(h.inGesture).toBe(true);
    expect(h.undo(m)).toBeNull();
    expect(h.redo(m)).toBeNull();
    expect(h.canUndo).toBe(false);
    expect(() => h.begin(m)).toThrow();
    h.abort(m);
    expect(h.canRedo).toBe(true);
  });

  it('abort restores the snapshot and keeps redo', () => {
    const h = new MaskHistory();
    const m = createMask(20, 20);
    stroke(h, m, 2, 2, 8, 8);
    h.undo(m);
    const before = cloneMask(m);
    h.begin(m);
    stampLine(m, 0, 0, 19, 19, 4, 255);
    h.abort(m);
    expect(masksEqual(m, before)).toBe(true);
    expect(h.canRedo).toBe(true);
    expect(h.inGesture).toBe(false);
  });

  it('only a commit that changes something clears redo', () => {
    const h = new MaskHistory();
    const m = createMask(20, 20);
    stroke(h, m, 2, 2, 8, 8, 'a');
    stroke(h, m, 12, 12, 18, 18, 'b');
    h.undo(m);
    h.begin(m);
    expect(h.commit(m, 'nothing')).toBe(false);
    expect(h.peekRedo()).toBe('b');
    stroke(h, m, 0, 19, 19, 0, 'c');
    expect(h.canRedo).toBe(false);
    expect(h.peekUndo()).toBe('c');
    expect(h.size).toBe(2);
  });

  it('drops the oldest entries over the entry and byte budgets', () => {
    const h = new MaskHistory({ maxEntries: 3 });
    const m = createMask(50, 50);
    for (let i = 0; i < 5; i++) stroke(h, m, i * 10 + 2, 2, i * 10 + 2, 2, `s${i}`);
    expect(h.size).toBe(3);
    h.undo(m);
    h.undo(m);
    h.undo(m);
    expect(h.undo(m)).toBeNull();
    expect(h.peekRedo()).toBe('s2');
    // The two oldest strokes survive: their patches were dropped.
    expect(m.data[2 * 50 + 2]).toBe(255);
    expect(m.data[2 * 50 + 12]).toBe(255);
    expect(m.data[2 * 50 + 22]).toBe(0);

    const small = new MaskHistory({ maxBytes: 300 });
    const m2 = createMask(100, 100);
    for (let i = 0; i < 4; i++) {
      small.begin(m2);
      fillRect(m2, { x: i * 20, y: 0, width: 10, height: 10 }, 255); // 200 bytes per entry
      small.commit(m2, `f${i}`);
    }
    expect(small.size).toBe(1);
    expect(small.bytes).toBe(200);
    // An entry larger than the whole budget is still kept: the last action stays undoable.
    small.begin(m2);
    fillRect(m2, { x: 0, y: 50, width: 50, height: 50 }, 255);
    small.commit(m2, 'big');
    expect(small.size).toBe(1);
    expect(small.peekUndo()).toBe('big');
  });

  it('rejects a mask of another size and clear() forgets everything', () => {
    const h = new MaskHistory();
    const m = createMask(10, 10);
    stroke(h, m, 5, 5, 5, 5);
    expect(() => h.undo(createMask(5, 5))).toThrow();
    expect(h.canUndo).toBe(true);
    h.clear();
    expect(h.size).toBe(0);
    expect(h.bytes).toBe(0);
    expect(h.canUndo).toBe(false);
    expect(() => h.commit(m, 'x')).toThrow();
  });
});
