import { describe, expect, it } from 'vitest';
import type { KnownMark } from '../engine/mark/remove';
import { marksFor, placeDetectedMarks, releaseMarks } from './marks';

const bar = (opacity: number): KnownMark => ({
  method: 'one-colour',
  field: { colour: [1, 1, 1], bounds: { x: 0, y: 90, width: 100, height: 10 }, alphaAt: (_x, y) => (y >= 90 ? opacity : 0) },
});

describe('marks a detection found (footer bars)', () => {
  let n = 0;
  const deps = { newId: (prefix: string) => `${prefix}-${++n}` };

  it('are inverted by the next removal, and the next detection replaces them', () => {
    placeDetectedMarks(deps, 'doc-a', [bar(0.7)]);
    const first = marksFor('doc-a');
    expect(first.aware).toBe(true);
    expect(first.known.map((m) => m.method)).toEqual(['one-colour']);
    expect(first.known[0].field.alphaAt(5, 95)).toBe(0.7);

    placeDetectedMarks(deps, 'doc-a', [bar(0.8)]);
    const second = marksFor('doc-a');
    expect(second.known).toHaveLength(1);
    expect(second.known[0].field.alphaAt(5, 95)).toBe(0.8);

    // A detection that finds no bar leaves nothing behind: removal is the plain fill again.
    placeDetectedMarks(deps, 'doc-a', []);
    expect(marksFor('doc-a')).toEqual({ aware: false, known: [] });
  });

  it('are kept per document and let go with it', () => {
    placeDetectedMarks(deps, 'doc-b', [bar(0.6)]);
    expect(marksFor('doc-c').aware).toBe(false);
    releaseMarks('doc-b');
    expect(marksFor('doc-b').aware).toBe(false);
  });
});
