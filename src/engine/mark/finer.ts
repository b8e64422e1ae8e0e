/**
 * Is an accepted lattice every second or third repeat of the mark's own? The lattice search can
 * read a multiple of the mark's lattice (a faint mark's own peaks under a busy picture), and the
 * estimate on it is then one good mark per cell with the repeats between them left out: their
 * instances are never inverted. Each lattice that holds this one with index 2 or 3 adds one
 * shift s (v1/k, or (j·v1 + v2)/k); the accepted mark, moved by s, is fitted to the picture
 * (presence.ts shiftedPresence, one background for all the places). Where it fits about as well
 * as at its own places, findRepeats estimates again on the finer lattice.
 */
import type { RgbaImage } from '../types';
import type { MarkField } from './field';
import type { Lattice } from './lattice';
import { reduceBasis } from './lattice-basis';
import { shiftedPresence, type Presence } from './presence';
import type { Vec2 } from './sample';

/** The central crop the fits read (shiftedPresence), at every STEP-th pixel: a few repeats of the lattices the search finds, a fraction of a 12 MP picture. */
const SIDE = 768;
const STEP = 2;
/** Shortest vector a finer lattice may have, in image pixels (the lattice search's minPeriodPx). */
const MIN_PERIOD = 24;
/** A finer lattice is taken when the mark, moved, fits at least these shares of its own gain and explained energy. */
const FINER_FIT = { gain: 0.6, explained: 0.5 };

interface FinerCandidate {
  lattice: Lattice;
  presence: Presence;
}

/** The lattices holding `lattice` with index 2 or 3 whose extra points carry the mark, with how well it fits there. */
function finerCandidates(image: RgbaImage, lattice: Lattice, field: MarkField): { own: Presence; found: FinerCandidate[] } {
  const { v1, v2, origin } = lattice;
  const shifts: Vec2[] = [];
  const lattices: Lattice[] = [];
  for (const k of [2, 3]) {
    const along: Vec2 = [v1[0] / k, v1[1] / k];
    const candidates: [Vec2, [Vec2, Vec2]][] = [[along, reduceBasis(along, v2)]];
    for (let j = 0; j < k; j++) {
      const s: Vec2 = [(j * v1[0] + v2[0]) / k, (j * v1[1] + v2[1]) / k];
      candidates.push([s, reduceBasis(v1, s)]);
    }
    for (const [s, basis] of candidates) {
      if (Math.min(Math.hypot(...basis[0]), Math.hypot(...basis[1])) < MIN_PERIOD) continue;
      // Moved by whole pixels: an integer lattice's field is read at integer pixels only.
      shifts.push([Math.round(s[0]), Math.round(s[1])]);
      lattices.push({ origin, v1: basis[0], v2: basis[1] });
    }
  }
  const [own, ...moved] = shiftedPresence(image, field, shifts, SIDE, STEP);
  return { own, found: moved.map((presence, i) => ({ lattice: lattices[i], presence })) };
}

/** The finer lattice whose extra points carry the mark best, if the mark fits there about as well as at its own places. */
export function finerLattice(image: RgbaImage, lattice: Lattice, field: MarkField): Lattice | null {
  const { own, found } = finerCandidates(image, lattice, field);
  const fits = found.filter((f) => f.presence.gain >= FINER_FIT.gain * own.gain && f.presence.explained >= FINER_FIT.explained * own.explained);
  if (own.gain <= 0 || fits.length === 0) return null;
  return fits.reduce((a, b) => (b.presence.gain * b.presence.explained > a.presence.gain * a.presence.explained ? b : a)).lattice;
}
