/**
 * 12 MP tiled marks for `npm run bench:quality -- --marks-only --large N` (issue: learn the mark
 * from its repeats). The tiled family of quality-marks.ts is about 1 MP; speed work on the 12 MP
 * path (budgets, instance caps, the refinement's resolution) trades against quality there, and the
 * speed bench's picture has no clean reference. The held-out photos are at most 908 px, so the
 * pictures are enlarged 4–15×: smoother than real 12 MP photos (the table says so). Each case: a held-out photo scaled to 4000×3000, a
 * drawn logo (testing.ts) tiled on an integer or a non-integer (resized) lattice, white, grey or
 * black at α 0.25–0.5, half of them JPEG q 85. Scored as the tiled family's "repeats" row: the
 * lattice search, the estimate and the inversion, fPSNR inside the true mark.
 */
import { findRepeats, removeWithMarks } from '../engine/mark';
import { logoShape, rng, tiledAlpha } from '../engine/mark/testing';
import { psnr } from '../engine/metrics';
import type { Mask, RgbaImage } from '../engine/types';
import { fmt, table } from './common';
import { blend, finish, heldOutPhotos, photo } from './mark-cases';

const W = 4000;
const H = 3000;
const COLOURS: [string, number][] = [['white', 1], ['grey', 0.5], ['black', 0]];

interface LargeCase {
  id: string;
  info: { photo: string; lattice: string; colour: string; opacity: number; jpeg: number | 'png' };
  watermarked: RgbaImage;
  clean: RgbaImage;
  truth: Mask;
}

async function largeCase(i: number, rand: () => number, photos: string[]): Promise<LargeCase> {
  const name = photos[Math.floor(rand() * photos.length)];
  const rgb = await photo(name, W, H);
  const p = 300 + Math.round(rand() * 200);
  const q = 200 + Math.round(rand() * 120);
  const stagger = rand() < 0.5 ? Math.round(p / 2) : 0;
  // Every other case is not integer, as a preview resized after tiling leaves its lattice: 0.2–0.8 px off.
  const frac = () => (i % 2 === 1 ? 0.2 + Math.round(rand() * 60) / 100 : 0);
  const v1: [number, number] = [p + frac(), 0];
  const v2: [number, number] = [stagger + frac(), q + frac()];
  const [colourName, grey] = COLOURS[Math.floor(rand() * COLOURS.length)];
  const opacity = Math.round((0.25 + rand() * 0.25) * 100) / 100;
  const shape = logoShape(Math.round(p * (0.5 + rand() * 0.2)), Math.round(q * (0.4 + rand() * 0.1)));
  const { marked, alpha } = blend(rgb, W, H, tiledAlpha(shape, v1, v2, opacity), [grey * 255, grey * 255, grey * 255]);
  const jpeg = rand() < 0.5 ? 85 : null;
  // The clean reference is not JPEG'd: the score counts what the compression did to the picture too.
  const [watermarked, clean] = await Promise.all([finish(marked, W, H, W, H, jpeg), finish(rgb, W, H, W, H, null)]);
  const truth: Mask = { width: W, height: H, data: Uint8Array.from(alpha, (a) => (a > 0.05 ? 255 : 0)) };
  const lattice = `${fmt(v1[0], 1)}×${fmt(v1[1], 1)}, ${fmt(v2[0], 1)}×${fmt(v2[1], 1)}`;
  return { id: `large-${i}`, info: { photo: name, lattice, colour: colourName, opacity, jpeg: jpeg ?? 'png' }, watermarked, clean, truth };
}

export async function runLargeTiled(n: number, seed: number, split: 'test' | 'val', log: (s: string) => void): Promise<{ md: string; json: unknown }> {
  const rand = rng(seed + 2);
  const photos = heldOutPhotos(split);
  const rows: { id: string; info: LargeCase['info']; verdict: string; input: number; repeats: number; ms: number }[] = [];
  for (let i = 0; i < n; i++) {
    const c = await largeCase(i, rand, photos);
    const t = performance.now();
    const rep = findRepeats(c.watermarked);
    const out = rep.field ? (await removeWithMarks(c.watermarked, null, [{ field: rep.field, method: 'repeats' }], { kind: 'telea' })).image : c.watermarked;
    const ms = performance.now() - t;
    const row = { id: c.id, info: c.info, verdict: rep.reason, input: Math.min(100, psnr(c.watermarked, c.clean, c.truth)), repeats: Math.min(100, psnr(out, c.clean, c.truth)), ms };
    rows.push(row);
    log(`  ${c.id} ${JSON.stringify(c.info)} → ${rep.reason}; fPSNR ${fmt(row.input, 2)} → ${fmt(row.repeats, 2)}`);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const md = [
    `**12 MP tiled marks** (${n}: held-out photos (${split} split) scaled to 4000×3000, a drawn logo tiled every 300–500 × 200–320 px (rows staggered by half a period in about half), on an integer lattice or, every other case, one whose vectors are 0.2–0.8 px off integers, as a resized preview leaves them; white, grey or black at α 0.25–0.5; half JPEG q 85). The held-out photos are at most 908 px wide, so each is enlarged 4–15 times: far smoother than a photo taken at 12 MP, and where the picture is flat the instances are identical underneath, which the verdict refuses as a periodic picture. "repeats" is the lattice search, the estimate and the inversion; fPSNR in dB inside the true mark; ms per image in Node, search and removal.`,
    '',
    table(
      ['case', 'lattice (v1, v2)', 'colour', 'α', 'JPEG', 'verdict', 'input fPSNR', 'repeats fPSNR', 'ms'],
      [
        ...rows.map((r) => [r.id, r.info.lattice, r.info.colour, fmt(r.info.opacity, 2), String(r.info.jpeg), r.verdict, fmt(r.input, 2), fmt(r.repeats, 2), fmt(r.ms, 0)]),
        ['mean', '', '', '', '', `${rows.filter((r) => r.verdict === 'ok').length} of ${n} accepted`, fmt(mean(rows.map((r) => r.input)), 2), fmt(mean(rows.map((r) => r.repeats)), 2), fmt(mean(rows.map((r) => r.ms)), 0)],
      ],
    ),
  ].join('\n');
  return { md, json: rows };
}
