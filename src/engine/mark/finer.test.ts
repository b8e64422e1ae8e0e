import { describe, expect, it } from 'vitest';
import { latticeField } from './field';
import { finerLattice } from './finer';
import { sameLattice, type Lattice } from './lattice';
import { composite, coverage, deadLeaves, logoShape, tiledAlpha } from './testing';
import type { Vec2 } from './sample';

const lattice = (v1: Vec2, v2: Vec2): Lattice => ({ origin: [0, 0], v1, v2 });
const shape = logoShape(70, 40);
const opacity = 0.35;
// The estimate an accepted lattice of every third row would give: one mark per cell of (120, 0), (0, 270).
const coarse = lattice([120, 0], [0, 270]);
const cell = { width: 120, height: 270, colour: [1, 1, 1] as [number, number, number], alphaHw: new Float32Array(120 * 270) };
for (let y = 0; y < 270; y++) for (let x = 0; x < 120; x++) cell.alphaHw[y * 120 + x] = opacity * coverage(shape, x, y);

describe('finerLattice', () => {
  it('finds the mark between the repeats of a lattice of every third row', () => {
    const photo = deadLeaves(600, 540, 4, 1200);
    const { image } = composite(photo, tiledAlpha(shape, [120, 0], [0, 90], opacity), [1, 1, 1]);
    const finer = finerLattice(image, coarse, latticeField(coarse, cell, image));
    expect(finer).not.toBeNull();
    expect(sameLattice(lattice([120, 0], [0, 90]), finer!)).toBe(true);
  });

  it('keeps a lattice whose repeats hold every mark there is', () => {
    const photo = deadLeaves(600, 540, 4, 1200);
    const { image } = composite(photo, tiledAlpha(shape, [120, 0], [0, 270], opacity), [1, 1, 1]);
    expect(finerLattice(image, coarse, latticeField(coarse, cell, image))).toBeNull();
  });
});
