import { describe, expect, it } from 'vitest';
import { DocCache } from './doc-cache';

function cache(capacity: number) {
  const loads: string[] = [];
  const evictions: string[] = [];
  const c = new DocCache<string>({
    capacity,
    load: async (id) => {
      loads.push(id);
      return `pixels of ${id}`;
    },
    onEvict: (id) => evictions.push(id),
  });
  return { c, loads, evictions };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('DocCache', () => {
  it('keeps at most `capacity` values, evicting the least recently used', async () => {
    const { c, evictions } = cache(2);
    c.set('a', 'A');
    c.set('b', 'B');
    await c.use('a', () => undefined); // a is now more recent than b
    c.set('c', 'C');
    await settle();
    expect(c.size).toBe(2);
    expect(c.has('b')).toBe(false);
    expect(c.has('a') && c.has('c')).toBe(true);
    expect(evictions).toEqual(['b']);
  });

  it('loads an evicted value again on its next use, and only once for concurrent uses', async () => {
    const { c, loads } = cache(1);
    c.set('a', 'A');
    c.set('b', 'B');
    expect(c.has('a')).toBe(false);
    const [x, y] = await Promise.all([c.use('a', (v) => v), c.use('a', (v) => v)]);
    expect(x).toBe('pixels of a');
    expect(y).toBe('pixels of a');
    expect(loads).toEqual(['a']);
  });

  it('never evicts a value in use, even past capacity, and shrinks back when the work is done', async () => {
    const { c, evictions } = cache(1);
    c.set('a', 'A');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const running = c.use('a', async (v) => {
      await gate;
      return v;
    });
    await settle();
    c.set('b', 'B'); // would evict a if a were not in use
    await settle();
    expect(c.has('a')).toBe(true);
    expect(c.has('b')).toBe(false); // b is the least recent one not in use
    expect(evictions).toEqual(['b']);
    release();
    expect(await running).toBe('A');
    expect(c.size).toBe(1);
  });

  it('holds every value of useMany together', async () => {
    const { c } = cache(1);
    const seen = await c.useMany(['a', 'b', 'c'], (vs) => {
      expect(c.size).toBe(3);
      return vs;
    });
    expect(seen).toEqual(['pixels of a', 'pixels of b', 'pixels of c']);
    expect(c.size).toBe(1);
    expect(c.has('c')).toBe(true);
  });

  it('forgets a failed load, so the next use tries again', async () => {
    let fail = true;
    const c = new DocCache<string>({
      capacity: 2,
      load: async (id) => {
        if (fail) throw new Error('decode failed');
        return id;
      },
    });
    await expect(c.use('a', (v) => v)).rejects.toThrow('decode failed');
    expect(c.has('a')).toBe(false);
    fail = false;
    expect(await c.use('a', (v) => v)).toBe('a');
  });
});
