import { describe, expect, it } from 'vitest';
import { latticeField, pixelLatticeField, type MarkField } from './field';

/** A cell with a different α at every grid point, so a wrong index shows. */
function cell(w: number, h: number) {
  const alphaHw = Float32Array.from({ length: w * h }, (_, i) => ((i * 37) % 101) / 101);
  return { alphaHw, width: w, height: h, colour: [1, 1, 1] as [number, number, number] };
}

function expectRowsMatch(field: MarkField, width: number, height: number): void {
  expect(field.alphaRow).toBeDefined();
  const row = new Float32Array(width);
  for (const [y, x0, x1] of [[0, 0, width], [17, 3, width - 5], [height - 1, 0, width], [63, 40, 41]]) {
    field.alphaRow!(y, x0, x1, row);
    for (let x = x0; x < x1; x++) expect(row[x - x0]).toBeCloseTo(field.alphaAt(x, y), 6);
  }
}

describe('mark fields', () => {
  it('give α a row at a time exactly as pixel by pixel (the inversion reads rows)', () => {
    const size = { width: 300, height: 200 };
    // An integer lattice with a twist, read pixel-exactly.
    expectRowsMatch(pixelLatticeField({ a: 37, b: 11, c: 23 }, cell(37, 23), size), size.width, size.height);
    // A resized lattice, read bilinearly on a resampled cell.
    expectRowsMatch(latticeField({ origin: [3.4, -1.2], v1: [41.3, 2.7], v2: [-9.6, 28.9] }, cell(64, 48), size), size.width, size.height);
  });
});
