import { unzlibSync, zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { MaskHistory, type PatchCodec } from './history';
import { cloneMask, createMask, fillRect, masksEqual } from './mask';

/** zlib, as the worker packs, counting the inflates. */
function countingCodec(): PatchCodec & { unpacked: number } {
  const codec = {
    unpacked: 0,
    pack: (bytes: Uint8Array) => zlibSync(bytes, { level: 1 }),
    unpack: (packed: Uint8Array, length: number) => {
      codec.unpacked++;
      return unzlibSync(packed, { out: new Uint8Array(length) });
    },
  };
  return codec;
}

describe('MaskHistory.compact', () => {
  it('packs every step, inflates only the steps used, and undo/redo stay exact', () => {
    const h = new MaskHistory();
    const m = createMask(400, 300);
    const states = [cloneMask(m)];
    // Two whole-mask steps (as Detect's proposals are accepted) and a box.
    const next = cloneMask(m);
    fillRect(next, { x: 20, y: 30, width: 300, height: 120 }, 255);
    h.replace(m, next.data, 'Detect');
    states.push(cloneMask(m));
    fillRect(next, { x: 50, y: 200, width: 200, height: 60 }, 255);
    h.replace(m, next.data, 'Detect');
    states.push(cloneMask(m));
    h.begin(m);
    h.willWrite(m, { x: 0, y: 0, width: 10, height: 10 });
    fillRect(m, { x: 0, y: 0, width: 10, height: 10 }, 255);
    h.commit(m, 'Box');
    states.push(cloneMask(m));
    const raw = h.bytes;
    const patches = h.steps().undo.map((s) => [s.before.slice(), s.after.slice()]);

    const codec = countingCodec();
    h.compact(codec);
    expect(h.bytes).toBeLessThan(raw / 20);
    expect(h.size).toBe(3);
    expect(h.peekUndo()).toBe('Box');
    expect(codec.unpacked).toBe(0);

    // One undo inflates the one step it writes.
    expect(h.undo(m)).toEqual({ x: 0, y: 0, width: 10, height: 10 });
    expect(codec.unpacked).toBe(2);
    expect(masksEqual(m, states[2])).toBe(true);
    h.undo(m);
    h.undo(m);
    expect(masksEqual(m, states[0])).toBe(true);
    h.redo(m);
    h.redo(m);
    h.redo(m);
    expect(masksEqual(m, states[3])).toBe(true);
    expect(h.bytes).toBe(raw);

    h.compact(codec);
    expect(h.steps().undo.map((s) => [s.before, s.after])).toEqual(patches);
  });

  it('a compacted history still drops its oldest steps over the byte budget, by packed size', () => {
    const h = new MaskHistory({ maxBytes: 4 * 400 * 300 });
    const m = createMask(400, 300);
    const next = cloneMask(m);
    for (let k = 0; k < 6; k++) {
      fillRect(next, { x: 0, y: 0, width: 400, height: 300 }, k % 2 === 0 ? 255 : 0);
      h.replace(m, next.data, `step ${k}`);
      h.compact(countingCodec());
    }
    // Raw, two whole-mask patches a step: only two steps would fit.
    expect(h.size).toBe(6);
  });
});
