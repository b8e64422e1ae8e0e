import { describe, expect, it } from 'vitest';
import { MaskHistory } from './history';
import { seededRandom } from './random';
import { cloneMask, createMask, fillRect, masksEqual, stampLine, stampLineRects } from './mask';
import { applyMaskOp } from './mask-morphology';
import type { Mask, Rect } from './types';

/** A stamp as mask-docs does it: announce the rects, then write. */
function stamp(h: MaskHistory, m: Mask, x0: number, y0: number, x1: number, y1: number, radius = 3, value = 255): void {
  for (const r of stampLineRects(x0, y0, x1, y1, radius)) h.willWrite(m, r);
  stampLine(m, x0, y0, x1, y1, radius, value);
}

function box(h: MaskHistory, m: Mask, r: Rect, value = 255): void {
  h.willWrite(m, r);
  fillRect(m, r, value);
}

function stroke(h: MaskHistory, m: Mask, x0: number, y0: number, x1: number, y1: number, label = 'brush'): boolean {
  h.begin(m);
  stamp(h, m, x0, y0, x1, y1);
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
    box(h, m, { x: 30, y: 30, width: 10, height: 5 });
    expect(h.commit(m, 'box')).toBe(true);
    states.push(cloneMask(m));
    h.begin(m);
    h.willWrite(m, { x: 0, y: 0, width: 64, height: 48 });
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
    box(h, m, { x: 100, y: 200, width: 7, height: 3 });
    h.willWrite(m, { x: 103, y: 500, width: 1, height: 1 });
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
    stamp(h, m, 5, 5, 5, 5, 2, 0); // erasing an empty mask
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
    stamp(h, m, 0, 0, 19, 19, 4);
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
      box(small, m2, { x: i * 20, y: 0, width: 10, height: 10 }); // 200 bytes per entry
      small.commit(m2, `f${i}`);
    }
    expect(small.size).toBe(1);
    expect(small.bytes).toBe(200);
    // An entry larger than the whole budget is still kept: the last action stays undoable.
    small.begin(m2);
    box(small, m2, { x: 0, y: 50, width: 50, height: 50 });
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

/** A mask with something on it everywhere, so "before" bytes are not just zeros. */
function speckled(width: number, height: number, seed: number): Mask {
  const m = createMask(width, height);
  const rand = seededRandom(seed);
  for (let i = 0; i < m.data.length; i += 1 + Math.floor(rand() * 7)) m.data[i] = rand() < 0.5 ? 255 : 0;
  return m;
}

/** Bounding box of the pixels where a and b differ. */
function diffRect(a: Mask, b: Mask): Rect | null {
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let i = 0; i < a.data.length; i++) {
    if (a.data[i] === b.data[i]) continue;
    const x = i % a.width;
    const y = Math.floor(i / a.width);
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/**
 * Commits the open gesture as 'brush' and checks the step: its rect is where the
 * mask changed since `start`, undo gives `start` back and redo the mask as
 * committed, which it returns. `afterCommit` runs right after the commit.
 */
function commitUndoRedo(h: MaskHistory, m: Mask, start: Mask, afterCommit?: () => void): Mask {
  const after = cloneMask(m);
  expect(h.commit(m, 'brush')).toBe(true);
  afterCommit?.();
  expect(h.peekUndoStep()?.rect).toEqual(diffRect(start, after));
  h.undo(m);
  expect(masksEqual(m, start)).toBe(true);
  h.redo(m);
  expect(masksEqual(m, after)).toBe(true);
  return after;
}

describe('MaskHistory: copy-on-write tiles', () => {
  it('a small stroke on 12 MP holds a few tiles, not the mask; undo, redo and abort are exact', () => {
    const h = new MaskHistory();
    const m = speckled(4000, 3000, 1);
    const start = cloneMask(m);
    h.begin(m);
    expect(h.openBytes()).toBe(0);
    stamp(h, m, 2000, 1500, 2040, 1530, 8);
    stamp(h, m, 2040, 1530, 2100, 1525, 8);
    // A 12 MB snapshot before; now a handful of 4 KB tiles.
    expect(h.openBytes()).toBeGreaterThan(0);
    expect(h.openBytes()).toBeLessThan(64 * 1024);
    const after = commitUndoRedo(h, m, start, () => expect(h.openBytes()).toBe(0));

    h.begin(m);
    stamp(h, m, 10, 10, 3990, 2990, 5, 0); // corner to corner, erasing
    expect(h.openBytes()).toBeLessThan(2 * 1024 * 1024);
    h.abort(m);
    expect(masksEqual(m, after)).toBe(true);
    expect(h.openBytes()).toBe(0);
    expect(h.peekUndo()).toBe('brush');
  });

  it('a stroke across tile borders and into the ragged edge tiles', () => {
    const h = new MaskHistory();
    const m = speckled(203, 157, 2); // edge tiles 11 × 29 px
    const start = cloneMask(m);
    h.begin(m);
    stamp(h, m, 5, 60, 120, 70, 4); // across x = 64, y = 64
    stamp(h, m, 120, 70, 202, 156, 6); // into the bottom-right tile, over the edge
    // Tiles (0,0) (1,0) (0,1) (1,1) (2,1) (2,2) (3,2): at most 8 of the 12.
    expect(h.openBytes()).toBeLessThan(203 * 157);
    const after = commitUndoRedo(h, m, start);
    h.begin(m);
    stamp(h, m, 0, 156, 202, 0, 10, 0);
    box(h, m, { x: 190, y: 150, width: 40, height: 40 }, 255);
    h.abort(m);
    expect(masksEqual(m, after)).toBe(true);
  });

  it('a gesture that writes the same tile twice keeps its first "before"', () => {
    const h = new MaskHistory();
    const m = speckled(300, 200, 3);
    const start = cloneMask(m);
    h.begin(m);
    stamp(h, m, 10, 10, 40, 10, 4); // tile (0,0)
    expect(h.openBytes()).toBe(64 * 64);
    stamp(h, m, 20, 5, 20, 30, 4, 0); // the same tile, erasing over the first stamp
    box(h, m, { x: 30, y: 30, width: 10, height: 10 });
    expect(h.openBytes()).toBe(64 * 64);
    const after = cloneMask(m);
    h.commit(m, 'brush');
    h.undo(m);
    expect(masksEqual(m, start)).toBe(true);
    h.redo(m);
    expect(masksEqual(m, after)).toBe(true);
    h.begin(m);
    stamp(h, m, 10, 10, 40, 10, 4, 0);
    stamp(h, m, 10, 10, 40, 10, 4, 255);
    h.abort(m);
    expect(masksEqual(m, after)).toBe(true);
  });

  it('random gestures undo and redo back to every state', () => {
    const rand = seededRandom(7);
    const h = new MaskHistory();
    const m = speckled(257, 191, 4);
    const states = [cloneMask(m)];
    for (let k = 0; k < 40; k++) {
      h.begin(m);
      for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) {
        const [x, y] = [rand() * 300 - 20, rand() * 230 - 20];
        if (rand() < 0.7) stamp(h, m, x, y, x + rand() * 160 - 80, y + rand() * 160 - 80, 1 + rand() * 12, rand() < 0.5 ? 0 : 255);
        else box(h, m, { x, y, width: rand() * 90 - 20, height: rand() * 90 - 20 }, rand() < 0.5 ? 0 : 255);
      }
      if (rand() < 0.2) {
        h.abort(m);
        expect(masksEqual(m, states.at(-1)!)).toBe(true);
      } else if (h.commit(m, `g${k}`)) states.push(cloneMask(m));
      else expect(masksEqual(m, states.at(-1)!)).toBe(true);
    }
    expect(states.length).toBeGreaterThan(20);
    for (let i = states.length - 2; i >= 0; i--) {
      h.undo(m);
      expect(masksEqual(m, states[i])).toBe(true);
    }
    for (let i = 1; i < states.length; i++) {
      h.redo(m);
      expect(masksEqual(m, states[i])).toBe(true);
    }
  });

  it('replace: a whole-mask step without a gesture keeps only the changed bbox', () => {
    const h = new MaskHistory();
    const m = speckled(500, 400, 5);
    const start = cloneMask(m);
    const next = cloneMask(m);
    fillRect(next, { x: 70, y: 90, width: 30, height: 200 }, 255);
    next.data[395 * 500 + 3] ^= 255;
    expect(h.replace(m, next.data, 'detect')).toBe(true);
    expect(masksEqual(m, next)).toBe(true);
    expect(h.peekUndoStep()?.rect).toEqual(diffRect(start, next));
    expect(h.bytes).toBe(2 * 97 * 306);
    expect(h.replace(m, next.data, 'again')).toBe(false);
    h.undo(m);
    expect(masksEqual(m, start)).toBe(true);
    h.begin(m);
    expect(() => h.replace(m, next.data, 'mid-gesture')).toThrow();
    h.abort(m);
    expect(() => h.replace(m, new Uint8Array(10), 'small')).toThrow();
    h.redo(m);
    expect(masksEqual(m, next)).toBe(true);
  });

  it('refuses writes without a gesture and on a mask of another size', () => {
    const h = new MaskHistory();
    const m = createMask(100, 100);
    expect(() => h.willWrite(m, { x: 0, y: 0, width: 10, height: 10 })).toThrow();
    h.begin(m);
    expect(() => h.willWrite(createMask(50, 50), { x: 0, y: 0, width: 10, height: 10 })).toThrow();
    h.willWrite(m, { x: -500, y: -500, width: 10, height: 10 }); // off the mask: nothing to keep
    expect(h.openBytes()).toBe(0);
  });
});

