import { describe, expect, it } from 'vitest';
import { zlibSync } from 'fflate';
import { countMasked, createMask, fillRect, stampLine } from '../engine/mask';
import type { Mask } from '../engine/types';
import { cropMask, MaskDocs } from './mask-docs';
import { seg, stroke, whole } from './mask-testing';

const W = 80;
const H = 60;
describe('MaskDocs: strokes', () => {
  it('commits segments as one step with the count, the dirty rect and its bytes', () => {
    const docs = new MaskDocs();
    docs.open('a', W, H);
    const c = stroke(docs, 'a', [seg(10, 10, 30, 10), seg(30, 10, 30, 25)]);
    // The same stamps on a plain mask: the truth to compare with.
    const ref = createMask(W, H);
    stampLine(ref, 10, 10, 30, 10, 3, 255);
    stampLine(ref, 30, 10, 30, 25, 3, 255);
    expect(c.count).toBe(countMasked(ref));
    expect(c.count).toBeGreaterThan(50);
    expect(c.version).toBe(1);
    expect(c.undoLabel).toBe('Brush');
    expect(c.redoLabel).toBeNull();
    expect(c.rect).not.toBeNull();
    expect(c.bytes).toEqual(cropMask(ref, c.rect!));
    expect(whole(docs, 'a')).toEqual(ref.data);
    // Every masked pixel lies inside the dirty rect.
    expect(countMasked({ width: c.bytes!.length, height: 1, data: c.bytes! })).toBe(c.count);
    expect(c.journal?.kind).toBe('edit');
  });

  it('an eraser stroke lowers the count; abort puts the mask back and says where', () => {
    const docs = new MaskDocs();
    docs.open('a', W, H);
    docs.box('a', { x: 0, y: 0, width: 40, height: 40 }, 255, 'Box', false);
    const erased = stroke(docs, 'a', [seg(5, 5, 35, 35, 0)], 'Erase');
    expect(erased.count).toBeLessThan(1600);
    expect(erased.count).toBeGreaterThan(1000);
    const before = whole(docs, 'a');
    docs.strokeBegin('a');
    docs.strokeSegments('a', [seg(50, 50, 70, 50)]);
    const aborted = docs.strokeAbort('a', true);
    expect(aborted.version).toBe(erased.version);
    expect(aborted.journal).toBeUndefined();
    expect(aborted.rect).not.toBeNull();
    expect(aborted.bytes?.every((v) => v === 0)).toBe(true);
    expect(whole(docs, 'a')).toEqual(before);
  });

  it('a stroke with no stamp inside the image makes no step', () => {
    const docs = new MaskDocs();
    docs.open('a', W, H);
    const c = stroke(docs, 'a', [seg(-50, -50, -40, -40)]);
    expect(c.version).toBe(0);
    expect(c.rect).toBeNull();
    expect(c.undoLabel).toBeNull();
  });
});

describe('MaskDocs: strokes over tiles (copy-on-write history)', () => {
  it('a stroke over tile borders in several batches, a box drawn backwards: undo, redo and abort are exact', () => {
    const docs = new MaskDocs();
    docs.open('a', 300, 200);
    const base = createMask(300, 200);
    for (let i = 0; i < base.data.length; i += 3) base.data[i] = i % 7 < 3 ? 255 : 0;
    docs.replace('a', base, 'Detect', false);
    stroke(docs, 'a', [seg(10, 60, 70, 70), seg(70, 70, 130, 140, 255, 9)]);
    docs.strokeBegin('a');
    docs.strokeSegments('a', [seg(130, 140, 10, 60, 0, 5)]);
    docs.strokeSegments('a', [seg(10, 60, 299, 199, 255, 2)]);
    const after = whole(docs, 'a');
    expect(docs.strokeCommit('a', 'Erase', false).undoLabel).toBe('Erase');
    docs.box('a', { x: 100, y: 100, width: -60, height: -50 }, 0, 'Box', false);
    const boxed = whole(docs, 'a');
    docs.strokeBegin('a');
    docs.strokeSegments('a', [seg(0, 0, 299, 199, 255, 20)]);
    docs.strokeSegments('a', [seg(299, 0, 0, 199, 0, 20)]);
    docs.strokeAbort('a', false);
    expect(whole(docs, 'a')).toEqual(boxed);
    docs.undo('a', false);
    expect(whole(docs, 'a')).toEqual(after);
    docs.undo('a', false);
    docs.undo('a', false);
    expect(whole(docs, 'a')).toEqual(base.data);
    docs.redo('a', false);
    docs.redo('a', false);
    docs.redo('a', false);
    expect(whole(docs, 'a')).toEqual(boxed);
    expect(docs.state('a').count).toBe(countMasked({ width: 300, height: 200, data: boxed }));
  });
});

describe('MaskDocs: undo and redo', () => {
  it('walk the steps back and forth with exact masks, counts and labels; refused mid-stroke', () => {
    const docs = new MaskDocs();
    docs.open('a', W, H);
    const states = [whole(docs, 'a')];
    stroke(docs, 'a', [seg(5, 5, 20, 5)]);
    states.push(whole(docs, 'a'));
    docs.box('a', { x: 40, y: 30, width: 10, height: 10 }, 255, 'Box', false);
    states.push(whole(docs, 'a'));

    docs.strokeBegin('a');
    docs.strokeSegments('a', [seg(60, 50, 70, 50)]);
    const refused = docs.undo('a', true);
    expect(refused.rect).toBeNull();
    expect(refused.version).toBe(2);
    docs.strokeAbort('a', false);

    const u1 = docs.undo('a', true);
    expect(u1.rect).toEqual({ x: 40, y: 30, width: 10, height: 10 });
    expect(u1.bytes?.every((v) => v === 0)).toBe(true);
    expect(u1.undoLabel).toBe('Brush');
    expect(u1.redoLabel).toBe('Box');
    expect(u1.count).toBe(countMasked({ width: W, height: H, data: states[1] }));
    expect(whole(docs, 'a')).toEqual(states[1]);
    const u2 = docs.undo('a', false);
    expect(u2.count).toBe(0);
    expect(whole(docs, 'a')).toEqual(states[0]);
    expect(docs.undo('a', false).rect).toBeNull();
    const r1 = docs.redo('a', false);
    expect(r1.count).toBe(countMasked({ width: W, height: H, data: states[1] }));
    expect(docs.redo('a', false).count).toBe(countMasked({ width: W, height: H, data: states[2] }));
    expect(whole(docs, 'a')).toEqual(states[2]);
  });
});

describe('MaskDocs: whole-mask steps', () => {
  it('replace is one undoable step; a same mask makes none', () => {
    const docs = new MaskDocs();
    docs.open('a', W, H);
    stroke(docs, 'a', [seg(5, 5, 20, 5)]);
    const next = createMask(W, H);
    fillRect(next, { x: 10, y: 10, width: 30, height: 20 }, 255);
    const c = docs.replace('a', next, 'Detect', true)!;
    expect(c.count).toBe(600);
    expect(c.undoLabel).toBe('Detect');
    expect(whole(docs, 'a')).toEqual(next.data);
    expect(docs.replace('a', next, 'Detect again', false)!.journal).toBeUndefined();
    docs.undo('a', false);
    expect(docs.state('a').undoLabel).toBe('Brush');
  });

  it('refuses a replace while a stroke is open, and a mask of another size', () => {
    const docs = new MaskDocs();
    docs.open('a', W, H);
    docs.strokeBegin('a');
    expect(docs.replace('a', createMask(W, H), 'x', false)).toBeNull();
    expect(docs.op('a', { op: 'fill' }, 'Fill', false)).toBeNull();
    docs.strokeAbort('a', false);
    expect(() => docs.replace('a', createMask(W + 1, H), 'x', false)).toThrow(/cannot replace/);
    expect(docs.op('a', { op: 'fill' }, 'Fill', false)!.count).toBe(W * H);
  });

  it('a proposal is refused when the mask changed since it was read, and accepted otherwise', () => {
    const docs = new MaskDocs();
    docs.open('a', W, H);
    const { mask, version } = docs.snapshot('a');
    fillRect(mask, { x: 0, y: 0, width: 10, height: 10 }, 255);
    const p = docs.propose('a', mask, version, 100);
    expect(p.added).toBe(100);
    // A stroke lands while the job runs: the late answer must not erase it.
    stroke(docs, 'a', [seg(50, 50, 60, 50)]);
    const painted = whole(docs, 'a');
    expect(docs.accept('a', p.token, 'Find all like this', { ifUnchanged: true, bytes: false })).toBeNull();
    expect(whole(docs, 'a')).toEqual(painted);
    expect(docs.state('a').undoLabel).toBe('Brush');

    const again = docs.snapshot('a');
    fillRect(again.mask, { x: 0, y: 0, width: 10, height: 10 }, 255);
    const q = docs.propose('a', again.mask, again.version, 100);
    const c = docs.accept('a', q.token, 'Find all like this', { ifUnchanged: true, bytes: false })!;
    expect(c.undoLabel).toBe('Find all like this');
    // Accepted once only.
    expect(docs.accept('a', q.token, 'x', { ifUnchanged: false, bytes: false })).toBeNull();
    // A dropped proposal is gone.
    const r = docs.propose('a', again.mask, c.version, 0);
    docs.drop('a', r.token);
    expect(docs.accept('a', r.token, 'x', { ifUnchanged: false, bytes: false })).toBeNull();
  });

  it('copies a mask to other documents, scaled to their size', () => {
    const docs = new MaskDocs();
    docs.open('src', 40, 30);
    docs.open('same', 40, 30);
    docs.open('big', 80, 60);
    docs.box('src', { x: 0, y: 0, width: 20, height: 15 }, 255, 'Box', false);
    const [same, big] = docs.copyTo('src', [
      { docId: 'same', label: 'Mask from src', bytes: false },
      { docId: 'big', label: 'Mask from src', bytes: true },
    ]);
    expect(same!.count).toBe(300);
    expect(big!.count).toBe(1200);
    expect(big!.undoLabel).toBe('Mask from src');
  });
});

describe('MaskDocs: saved masks and restarts', () => {
  it('loads a saved mask as the starting state, with no undo before it', () => {
    const docs = new MaskDocs();
    docs.open('a', W, H);
    stroke(docs, 'a', [seg(5, 5, 20, 5)]);
    const saved = createMask(W, H);
    fillRect(saved, { x: 1, y: 1, width: 5, height: 5 }, 255);
    const c = docs.load('a', zlibSync(saved.data), true)!;
    expect(c.count).toBe(25);
    expect(c.undoLabel).toBeNull();
    expect(c.journal?.kind).toBe('reset');
    expect(() => docs.load('a', zlibSync(new Uint8Array(10)), false)).toThrow(/bytes for/);
    expect(docs.packed('a').zlib.length).toBeGreaterThan(0);
  });

  it('keeps at most keepLive masks as bytes and brings a packed one back exactly', () => {
    const docs = new MaskDocs(2);
    const masks: Record<string, Mask> = {};
    for (const id of ['a', 'b', 'c']) {
      docs.open(id, W, H);
      docs.box(id, { x: id.charCodeAt(0) - 90, y: 3, width: 9, height: 7 }, 255, 'Box', false);
      masks[id] = { width: W, height: H, data: whole(docs, id) };
    }
    expect(docs.stats()).toMatchObject({ masks: 3, live: 2, liveMaskBytes: 2 * W * H });
    expect(whole(docs, 'a')).toEqual(masks.a.data);
    expect(docs.undo('a', false).count).toBe(0);
  });

  it('a mask packed out of the live set packs its history too; undo and redo stay exact', () => {
    const docs = new MaskDocs(1);
    docs.open('a', 300, 200);
    const big = createMask(300, 200);
    fillRect(big, { x: 10, y: 10, width: 250, height: 150 }, 255);
    docs.replace('a', big, 'Detect', false);
    const raw = docs.stats().historyBytes;
    expect(raw).toBe(2 * 250 * 150);
    docs.open('b', 300, 200);
    docs.box('b', { x: 1, y: 1, width: 2, height: 2 }, 255, 'Box', false);
    expect(docs.stats().historyBytes).toBeLessThan(raw / 20);
    expect(docs.undo('a', false).count).toBe(0);
    expect(docs.redo('a', false).count).toBe(250 * 150);
    expect(whole(docs, 'a')).toEqual(big.data);
  });

  it('answers E_DOC_MISSING for a mask it does not hold (the client then restores it)', () => {
    expect(() => new MaskDocs().undo('nope', false)).toThrow(expect.objectContaining({ code: 'E_DOC_MISSING' }));
  });

  it('restore with bytes answers the whole mask (a reloaded image on screen); without, no rect', () => {
    const docs = new MaskDocs();
    docs.open('a', 30, 20);
    docs.box('a', { x: 3, y: 2, width: 5, height: 4 }, 255, 'Box', false);
    const state = docs.checkpoint('a')!;
    const fresh = new MaskDocs();
    const drawn = fresh.restore('a', state, true);
    expect(drawn.rect).toEqual({ x: 0, y: 0, width: 30, height: 20 });
    expect(drawn.bytes).toEqual(whole(docs, 'a'));
    expect(drawn).toMatchObject({ count: 20, undoLabel: 'Box', version: state.version });
    const quiet = fresh.restore('a', state);
    expect(quiet.rect).toBeNull();
    expect(quiet.bytes).toBeUndefined();
  });

  it('a checkpoint is the oldest reachable mask and every step held: restored, it undoes and redoes as the original', () => {
    const docs = new MaskDocs();
    docs.open('a', 30, 20);
    // More steps than the history keeps (200): the oldest fall off.
    docs.box('a', { x: 3, y: 2, width: 5, height: 4 }, 255, 'Box', false);
    for (let k = 0; k < 205; k++) docs.op('a', k % 2 ? { op: 'invert' } : { op: 'dilate', px: 1 }, `Step ${k}`, false);
    docs.undo('a', false);
    docs.undo('a', false);
    const state = docs.checkpoint('a')!;
    expect(state.ops.filter((o) => o.kind === 'edit')).toHaveLength(200);
    expect(state.ops.slice(-2)).toEqual([{ kind: 'undo' }, { kind: 'undo' }]);
    const fresh = new MaskDocs();
    fresh.restore('a', state);
    expect(fresh.state('a')).toEqual(docs.state('a'));
    const moves: ('undo' | 'redo')[] = ['redo', 'redo', 'redo', ...Array<'undo'>(201).fill('undo'), 'redo'];
    for (const move of moves) {
      const a = docs[move]('a', false);
      const b = fresh[move]('a', false);
      expect(b.count).toBe(a.count);
      expect(b.undoLabel).toBe(a.undoLabel);
    }
    expect(whole(fresh, 'a')).toEqual(whole(docs, 'a'));
    docs.strokeBegin('a');
    expect(docs.checkpoint('a')).toBeNull();
  });
});
