/**
 * The mark-estimation part of `npm run bench:quality` (issue: learn the mark from
 * its repeats). Three families from mark-cases.ts, each scored against the clean
 * photo with the engine exactly as the CLI runs it:
 *   - tiled single images: one-click (repeats + detector + one-colour fits + fill),
 *     repeats alone, and Telea / the learned remover with the true mask;
 *   - batches: one mark learned from K = 2, 4, 8, 16 images and inverted in each
 *     (K = 1 is one-click on the first image: nothing to learn from);
 *   - periodic clean pictures, and clean held-out photos: what repeats change.
 */
import { detect, detectionToMask } from '../engine/detect';
import { findRepeats, invertMarks, isPeriodicPicture, learnSharedMark, removeWithMarks, templateField, type KnownMark } from '../engine/mark';
import { countMasked } from '../engine/mask';
import { changedOutside, psnr } from '../engine/metrics';
import { removeMarks, type Remover } from '../engine/remove';
import type { ModelRunner } from '../engine/runner';
import type { RgbaImage } from '../engine/types';
import { fmt, table } from './common';
import { batchCases, heldOutPhotos, loadPhoto, periodicCases, tiledCases, type MarkCase } from './mark-cases';
import { runLargeTiled } from './quality-marks-large';

export interface MarkBenchOptions {
  seed: number;
  tiled: number;
  batches: number;
  periodicPhotos: number;
  /** 12 MP tiled cases (quality-marks-large.ts); 0 skips them (the default: about 10 s each). */
  large?: number;
  /** Which held-out photos: 'test' (published) or 'val' (to choose thresholds on). */
  split: 'test' | 'val';
  threshold: number;
  detectors: ModelRunner[];
  /** The fill one-click uses (what the app preselects). */
  fill: Remover;
  remover: Remover | null;
  log: (s: string) => void;
}

interface Score {
  psnr: number;
  fpsnr: number;
  changedOutside: number;
  ms: number;
}

const CAP = 100;
const cap = (x: number) => Math.min(CAP, x);
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

function score(c: MarkCase, out: RgbaImage, ms: number): Score {
  return { psnr: cap(psnr(out, c.clean)), fpsnr: cap(psnr(out, c.clean, c.truth)), changedOutside: changedOutside(out, c.watermarked, c.truth).share, ms };
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await f();
  return [v, performance.now() - t];
}

/** One click, as `unmark remove` without flags: repeats, the detector, one-colour fits, the fill. */
export async function oneClick(image: RgbaImage, o: Pick<MarkBenchOptions, 'detectors' | 'fill' | 'threshold'>): Promise<RgbaImage> {
  const rep = findRepeats(image);
  const known: KnownMark[] = rep.field ? [{ field: rep.field, method: 'repeats' }] : [];
  const det = await detect(image, o.detectors, { threshold: o.threshold, periodicPicture: isPeriodicPicture(rep) });
  known.push(...(det.marks ?? []));
  const mask = detectionToMask(det, { threshold: o.threshold, dilatePx: 0 });
  if (countMasked(mask) === 0 && known.length === 0) return image;
  return (await removeWithMarks(image, countMasked(mask) ? mask : null, known, o.fill, { limitMarksToMask: false })).image;
}

export async function runMarkBench(o: MarkBenchOptions): Promise<{ md: string; json: unknown }> {
  // Tiled single images.
  o.log(`marks: ${o.tiled} tiled cases`);
  const tiled = await tiledCases(o.tiled, o.seed, o.split);
  const tiledRows: { c: MarkCase; accepted: boolean; reason: string; scores: Record<string, Score> }[] = [];
  for (const c of tiled) {
    const scores: Record<string, Score> = { input: score(c, c.watermarked, 0) };
    const [rep, repMs] = await timed(async () => findRepeats(c.watermarked));
    const inverted = rep.field ? (await removeWithMarks(c.watermarked, null, [{ field: rep.field, method: 'repeats' }], { kind: 'telea' })).image : c.watermarked;
    scores.repeats = score(c, inverted, repMs);
    const [auto, autoMs] = await timed(() => oneClick(c.watermarked, o));
    scores['one-click'] = score(c, auto, autoMs);
    const [telea, teleaMs] = await timed(async () => (await removeMarks(c.watermarked, c.truth, { kind: 'telea' })).image);
    scores['telea@truth'] = score(c, telea, teleaMs);
    if (o.remover) {
      const r = o.remover;
      const [model, modelMs] = await timed(async () => (await removeMarks(c.watermarked, c.truth, r)).image);
      scores['model@truth'] = score(c, model, modelMs);
    }
    tiledRows.push({ c, accepted: rep.accepted, reason: rep.reason, scores });
    o.log(`  ${c.id} ${JSON.stringify(c.info)} → ${rep.reason}; one-click fPSNR ${fmt(scores['one-click'].fpsnr, 2)}`);
  }

  // Batches: the same images for every K, so the rows pair up.
  o.log(`marks: ${o.batches} batches of 16`);
  const batches = await batchCases(o.batches, 16, o.seed + 1, o.split);
  const ks = [1, 2, 4, 8, 16];
  const batchRows = ks.map((k) => ({ k, fpsnr: [] as number[], psnr: [] as number[], first: [] as number[], first2: [] as number[], first8: [] as number[], input: [] as number[], failed: 0, ms: [] as number[], cleanAccepted: 0 }));
  for (const set of batches) {
    for (const row of batchRows) {
      const subset = set.slice(0, row.k);
      let outs: RgbaImage[];
      const t = performance.now();
      if (row.k === 1) outs = [await oneClick(subset[0].watermarked, o)];
      else {
        try {
          const m = learnSharedMark(subset.map((c) => c.watermarked));
          outs = subset.map((c, i) => {
            const at = m.placements[i];
            return at ? invertMarks(c.watermarked, [templateField(m.template, at, c.watermarked)]).image : c.watermarked;
          });
        } catch (e) {
          row.failed++;
          o.log(`  batch K=${row.k}: ${(e as Error).message}`);
          outs = subset.map((c) => c.watermarked);
        }
      }
      row.ms.push(performance.now() - t);
      // The same photos without their mark share none: learning one from them is a false mark.
      if (row.k >= 2) {
        try {
          learnSharedMark(subset.map((c) => c.clean));
          row.cleanAccepted++;
          o.log(`  batch K=${row.k}: a mark was learned from the clean photos`);
        } catch {
          // refused, as it should be
        }
      }
      subset.forEach((c, i) => {
        const s = score(c, outs[i], 0);
        row.fpsnr.push(s.fpsnr);
        row.psnr.push(s.psnr);
        row.input.push(cap(psnr(c.watermarked, c.clean, c.truth)));
        if (i === 0) row.first.push(s.fpsnr);
        if (i < 2 && row.k >= 2) row.first2.push(s.fpsnr);
        if (i < 8 && row.k >= 8) row.first8.push(s.fpsnr);
      });
    }
    o.log(`  batch ${set[0].id} ${JSON.stringify(set[0].info)}: K=16 fPSNR ${fmt(mean(batchRows[4].fpsnr.slice(-16)), 2)}`);
  }

  // Periodic clean pictures: synthetic, then held-out photos.
  const periodic = await periodicCases();
  const periodicRows: { id: string; accepted: boolean; reason: string; changedRepeats: number; changedOneClick: number }[] = [];
  for (const c of periodic) {
    const rep = findRepeats(c.watermarked);
    const inv = rep.field ? invertMarks(c.watermarked, [rep.field]) : null;
    const auto = await oneClick(c.watermarked, o);
    periodicRows.push({
      id: c.id,
      accepted: rep.accepted,
      reason: rep.reason,
      changedRepeats: inv ? inv.changedCount / (c.watermarked.width * c.watermarked.height) : 0,
      changedOneClick: changedOutside(auto, c.watermarked, c.truth).share,
    });
  }
  const names = heldOutPhotos(o.split);
  const picks = Array.from({ length: Math.min(o.periodicPhotos, names.length) }, (_, i) => names[Math.floor((i * names.length) / Math.min(o.periodicPhotos, names.length))]);
  let acceptedPhotos = 0;
  const changedPhotos: number[] = [];
  const acceptedNames: string[] = [];
  for (const name of picks) {
    const img = await loadPhoto(name);
    const rep = findRepeats(img);
    const changed = rep.field ? invertMarks(img, [rep.field]).changedCount / (img.width * img.height) : 0;
    if (rep.accepted) {
      acceptedPhotos++;
      acceptedNames.push(name);
    }
    changedPhotos.push(changed);
  }
  o.log(`marks: periodic done; ${acceptedPhotos} of ${picks.length} clean photos had a lattice accepted`);
  const large = o.large ? await runLargeTiled(o.large, o.seed, o.split, o.log) : null;

  const methods = ['input', 'repeats', 'one-click', 'telea@truth', ...(o.remover ? ['model@truth'] : [])];
  const groups: [string, typeof tiledRows][] = [
    ['integer lattice', tiledRows.filter((r) => r.c.info.resized === 'no')],
    ['resized after tiling', tiledRows.filter((r) => r.c.info.resized !== 'no')],
    ['all tiled', tiledRows],
  ];
  const tiledTable = groups.flatMap(([g, rows]) =>
    methods.map((m) => {
      const s = rows.map((r) => r.scores[m]).filter(Boolean);
      return [g, String(rows.length), m, fmt(mean(s.map((x) => x.psnr)), 2), fmt(mean(s.map((x) => x.fpsnr)), 2), `${fmt(mean(s.map((x) => x.changedOutside)) * 100, 3)} %`, fmt(mean(s.map((x) => x.ms)), 0)];
    }),
  );
  const md = [
    `### Marks learned from repeats (seed ${o.seed})`,
    '',
    `**Tiled single images** (${tiledRows.length}: held-out photos 900–1200 px wide, rendered text or a drawn logo on a lattice, α 0.2–0.6, white/black/grey, half resized after tiling by 1.2–1.7×, half JPEG q 70–95). A lattice was accepted in ${tiledRows.filter((r) => r.accepted).length} of ${tiledRows.length}. PSNR/fPSNR in dB against the clean photo (∞ capped at ${CAP}); "changed outside" = share of pixels outside the true mark that differ from the input; ms per image in Node.`,
    '',
    table(['family', 'n', 'method', 'PSNR', 'fPSNR', 'changed outside', 'ms'], tiledTable),
    '',
    ...(large ? [large.md, ''] : []),
    `**Batches** (${o.batches} batches × 16 held-out photos (${o.split} split) at 640×480, one mark per batch moved ±10 px, α 0.2–0.7, JPEG q 70–95). K = 1 is one-click on the first image; K ≥ 2 learns one mark from the first K images and inverts it in each. "first image" scores the same image at every K, "images 1–2" the two that every K ≥ 2 scores, "images 1–8" the eight that K = 8 and 16 score: the mean over all images scored mixes in the images that only larger K learn from. "clean sets learned from": the same K photos without their mark given to learning; every mark learned from them is false.`,
    '',
    table(
      ['K', 'images scored', 'input fPSNR', 'fPSNR', 'PSNR', 'first image fPSNR', 'images 1–2 fPSNR', 'images 1–8 fPSNR', 'failed estimates', 'clean sets learned from', 'ms per batch'],
      batchRows.map((r) => [String(r.k), String(r.fpsnr.length), fmt(mean(r.input), 2), fmt(mean(r.fpsnr), 2), fmt(mean(r.psnr), 2), fmt(mean(r.first), 2), r.first2.length > 0 ? fmt(mean(r.first2), 2) : '–', r.first8.length > 0 ? fmt(mean(r.first8), 2) : '–', String(r.failed), r.k >= 2 ? `${r.cleanAccepted} of ${o.batches}` : '–', fmt(mean(r.ms), 0)]),
    ),
    '',
    `**Periodic clean pictures** (nothing to remove; every changed pixel is damage). "repeats" = pixels the lattice inversion changes; "one-click" = all of one-click, detector included.`,
    '',
    table(['picture', 'lattice', 'verdict', 'changed by repeats', 'changed by one-click'], periodicRows.map((r) => [r.id, r.accepted ? 'accepted' : 'refused', r.reason, `${fmt(r.changedRepeats * 100, 3)} %`, `${fmt(r.changedOneClick * 100, 3)} %`])),
    '',
    `Clean held-out photos (${picks.length}, every ${Math.round(names.length / picks.length)}th of \`training/splits/${o.split}-photos.txt\`): a lattice was accepted in ${acceptedPhotos}${acceptedNames.length ? ` (${acceptedNames.join(', ')})` : ''}; repeats changed ${fmt(mean(changedPhotos) * 100, 3)} % of pixels on average.`,
  ].join('\n');
  return { md, json: { tiled: tiledRows.map((r) => ({ id: r.c.id, info: r.c.info, accepted: r.accepted, reason: r.reason, scores: r.scores })), batches: batchRows, periodic: periodicRows, photos: { n: picks.length, accepted: acceptedNames, meanChanged: mean(changedPhotos) }, ...(large ? { large: large.json } : {}) } };
}
