import { describe, expect, it } from 'vitest';
import { psnr } from '../metrics';
import { resizeRgbaArea } from '../tensor';
import type { Mask } from '../types';
import { invertMarks } from './invert';
import { findLattice, LATTICE_PASSES } from './lattice';
import { hermite, latticeStack } from './cell-stack';
import { findRepeats, isPeriodicPicture, judgeRepeats } from './repeats';
import { dropIslands, neighbours, supportWraps } from './support';
import { composite, deadLeaves, logoShape, noisePhoto, paper, periodicTexture, rng, tiledAlpha } from './testing';

const W = 640;
const H = 480;
const markMask = (alpha: Float32Array): Mask => ({ width: W, height: H, data: Uint8Array.from(alpha, (a) => (a > 0 ? 255 : 0)) });

describe('repeats inside one image', () => {
  it('recovers a noiseless tiled mark almost exactly (≥ 45 dB inside it)', () => {
    const photo = noisePhoto(W, H, 7);
    const { image, alpha } = composite(photo, tiledAlpha(logoShape(70, 40), [128, 0], [37, 84], 0.5), [1, 1, 1]);
    const r = findRepeats(image);
    expect(r.reason).toBe('ok');
    expect(r.estimate?.colour.every((c) => c > 0.97)).toBe(true);
    expect(r.estimate?.opacity).toBeGreaterThan(0.45);
    expect(r.estimate?.opacity).toBeLessThan(0.55);
    const out = invertMarks(image, [r.field!]);
    expect(psnr(image, photo, markMask(alpha))).toBeLessThan(15);
    expect(psnr(out.image, photo, markMask(alpha))).toBeGreaterThanOrEqual(45);
    expect(out.opaqueCount).toBe(0);
  });

  it('pools an integer lattice\'s α from every instance where the stack median is fooled by hard-edged pictures (cell-pool.ts)', () => {
    const photo = deadLeaves(W, H, 5, 400);
    const { image, alpha } = composite(photo, tiledAlpha(logoShape(90, 50), [160, 0], [40, 120], 0.5), [1, 1, 1]);
    const mask = markMask(alpha);
    const cell = findRepeats(image, { pool: false });
    const pooled = findRepeats(image);
    expect(cell.reason).toBe('ok');
    expect(pooled.reason).toBe('ok');
    const cellDb = psnr(invertMarks(image, [cell.field!]).image, photo, mask);
    const pooledDb = psnr(invertMarks(image, [pooled.field!]).image, photo, mask);
    expect(pooledDb).toBeGreaterThan(cellDb + 4);
  });

  it('adds the instances the border cuts to a resampled stack: NaN outside the image, the pixels inside', () => {
    const photo = noisePhoto(W, H, 4);
    const lattice = { origin: [10.5, 7.25] as [number, number], v1: [190.5, 0] as [number, number], v2: [47.25, 150.5] as [number, number] };
    const whole = latticeStack(photo, lattice);
    const cut = latticeStack(photo, lattice, 2, true);
    expect(whole.whole ?? whole.count).toBe(whole.count);
    expect(cut.whole).toBe(whole.count);
    expect(cut.count).toBeGreaterThan(whole.count);
    const row = new Float32Array(cut.width * 3);
    let nan = 0;
    let inside = 0;
    for (let k = cut.whole!; k < cut.count; k++) {
      const [x0, y0] = cut.bases[k];
      for (let y = 0; y < cut.height; y += 7) {
        cut.row(k, y, row);
        for (let a = 0; a < cut.width; a++) {
          const x = x0 + (a / cut.width) * 190.5 + (y / cut.height) * 47.25;
          const yy = y0 + (y / cut.height) * 150.5;
          const out = x < 0 || yy < 0 || x > W - 1 || yy > H - 1;
          if (out) {
            expect(Number.isNaN(row[a * 3])).toBe(true);
            nan++;
          } else {
            expect(row[a * 3]).toBeGreaterThanOrEqual(0);
            inside++;
          }
        }
      }
    }
    expect(nan).toBeGreaterThan(0);
    expect(inside).toBeGreaterThan(0);
  });

  it('finds a lattice that is not whole pixels (a preview resized after tiling) to a hundredth of a pixel', () => {
    const photo = noisePhoto(W, H, 9);
    const { image, alpha } = composite(photo, tiledAlpha(logoShape(70, 40), [101.5, 0], [37.25, 83.5], 0.4), [0, 0, 0]);
    const r = findRepeats(image);
    expect(r.reason).toBe('ok');
    const vs = [r.search.lattice!.v1, r.search.lattice!.v2].sort((a, b) => a[1] - b[1]);
    expect(Math.abs(vs[0][0] - 101.5)).toBeLessThan(0.02);
    expect(Math.abs(vs[1][0] - 37.25)).toBeLessThan(0.02);
    expect(Math.abs(vs[1][1] - 83.5)).toBeLessThan(0.02);
    const out = invertMarks(image, [r.field!]);
    expect(psnr(out.image, photo, markMask(alpha)) - psnr(image, photo, markMask(alpha))).toBeGreaterThan(10);
  });

  it('reads a mid-grey mark\'s colour again from how the instances vary with the picture under them (pool.ts recoloured)', () => {
    // A bright picture darkening downward: the median read a grey mark on a resized lattice as black (29 dB).
    const photo = noisePhoto(W, H, 1);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        for (let c = 0; c < 3; c++) {
          const i = (y * W + x) * 4 + c;
          photo.data[i] = Math.round(255 * (0.55 + (0.4 * y) / (H - 1)) + 0.3 * (photo.data[i] - 128));
        }
      }
    }
    const { image, alpha } = composite(photo, tiledAlpha(logoShape(70, 40), [128.6, 0], [37.3, 84.4], 0.4), [0.5, 0.5, 0.5]);
    const r = findRepeats(image);
    expect(r.reason).toBe('ok');
    for (const c of r.field!.colour) expect(Math.abs(c - 0.5)).toBeLessThan(0.05);
    expect(psnr(invertMarks(image, [r.field!]).image, photo, markMask(alpha))).toBeGreaterThan(36);
  });

  it('re-estimates a resized lattice per pixel phase: sharper than the resampled cell (phase.ts)', () => {
    const photo = noisePhoto(W, H, 9);
    const { image, alpha } = composite(photo, tiledAlpha(logoShape(70, 40), [97.3, 0], [31.7, 77.6], 0.5), [1, 1, 1]);
    const inside = markMask(alpha);
    const score = (phase: boolean) => {
      const r = findRepeats(image, { phase });
      expect(r.reason).toBe('ok');
      return psnr(invertMarks(image, [r.field!]).image, photo, inside);
    };
    const cell = score(false);
    const phase = score(true);
    // Measured 34.85 dB from the cell, 37.86 dB per phase.
    expect(phase - cell).toBeGreaterThan(1.5);
    expect(phase).toBeGreaterThan(37);
  });

  it('finds a thin-stroked tiled mark with either pass (the plain one through the pair search)', () => {
    // A word-like row of 2-px glyph outlines, α 0.15: its edges are a comb of high frequencies.
    const strokes = (x: number, y: number) => {
      if (x < 0 || y < 0 || x >= 72 || y >= 20) return 0;
      const gx = x % 12;
      const upright = (gx < 2 || (gx >= 9 && gx < 11)) && y > 2 && y < 18;
      const across = (y < 4 || Math.abs(y - 10) < 1 || y > 15) && gx < 11 && (Math.floor(x / 12) % 3 !== 1 || y < 10);
      return upright || across ? 1 : 0;
    };
    const photo = noisePhoto(W, H, 3);
    const { image, alpha } = composite(photo, tiledAlpha(strokes, [101.5, 0], [37.25, 83.5], 0.15), [1, 1, 1]);
    // Before the pair search (lattice.ts, bestPair) the plain pass missed it; both find it now.
    const half = findLattice(image, { passes: [LATTICE_PASSES[1]] }).lattice;
    expect(half).not.toBeNull();
    const hv = [half!.v1, half!.v2].sort((a, b) => Math.abs(a[1]) - Math.abs(b[1]));
    expect(Math.abs(Math.abs(hv[0][0]) - 101.5)).toBeLessThan(0.05);
    expect(Math.abs(Math.abs(hv[1][1]) - 83.5)).toBeLessThan(0.05);
    // The plain pass's first basis (its shortest strong peaks) is wrong here; a pair of weaker peaks scores as the lattice.
    const plain = findLattice(image, { passes: [LATTICE_PASSES[0]] }).lattice;
    expect(plain).not.toBeNull();
    expect(Math.abs(Math.abs([plain!.v1, plain!.v2].sort((a, b) => Math.abs(a[1]) - Math.abs(b[1]))[1][1]) - 83.5)).toBeLessThan(0.05);
    const r = findRepeats(image);
    expect(r.reason).toBe('ok');
    const vs = [r.search.lattice!.v1, r.search.lattice!.v2].sort((a, b) => a[1] - b[1]);
    expect(Math.abs(vs[0][0] - 101.5)).toBeLessThan(0.05);
    expect(Math.abs(vs[1][1] - 83.5)).toBeLessThan(0.05);
    const out = invertMarks(image, [r.field!]);
    expect(psnr(out.image, photo, markMask(alpha)) - psnr(image, photo, markMask(alpha))).toBeGreaterThan(6);
  });

  it('keeps the plain pass for pictures dense with hard edges, where the half-whitened one finds nothing', () => {
    const photo = deadLeaves(W, H, 3, 300);
    const { image } = composite(photo, tiledAlpha(logoShape(70, 40), [101.5, 0], [37.25, 83.5], 0.15), [1, 1, 1]);
    expect(findLattice(image, { passes: [LATTICE_PASSES[1]] }).lattice).toBeNull();
    const found = findLattice(image).lattice;
    expect(found).not.toBeNull();
    const vs = [found!.v1, found!.v2].sort((a, b) => a[1] - b[1]);
    expect(Math.abs(vs[0][0] - 101.5)).toBeLessThan(0.05);
    expect(Math.abs(vs[1][1] - 83.5)).toBeLessThan(0.05);
  });

  it('finds a faint mark over a hard-edged picture by its edges\' orientation, where both magnitude passes miss it', () => {
    const orientation = LATTICE_PASSES.find((p) => p.feature === 'orientation')!;
    const magnitude = LATTICE_PASSES.filter((p) => p !== orientation);
    const photo = deadLeaves(W, H, 5, 400);
    const { image } = composite(photo, tiledAlpha(logoShape(70, 40), [101.5, 0], [37.25, 83.5], 0.15), [1, 1, 1]);
    for (const pass of magnitude) expect(findLattice(image, { passes: [pass] }).lattice).toBeNull();
    const found = findLattice(image).lattice;
    expect(found).not.toBeNull();
    const vs = [found!.v1, found!.v2].sort((a, b) => Math.abs(a[1]) - Math.abs(b[1]));
    expect(Math.abs(Math.abs(vs[0][0]) - 101.5)).toBeLessThan(0.3);
    expect(Math.abs(Math.abs(vs[1][1]) - 83.5)).toBeLessThan(0.3);
    // The same picture without the mark: the orientation pass, read in standard deviations, finds nothing.
    expect(findLattice(photo, { passes: [orientation] }).lattice).toBeNull();
    expect(findLattice(deadLeaves(W, H, 3, 300), { passes: [orientation] }).lattice).toBeNull();
  });

  it('estimates a wide lattice with fewer than three whole cells from the cells the border cuts as well', () => {
    const photo = noisePhoto(W, H, 4);
    const { image, alpha } = composite(photo, tiledAlpha(logoShape(120, 60), [300.5, 0], [80.25, 230.5], 0.35), [1, 1, 1]);
    expect(findRepeats(image, { cut: false }).reason).toMatch(/^only [012] whole repeats$/);
    const r = findRepeats(image);
    expect(r.reason).toBe('ok');
    expect(r.estimate!.diagnostics.instances).toBeGreaterThanOrEqual(4);
    const gain = psnr(invertMarks(image, [r.field!]).image, photo, markMask(alpha)) - psnr(image, photo, markMask(alpha));
    expect(gain).toBeGreaterThan(15);
  });

  it.each([
    ['integer', [128, 0], [37, 84]],
    ['resized', [101.5, 0], [37.25, 83.5]],
  ] as const)('reads a mid-grey mark (%s lattice) from how much the instances vary, where its median shows no contrast', (_, v1, v2) => {
    const photo = noisePhoto(W, H, 7);
    const { image, alpha } = composite(photo, tiledAlpha(logoShape(70, 40), [...v1], [...v2], 0.5), [0.5, 0.5, 0.5]);
    expect(findRepeats(image, { spread: false }).reason).toMatch(/too faint|two-sided/);
    const r = findRepeats(image);
    expect(r.reason).toBe('ok');
    for (const c of r.estimate!.colour) expect(Math.abs(c - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(r.estimate!.opacity - 0.5)).toBeLessThan(0.08);
    const gain = psnr(invertMarks(image, [r.field!]).image, photo, markMask(alpha)) - psnr(image, photo, markMask(alpha));
    expect(gain).toBeGreaterThan(12);
  });

  it.each(['tiles', 'plaid', 'weave'] as const)('refuses a periodic picture (%s): nothing is inverted', (kind) => {
    const r = findRepeats(periodicTexture(kind, W, H));
    expect(r.accepted).toBe(false);
    expect(r.field).toBeNull();
    // Grout and a plaid wind through every repeat: the picture is periodic, and triage then ignores placement.
    if (kind !== 'weave') expect(isPeriodicPicture(r)).toBe(true);
  });

  it('accepts a mark whose repeats lie mostly on a flat ground: the pictures\' spread read at its upper quartile (spreadDiagnostics)', () => {
    // Seven tenths of the picture is one flat colour: most repeats are identical underneath, and the median deviation reads 0.
    const photo = deadLeaves(W, H, 1, 900);
    for (let y = 0; y < H; y++) for (let x = 0; x < 0.7 * W; x++) photo.data.set([235, 232, 228], (y * W + x) * 4);
    const { image, alpha } = composite(photo, tiledAlpha(logoShape(40, 24), [64, 0], [32, 48], 0.45), [0, 0, 0]);
    const r = findRepeats(image);
    expect(r.reason).toBe('ok');
    expect(r.estimate!.diagnostics.diversity).toBeGreaterThanOrEqual(4);
    const out = invertMarks(image, [r.field!]);
    expect(psnr(out.image, photo, markMask(alpha))).toBeGreaterThan(psnr(image, photo, markMask(alpha)) + 15);
  });

  it('accepts a mark tiled over a page of print: the pictures\' spread read at its 90th percentile (spreadDiagnostics)', () => {
    // White paper with lines of dark words, enlarged twice as a scanned page is: at most places of the cell fewer than
    // a quarter of the repeats have ink under them, so the median and the upper quartile read "identical underneath".
    const page = resizeRgbaArea(paper(480, 360, 29), 960, 720);
    const { image, alpha } = composite(page, tiledAlpha(logoShape(120, 60), [200, 0], [100, 140], 0.4), [0, 0, 0]);
    const r = findRepeats(image);
    expect(r.reason).toBe('ok');
    const mask: Mask = { width: 960, height: 720, data: Uint8Array.from(alpha, (a) => (a > 0 ? 255 : 0)) };
    expect(psnr(image, page, mask)).toBeLessThan(10);
    expect(psnr(invertMarks(image, [r.field!]).image, page, mask)).toBeGreaterThan(40);
  });

  it('still refuses a grid of opaque icons on blank paper with a different label under each', () => {
    const page = paper(W, H, 5, false);
    const rand = rng(9);
    for (let cy = 0; cy < H; cy += 80) for (let cx = 0; cx < W; cx += 80) {
      for (let y = 10; y < 50; y++) for (let x = 20; x < 60; x++) if ((x - 40) ** 2 + (y - 30) ** 2 < 324 && cy + y < H && cx + x < W) page.data.set([70, 110, 190], ((cy + y) * W + cx + x) * 4);
      const len = 10 + Math.floor(rand() * 50);
      for (let y = 58; y < 64 && cy + y < H; y++) for (let x = 10; x < 10 + len && cx + x < W; x++) page.data.set([40, 40, 40], ((cy + y) * W + cx + x) * 4);
    }
    const r = findRepeats(page);
    expect(r.accepted).toBe(false);
  });

  it('refuses repeats that let more of the pictures through than a blend can (content over a repeated shape)', () => {
    // A blend over varying pictures passes (1 − α) of their spread: read at the firmest quantile, about 1.
    const blend = { instances: 24, supportShare: 0.12, explained: 0.99, negativeShare: 0, energyRatio: 0.8, diversity: 40, contrast: 60, transmission: 1.1, firmTransmission: 1.1 };
    expect(judgeRepeats(blend, 0.4)).toBe('ok');
    // Labels that differ on a screenshot's repeated buttons vary inside the shape far more than (1 − α) times outside.
    expect(judgeRepeats({ ...blend, transmission: 7.6, firmTransmission: 7.6 }, 0.4)).toMatch(/^more shows through it than a blend lets through/);
    // A large reading at a quantile where the pictures barely differ outside does not count (val tiled-19: 17.6 there, 0.88 firm).
    expect(judgeRepeats({ ...blend, transmission: 17.6, firmTransmission: 0.88 }, 0.4)).toBe('ok');
    expect(judgeRepeats({ ...blend, transmission: 7.6, firmTransmission: 7.6 }, 0.4, false, 'batch')).toBe('ok');
  });

  it('finds no lattice in a photo without repeats', () => {
    const r = findRepeats(noisePhoto(W, H, 11));
    expect(r.search.lattice).toBeNull();
    expect(r.accepted).toBe(false);
    expect(isPeriodicPicture(r)).toBe(false);
  });

  it('keeps every pixel where the estimated α is below the threshold bit-identical', () => {
    const photo = noisePhoto(W, H, 5);
    const { image } = composite(photo, tiledAlpha(logoShape(60, 30), [120, 0], [60, 90], 0.3), [1, 1, 1]);
    const r = findRepeats(image);
    const out = invertMarks(image, [r.field!]);
    let differ = 0;
    let kept = 0;
    for (let p = 0; p < W * H; p++) {
      if (out.changed.data[p]) continue;
      kept++;
      for (let c = 0; c < 4; c++) if (out.image.data[p * 4 + c] !== image.data[p * 4 + c]) differ++;
    }
    expect(kept).toBeGreaterThan(W * H * 0.5);
    expect(differ).toBe(0);
  });
});

describe('lattice helpers', () => {
  it('puts an integer lattice in Hermite normal form', () => {
    expect(hermite([37, 84], [-91, 84])).toEqual({ a: 128, b: 37, c: 84 });
    expect(hermite([0, 80], [110, 0])).toEqual({ a: 110, b: 0, c: 80 });
  });

  it('tells an island from a pattern that winds around the cell', () => {
    const w = 8;
    const h = 6;
    const island = new Uint8Array(w * h);
    island[2 * w + 3] = island[2 * w + 4] = 1;
    expect(supportWraps(island, w, h, 0)).toBe(false);
    const row = new Uint8Array(w * h);
    row.fill(1, 3 * w, 4 * w);
    expect(supportWraps(row, w, h, 0)).toBe(true);
    const column = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) column[y * w + 2] = 1;
    expect(supportWraps(column, w, h, 0)).toBe(true);
    // With a twist of 2 a column does not close on itself after one turn, and a 3-wide band still does eventually.
    expect(supportWraps(column, w, h, 2)).toBe(false);
  });
});

describe('quantile, quantileInPlace', () => {
  // The reference: a sorted copy (NaN last), read at round(q·(n − 1)).
  const sorted = (v: Float32Array, q: number) => v.slice().sort()[Math.round(q * (v.length - 1))];
  it('give the value a sort puts at the quantile', async () => {
    const { quantile, quantileInPlace } = await import('./sample');
    const values = Float32Array.from({ length: 37 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    for (const q of [0, 0.25, 0.5, 0.9, 1]) {
      expect(quantile(values, q)).toBe(sorted(values, q));
      expect(quantileInPlace(values.slice(), values.length, q)).toBe(sorted(values, q));
    }
  });
  it('quantile sorts NaN last, and ties and plain arrays come out as sorted', async () => {
    const { quantile } = await import('./sample');
    const values = Float32Array.from([3, NaN, 1, 1, 2, NaN, 5, 1, 0, 2]);
    for (const q of [0, 0.3, 0.5, 0.7, 0.8, 0.9, 1]) expect(quantile(values, q)).toStrictEqual(sorted(values, q));
    expect(quantile([0.5, 0.25, 0.75], 0.5)).toBe(0.5);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('dropIslands', () => {
  it('keeps a full stop as opaque as the mark, drops a faint leftover of the same size', () => {
    const w = 40;
    const h = 20;
    const alpha = new Float32Array(w * h);
    const square = (x0: number, y0: number, side: number, a: number) => {
      for (let y = y0; y < y0 + side; y++) for (let x = x0; x < x0 + side; x++) alpha[y * w + x] = a;
    };
    square(2, 2, 14, 0.5); // a glyph: mass 98
    square(20, 12, 2, 0.5); // a full stop beside it: mass 2, a fiftieth of the glyph's
    square(30, 4, 3, 0.15); // a leftover of the pictures: mass 1.35, faint
    dropIslands(alpha, neighbours(w, h, { kind: 'clamp' }));
    expect(alpha[12 * w + 20]).toBe(0.5);
    expect(alpha[5 * w + 31]).toBe(0);
    expect(alpha[8 * w + 8]).toBe(0.5);
  });

  it('reads the core level past a noisy overshoot: a thin glyph as opaque as the body stays', () => {
    const w = 60;
    const h = 30;
    const alpha = new Float32Array(w * h);
    // A body of glyphs at 0.38 whose estimate overshoots to 0.6 on a tenth of its pixels.
    for (let y = 2; y < 22; y++) for (let x = 2; x < 32; x++) alpha[y * w + x] = (x * 7 + y * 3) % 10 === 0 ? 0.6 : 0.38;
    for (let y = 4; y < 20; y++) for (let x = 40; x < 43; x++) alpha[y * w + x] = 0.38; // an l apart: mass 18, under 0.1 of the body's
    for (let y = 25; y < 28; y++) for (let x = 50; x < 53; x++) alpha[y * w + x] = 0.15; // a faint leftover
    dropIslands(alpha, neighbours(w, h, { kind: 'clamp' }));
    expect(alpha[10 * w + 41]).toBeCloseTo(0.38);
    expect(alpha[26 * w + 51]).toBe(0);
  });
});
