import { describe, expect, it } from 'vitest';
import { keepNearBody, neighbours } from './support';

describe('keepNearBody', () => {
  it('keeps a mark and its anti-aliased edge, and zeroes faint α joined to it by a thread', () => {
    const w = 60;
    const h = 30;
    const alpha = new Float32Array(w * h);
    // The body: a 10×10 block at α 0.6 with a 1-px edge at 0.3.
    for (let y = 9; y <= 20; y++) for (let x = 9; x <= 20; x++) alpha[y * w + x] = x === 9 || x === 20 || y === 9 || y === 20 ? 0.3 : 0.6;
    // A thread at 0.05 from the body to a faint blob at 0.1 (what the pictures leave in a median).
    for (let x = 21; x < 40; x++) alpha[15 * w + x] = 0.05;
    for (let y = 10; y <= 20; y++) for (let x = 40; x <= 55; x++) alpha[y * w + x] = 0.1;
    const before = alpha.slice();
    const zeroed = keepNearBody(alpha, neighbours(w, h, { kind: 'clamp' }), 0.3, 3);
    for (let y = 9; y <= 20; y++) for (let x = 9; x <= 20; x++) expect(alpha[y * w + x]).toBe(before[y * w + x]);
    // Within 3 px of the body the thread stays; beyond, it and the blob are gone.
    expect(alpha[15 * w + 23]).toBe(before[15 * w + 23]);
    expect(alpha[15 * w + 30]).toBe(0);
    for (let y = 10; y <= 20; y++) for (let x = 40; x <= 55; x++) expect(alpha[y * w + x]).toBe(0);
    expect(zeroed).toBe(40 - 24 + 11 * 16);
  });
});
