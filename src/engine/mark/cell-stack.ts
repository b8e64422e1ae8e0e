/**
 * The instance stacks of a lattice (estimate.ts InstanceStack): a resampled grid
 * along the lattice vectors for a resized preview, the pixel-exact cell of an
 * integer lattice (its Hermite normal form), and that cell's support.
 */
import type { RgbaImage } from '../types';
import type { InstanceStack } from './estimate';
import { nextPow2 } from './fft';
import type { Lattice } from './lattice';
import { sampleRgb, UNIT, type Vec2 } from './sample';
import { growMask, neighbours, poissonSupport } from './support';

const MAX_INSTANCES = 48;
const MAX_GRID = 1024;
/** The grid on which the pixel-exact cell's support is found: support needs no fine detail. */
const SUPPORT_GRID = 512;
/** Grid points per pixel along each lattice vector, for lattices that are not integer (resized previews). */
export const OVERSAMPLE = 2;
/** Grid points of one resampled cell at most (a power of two). */
const GRID_BUDGET = 1 << 18;
/** Instances × cell pixels read by one estimate: bounds time and memory on 12 MP images. */
const PIXEL_BUDGET = 8_000_000;

export function latticeStack(image: RgbaImage, lattice: Lattice, oversample = OVERSAMPLE, withCut = false): InstanceStack & { bases: [number, number][] } {
  const [ax, ay] = lattice.v1;
  const [bx, by] = lattice.v2;
  const det = ax * by - ay * bx;
  const [ox, oy] = lattice.origin;
  const toLattice = (x: number, y: number): [number, number] => [(by * (x - ox) - bx * (y - oy)) / det, (-ay * (x - ox) + ax * (y - oy)) / det];
  const corners = [toLattice(0, 0), toLattice(image.width - 1, 0), toLattice(0, image.height - 1), toLattice(image.width - 1, image.height - 1)];
  const iMin = Math.floor(Math.min(...corners.map((c) => c[0]))) - 1;
  const iMax = Math.ceil(Math.max(...corners.map((c) => c[0]))) + 1;
  const jMin = Math.floor(Math.min(...corners.map((c) => c[1]))) - 1;
  const jMax = Math.ceil(Math.max(...corners.map((c) => c[1]))) + 1;
  const inside = (x: number, y: number) => x >= 0 && y >= 0 && x <= image.width - 1 && y <= image.height - 1;
  let bases: [number, number][] = [];
  const cut: [number, number][] = [];
  for (let j = jMin; j <= jMax; j++) {
    for (let i = iMin; i <= iMax; i++) {
      const x = ox + i * ax + j * bx;
      const y = oy + i * ay + j * by;
      const corners = [inside(x, y), inside(x + ax, y + ay), inside(x + bx, y + by), inside(x + ax + bx, y + ay + by)].filter(Boolean).length;
      if (corners === 4) bases.push([x, y]);
      else if (withCut && corners >= 2) cut.push([x, y]);
    }
  }
  let width = Math.min(MAX_GRID, nextPow2(Math.ceil(oversample * Math.hypot(ax, ay))));
  let height = Math.min(MAX_GRID, nextPow2(Math.ceil(oversample * Math.hypot(bx, by))));
  // A large cell (a big mark on a wide lattice) is sampled more coarsely: the
  // estimate's cost grows with grid points, and 2M of them took 20 s on 12 MP.
  while (width * height > GRID_BUDGET) {
    if (width >= height) width /= 2;
    else height /= 2;
  }
  const cap = Math.max(5, Math.min(MAX_INSTANCES, Math.floor(PIXEL_BUDGET / (width * height))));
  bases = spread(bases, cap);
  const whole = bases.length;
  bases = [...bases, ...spread(cut, Math.max(0, cap - whole))];
  const W = image.width - 1;
  const H = image.height - 1;
  return {
    width,
    height,
    count: bases.length,
    whole,
    topology: { kind: 'torus', twist: 0 },
    bases,
    row(k, b, out) {
      const [x0, y0] = bases[k];
      const t = b / height;
      for (let a = 0; a < width; a++) {
        const s = a / width;
        const x = x0 + s * ax + t * bx;
        const y = y0 + s * ay + t * by;
        if (k >= whole && (x < 0 || y < 0 || x > W || y > H)) out[a * 3] = out[a * 3 + 1] = out[a * 3 + 2] = NaN;
        else sampleRgb(image, x, y, out, a * 3);
      }
    },
  };
}


/** Hermite normal form of an integer lattice: the basis (a, 0), (b, c) with a, c > 0 and 0 ≤ b < a. */
export function hermite(v1: Vec2, v2: Vec2): { a: number; b: number; c: number } | null {
  const [p1, q1] = v1.map(Math.round);
  const [p2, q2] = v2.map(Math.round);
  const det = p1 * q2 - p2 * q1;
  if (det === 0) return null;
  // u·q1 + v·q2 = g (extended Euclid).
  let [r0, r1, s0, s1, t0, t1] = [q1, q2, 1, 0, 0, 1];
  while (r1 !== 0) {
    const k = Math.trunc(r0 / r1);
    [r0, r1] = [r1, r0 - k * r1];
    [s0, s1] = [s1, s0 - k * s1];
    [t0, t1] = [t1, t0 - k * t1];
  }
  let c = r0;
  let bx = s0 * p1 + t0 * p2;
  if (c < 0) {
    c = -c;
    bx = -bx;
  }
  const a = Math.abs(det) / c;
  return { a, b: ((bx % a) + a) % a, c };
}

/**
 * An integer lattice's pixel-exact cell (Hermite normal form, an a × c rectangle), where at least
 * three of it fit whole in the image; else null, and the lattice is estimated on a resampled grid.
 * A rotated lattice whose vectors' rows share no factor has c = 1: a strip a = det pixels long
 * (2536 for (47, 5), (−9, 53)), longer than the picture, so every instance was cut by the border
 * and the estimate read nothing (a white logo at α 0.2 over 48 repeats: "too faint").
 */
export function pixelCell(lattice: Lattice, image: RgbaImage): { a: number; b: number; c: number } | null {
  const h = hermite(lattice.v1, lattice.v2);
  return h && Math.floor(image.width / h.a) * Math.floor(image.height / h.c) >= 3 ? h : null;
}

/** The pixel-exact cell of an integer lattice: an a×c rectangle whose rows wrap with a twist of b. */
export function pixelStack(image: RgbaImage, h: { a: number; b: number; c: number }): InstanceStack & { bases: [number, number][] } {
  // Every translate of the cell that meets the image: whole ones first, then those the border cuts.
  const whole: [number, number][] = [];
  const cut: [number, number][] = [];
  for (let j = -1; j * h.c < image.height; j++) {
    const y0 = j * h.c;
    for (let x0 = ((((j * h.b) % h.a) + h.a) % h.a) - h.a; x0 < image.width; x0 += h.a) {
      if (x0 + h.a <= 0 || y0 + h.c <= 0) continue;
      (x0 >= 0 && y0 >= 0 && x0 + h.a <= image.width && y0 + h.c <= image.height ? whole : cut).push([x0, y0]);
    }
  }
  const cap = Math.max(5, Math.min(MAX_INSTANCES, Math.floor(PIXEL_BUDGET / (h.a * h.c))));
  const bases = [...spread(whole, cap), ...spread(cut, Math.max(0, cap - whole.length))];
  const d = image.data;
  const W = image.width;
  return {
    width: h.a,
    height: h.c,
    count: bases.length,
    whole: Math.min(whole.length, cap),
    topology: { kind: 'torus', twist: h.b },
    bases,
    row(k, y, out) {
      const [x0, y0] = bases[k];
      const yy = y0 + y;
      if (yy >= 0 && yy < image.height && x0 >= 0 && x0 + h.a <= W) {
        // The row lies inside the image (nearly always): no test per pixel.
        for (let x = 0, o = (yy * W + x0) * 4; x < h.a; x++, o += 4) {
          out[x * 3] = UNIT[d[o]];
          out[x * 3 + 1] = UNIT[d[o + 1]];
          out[x * 3 + 2] = UNIT[d[o + 2]];
        }
        return;
      }
      for (let x = 0; x < h.a; x++) {
        const xx = x0 + x;
        if (yy < 0 || yy >= image.height || xx < 0 || xx >= W) {
          out[x * 3] = out[x * 3 + 1] = out[x * 3 + 2] = NaN;
          continue;
        }
        const o = (yy * W + xx) * 4;
        out[x * 3] = UNIT[d[o]];
        out[x * 3 + 1] = UNIT[d[o + 1]];
        out[x * 3 + 2] = UNIT[d[o + 2]];
      }
    },
  };
}

/** At most `n` of `items`, spread evenly. */
function spread<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  return Array.from({ length: n }, (_, k) => items[Math.floor((k * items.length) / n)]);
}

/**
 * The support on the pixel-exact cell: its median image resampled (nearest) onto a
 * power-of-two grid along the lattice vectors, the Poisson support there, and
 * that mapped back and grown by 2 px.
 */
export function pixelCellSupport(medJ: Float32Array, keep: Uint8Array, hnf: { a: number; b: number; c: number }, v1: Vec2, v2: Vec2): Uint8Array {
  const { a, b, c } = hnf;
  const n = a * c;
  const gw = Math.min(SUPPORT_GRID, nextPow2(Math.ceil(Math.hypot(v1[0], v1[1]))));
  const gh = Math.min(SUPPORT_GRID, nextPow2(Math.ceil(Math.hypot(v2[0], v2[1]))));
  const cellIndex = (px: number, py: number) => {
    const j = Math.floor(py / c);
    return (py - j * c) * a + ((((px - j * b) % a) + a) % a);
  };
  const grid = new Float32Array(gw * gh * 3);
  const gridKeep = new Uint8Array(gw * gh);
  for (let v = 0; v < gh; v++) {
    for (let u = 0; u < gw; u++) {
      const i = cellIndex(Math.round((u / gw) * v1[0] + (v / gh) * v2[0]), Math.round((u / gw) * v1[1] + (v / gh) * v2[1]));
      for (let ch = 0; ch < 3; ch++) grid[ch * gw * gh + v * gw + u] = medJ[ch * n + i];
      gridKeep[v * gw + u] = keep[i];
    }
  }
  const gridSupport = poissonSupport(grid, gw, gh, true, gridKeep);
  const det = v1[0] * v2[1] - v1[1] * v2[0];
  const support = new Uint8Array(n);
  for (let y = 0; y < c; y++) {
    for (let x = 0; x < a; x++) {
      const s = (v2[1] * x - v2[0] * y) / det;
      const t = (-v1[1] * x + v1[0] * y) / det;
      const u = Math.round((s - Math.floor(s)) * gw) % gw;
      const v = Math.round((t - Math.floor(t)) * gh) % gh;
      support[y * a + x] = gridSupport[v * gw + u] | keep[y * a + x];
    }
  }
  return growMask(support, neighbours(a, c, { kind: 'torus', twist: b }), 1);
}

