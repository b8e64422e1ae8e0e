import { describe, expect, it } from 'vitest';
import { findLattice, LATTICE_PASSES, sameLattice, type Lattice } from './lattice';
import { findRepeats, isPeriodicPicture } from './repeats';
import { composite, deadLeaves, logoShape, periodicTexture, tiledAlpha } from './testing';
import type { Vec2 } from './sample';
import { invertMarks } from './invert';
import { psnr } from '../metrics';

/** Distance from u to the nearest non-zero point of the lattice (t1, t2). */
function offLattice(u: Vec2, t1: Vec2, t2: Vec2): number {
  let best = Infinity;
  for (let a = -3; a <= 3; a++) {
    for (let b = -3; b <= 3; b++) {
      if (a !== 0 || b !== 0) best = Math.min(best, Math.hypot(u[0] - a * t1[0] - b * t2[0], u[1] - a * t1[1] - b * t2[1]));
    }
  }
  return best;
}

const lattice = (v1: Vec2, v2: Vec2): Lattice => ({ origin: [0, 0], v1, v2 });

describe('lattice search on small previews and refused lattices', () => {
  it('keeps the full-resolution basis fit on a small preview (refining it drifted by up to 1.75 px over dead leaves)', () => {
    const v1: Vec2 = [37, 3];
    const v2: Vec2 = [-6, 41];
    for (const [seed, opacity] of [[1, 0.15], [1, 0.3], [3, 0.3], [4, 0.3]]) {
      const { image } = composite(deadLeaves(260, 200, seed, 300), tiledAlpha(logoShape(24, 16), v1, v2, opacity), [1, 1, 1]);
      const found = findLattice(image).lattice;
      expect(found, `seed ${seed}, α ${opacity}`).not.toBeNull();
      expect(offLattice(found!.v1, v1, v2), `seed ${seed}, α ${opacity}`).toBeLessThan(0.2);
      expect(offLattice(found!.v2, v1, v2), `seed ${seed}, α ${opacity}`).toBeLessThan(0.2);
    }
  });

  it('searches the later passes when the first lattice found is refused, and accepts and inverts the mark\'s own', () => {
    const v1: Vec2 = [47, 5];
    const v2: Vec2 = [-9, 53];
    const photo = deadLeaves(480, 360, 1, 864);
    const { image, alpha } = composite(photo, tiledAlpha(logoShape(30, 18), v1, v2, 0.2), [1, 1, 1]);
    // The plain pass alone reads a multiple of the lattice here, and its estimate is refused.
    const plain = findRepeats(image, { passes: [LATTICE_PASSES[0]] });
    expect(plain.search.lattice).not.toBeNull();
    expect(plain.accepted).toBe(false);
    const all = findRepeats(image);
    expect(all.reason).toBe('ok');
    expect(sameLattice(lattice(v1, v2), all.search.lattice!)).toBe(true);
    // Rotated, this integer lattice's pixel cell is a strip 2536 px long (its rows share no factor):
    // estimated on it, every instance was cut and nothing was inverted (19.9 dB before and after).
    const mask = { width: 480, height: 360, data: Uint8Array.from(alpha, (a) => (a > 0.05 ? 255 : 0)) };
    expect(psnr(invertMarks(image, [all.field!]).image, photo, mask)).toBeGreaterThan(psnr(image, photo, mask) + 15);
  });

  it('passes over a lattice of every third repeat when a finer one under it scores half as well, and keeps it as the alternative', () => {
    const v1: Vec2 = [47, 5];
    const v2: Vec2 = [-9, 53];
    const truth = lattice(v1, v2);
    const { image } = composite(deadLeaves(480, 360, 1, 864), tiledAlpha(logoShape(30, 18), v1, v2, 0.2), [1, 1, 1]);
    // The plain pass reads (141, 15), three repeats along v1; a later pass finds the mark's own lattice.
    const plain = findLattice(image, { passes: [LATTICE_PASSES[0]] }).lattice!;
    expect(sameLattice(truth, plain)).toBe(false);
    expect(offLattice(plain.v1, v1, v2)).toBeLessThan(1);
    const found = findLattice(image);
    expect(sameLattice(truth, found.lattice!)).toBe(true);
    expect(found.pass).toBeGreaterThan(0);
    // The passed-over lattice is still there for findRepeats, should the finer one be refused.
    const alternative = found.alternative?.();
    expect(alternative?.pass).toBe(0);
    expect(sameLattice(plain, alternative!.lattice!)).toBe(true);
  });

  it('finds a tiled mark over a plaid: the plaid\'s lattice is refused, the mark\'s own (a later pass) accepted and inverted', () => {
    const photo = periodicTexture('plaid', 640, 480);
    const v1: Vec2 = [97, 0];
    const v2: Vec2 = [31, 71];
    const { image, alpha } = composite(photo, tiledAlpha(logoShape(50, 30), v1, v2, 0.35), [1, 1, 1]);
    // The plain pass reads the plaid's lattice (refused: it winds through every repeat).
    expect(sameLattice(lattice(v1, v2), findLattice(image, { passes: [LATTICE_PASSES[0]] }).lattice!)).toBe(false);
    const r = findRepeats(image);
    expect(r.reason).toBe('ok');
    expect(sameLattice(lattice(v1, v2), r.search.lattice!)).toBe(true);
    const mask = { width: 640, height: 480, data: Uint8Array.from(alpha, (a) => (a > 0 ? 255 : 0)) };
    expect(psnr(invertMarks(image, [r.field!]).image, photo, mask)).toBeGreaterThan(psnr(image, photo, mask) + 20);
  });

  it('reports the first refusal when every lattice is refused (a plaid alone stays a periodic picture)', () => {
    const r = findRepeats(periodicTexture('plaid', 640, 480));
    expect(r.accepted).toBe(false);
    expect(isPeriodicPicture(r)).toBe(true);
    expect(r.field).toBeNull();
  });

  it('searches a large picture\'s centre at a finer scale when the working scale loses a thin-stroked mark (searchDetail)', () => {
    // A ring drawn 1.6 px wide: at a working side of 256 (scale 0.27) it fades into the discs' edges.
    const ring = (x: number, y: number) => (x < 0 || y < 0 || x >= 36 || y >= 30 ? 0 : Math.abs(Math.hypot(x - 18, y - 15) - 12) < 0.8 ? 1 : 0);
    const v1: Vec2 = [61, 0];
    const v2: Vec2 = [30, 47];
    const { image } = composite(deadLeaves(960, 640, 1, 1500), tiledAlpha(ring, v1, v2, 0.3), [1, 1, 1]);
    expect(findLattice(image, { workSide: 256, detail: false }).lattice).toBeNull();
    const found = findLattice(image, { workSide: 256 });
    expect(found.reason).toBe('ok');
    expect(sameLattice(lattice(v1, v2), found.lattice!)).toBe(true);
    expect(offLattice(found.lattice!.v1, v1, v2)).toBeLessThan(0.1);
    expect(offLattice(found.lattice!.v2, v1, v2)).toBeLessThan(0.1);
  });

  it('sameLattice: another basis of one lattice is the same; a multiple or a shifted vector is not', () => {
    const a = lattice([47, 5], [-9, 53]);
    expect(sameLattice(a, lattice([38, 58], [-9, 53]))).toBe(true);
    expect(sameLattice(a, lattice([47.8, 5.6], [-9.4, 52.5]))).toBe(true);
    expect(sameLattice(a, lattice([94, 10], [-9, 53]))).toBe(false);
    expect(sameLattice(a, lattice([49, 5], [-9, 53]))).toBe(false);
  });
});
