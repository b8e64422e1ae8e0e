/**
 * One mark across a batch (Dekel et al. 2017, steps 1–4, for K images that share
 * a mark whose position may vary): phase-correlate the images to find each one's
 * shift, take the consistent gradients' bounding box as the mark's crop, estimate
 * α and W from the aligned crops, refine each image's shift to a fraction of a
 * pixel and estimate again. Every image keeps the mark's one opacity.
 */
import { throwIfAborted, WmError } from '../errors';
import { resizeRgbaArea } from '../tensor';
import type { RgbaImage } from '../types';
import { bestReferenceShifts, complexGradientMap, magnitudeMap, refineShift, reinforcedShifts, signedGradients, type Shift } from './align';
import { estimateMark, type InstanceStack, type MarkDiagnostics, type MarkEstimate } from './estimate';
import { MANY_INSTANCES, MAX_CORE_SIGMA } from './core';
import { nextPow2 } from './fft';
import type { Placement } from './field';
import { inversionEnergyRatio, inversionFlattens } from './gain';
import { markPresent } from './presence';
import { lumaAt, quantile, quantileInPlace, sampleRgb, type Vec2 } from './sample';
import { judgeRepeats } from './repeats';
import { poolTemplate } from './template-pool';
import { consistentBox, consistentGradients, supportBox } from './batch-box';
import { dropUnsharedParts } from './batch-parts';
import { keepNearBody, neighbours } from './support';
import type { MarkTemplate } from './template';

export interface SharedMark {
  template: MarkTemplate;
  /** Where the mark sits in each input image, in input order; null where it was not found. */
  placements: (Placement | null)[];
  diagnostics: MarkDiagnostics;
}

/**
 * Alignment works on gradient maps this long, capped at their 95th percentile.
 * Measured on the bench's three K = 8 batches (all 56 ordered pairs each): at
 * 256 px and uncapped, 4/56 pairs of the faint batch (text, α 0.2, JPEG q70)
 * were placed right; at 512 px capped at 0.95, 34/56, with no wrong pair above
 * MIN_DISTINCTNESS; the other two batches stay at 54–56/56.
 */
const WORK_SIDE = 512;
const CLIP_QUANTILE = 0.95;
/** The mark's box is found on maps this long, where strong consistent edges 6 px apart belong to one mark (batch-box.ts). */
const BOX_SIDE = 256;
/**
 * Share of the used images in which inverting the estimate must flatten the mark
 * to overrule a content verdict. A faint mark over texture flattens in fewer
 * (4 of 7 on the α 0.2 batch at K = 8); 4 clean noise photos still fail it.
 */
const FLATTEN_SHARE = 0.55;
const MARGIN = 12;
/** keepNearBody (support.ts): α is kept within BODY_REACH px of where it is at least BODY_SHARE of the mark's. */
const BODY_SHARE = 0.3;
const BODY_REACH = 3;
/** Phase-correlation peak over the next best: below this an image is not used to estimate the mark. */
const MIN_DISTINCTNESS = 1.2;
/** How far from the others' median shift an image that phase correlation could not place is searched, in pixels. */
const OUTLIER_RADIUS = 24;
/** From two images, the share of the estimate's α mass the parts test must keep when the mark does not flatten in both (see learnSharedMark). */
const TWO_SHARED = 0.8;

/**
 * Each image's shift against a reference: phase correlation of gradient directions
 * (`complexGradientMap`: the pictures' edges point every way and cancel, a white or
 * black mark's point the same way in every image), and of magnitudes where that places
 * more images (a mid-grey mark is darker than some pictures and lighter than others,
 * so its edges flip). Val batches (`--marks-split val`, 15 pairs each against the first
 * image): directions placed 15/15 and 4/15 right where magnitudes placed 13/15 and 1/15.
 */
function alignBatch(images: readonly RgbaImage[], scale: number): { ref: number; shifts: Shift[] } {
  const placed = (r: { shifts: Shift[] }) => r.shifts.filter((x) => x.distinctness >= MIN_DISTINCTNESS).length;
  const grads = images.map((im) => signedGradients(im, scale));
  const { w, h } = grads[0];
  // Images one reference could not place are tried against the placed ones' sum (val, seed 13,
  // K = 4: 19 → 22 of 24 images placed; mean fPSNR at K = 8 27.95 → 29.86 dB, seed 77 K = 8/16
  // 28.09/31.95 → 28.54/32.69; no clean set accepted, 72 tried).
  const reinforce = (r: { ref: number; shifts: Shift[]; spec: Float64Array[] }) => ({ ...r, shifts: reinforcedShifts(r.spec, w, h, r.ref, r.shifts, MIN_DISTINCTNESS) });
  const byDirection = reinforce(bestReferenceShifts(grads.map((g) => complexGradientMap(g, CLIP_QUANTILE).map), w, h, MIN_DISTINCTNESS));
  if (placed(byDirection) === images.length) return byDirection;
  const magnitudes = grads.map((g) => magnitudeMap(g, CLIP_QUANTILE).map);
  const byMagnitude = reinforce(bestReferenceShifts(magnitudes, w, h, MIN_DISTINCTNESS));
  return placed(byMagnitude) > placed(byDirection) ? byMagnitude : byDirection;
}

/**
 * Two images are copies of one picture when the median absolute difference of
 * their grey thumbnails (COPY_SIDE px long) is under COPY_LEVEL (0–255): a mark
 * that moves between them changes a few per cent of the thumbnail, and JPEG a
 * level. Val batches (seeds 7, 13 and 1235, 8 batches of 16 each; the bench draws
 * photos with replacement): 11 pairs of copies measured 0–1.0, the closest pairs of
 * different photos 3.0, 4.0 and 5.0 (plain backgrounds). In one batch the same
 * photo came twice among the first 8; the two aligned on the whole picture, and
 * the K = 8 estimate was a black "mark" over most of the image (whole-image PSNR
 * 44 → 22 dB on the 4 images it was placed in). Now that batch is refused.
 */
const COPY_SIDE = 64;
const COPY_LEVEL = 2;

/** Per image: true when it is a copy of an earlier one. */
function copiesOfEarlier(images: readonly RgbaImage[]): boolean[] {
  const { width, height } = images[0];
  const s = COPY_SIDE / Math.max(width, height);
  const tw = Math.max(4, Math.round(width * s));
  const th = Math.max(4, Math.round(height * s));
  const greys = images.map((im) => {
    const t = resizeRgbaArea(im, tw, th);
    return Float32Array.from({ length: tw * th }, (_, i) => lumaAt(t, i % tw, Math.floor(i / tw)));
  });
  const diff = new Float32Array(tw * th);
  return greys.map((g, k) =>
    greys.slice(0, k).some((h) => {
      for (let i = 0; i < diff.length; i++) diff[i] = Math.abs(g[i] - h[i]);
      return quantileInPlace(diff, diff.length, 0.5) < COPY_LEVEL;
    }),
  );
}

export interface SharedMarkOptions {
  /** Pool α again from every image's pixels (template-pool.ts poolTemplate); default true. */
  pool?: boolean;
}

export function learnSharedMark(images: readonly RgbaImage[], signal?: AbortSignal, onProgress?: (share: number) => void, opts: SharedMarkOptions = {}): SharedMark {
  if (images.length < 2) throw new WmError('E_MARK_TOO_FEW', 'Learning a mark needs at least two images that carry it.');
  const { width, height } = images[0];
  const odd = images.findIndex((im) => im.width !== width || im.height !== height);
  if (odd >= 0) {
    throw new WmError(
      'E_MARK_SIZE_MISMATCH',
      `All images must have the same size to learn one mark: image 1 is ${width}×${height}, image ${odd + 1} is ${images[odd].width}×${images[odd].height}.`,
    );
  }
  // Copies of one picture teach nothing about the mark: aligned on the whole picture, they make it the "mark".
  const copies = copiesOfEarlier(images);
  if (copies.filter((c) => !c).length < 2) {
    throw new WmError('E_MARK_TOO_FEW', 'These images are copies of one picture: learning a mark needs at least two different pictures that carry it.');
  }
  const scale = Math.min(1, WORK_SIDE / Math.max(width, height));
  const { ref, shifts } = alignBatch(images, scale);
  throwIfAborted(signal);
  onProgress?.(0.15);
  // Images whose correlation peak does not stand out, and copies, are placed later, from the estimate, not used for it.
  let inliers = shifts.map((s, k) => k).filter((k) => shifts[k].distinctness >= MIN_DISTINCTNESS && !copies[k]);
  if (inliers.length < 2) throw new WmError('E_MARK_NOT_FOUND', 'These images share no mark that could be found: nothing repeats from one image to the next.');

  // The consistent gradients (Dekel et al. eq. 4), on coarse maps (BOX_SIDE) where a
  // mark's words join into one cluster (batch-box.ts).
  const boxScale = Math.min(1, BOX_SIDE / Math.max(width, height));
  const bw0 = Math.max(4, Math.floor(width * boxScale));
  const bh0 = Math.max(4, Math.floor(height * boxScale));
  const ratio = boxScale / scale;
  const med = consistentGradients(
    inliers.map((k) => signedGradients(images[k], boxScale)),
    inliers.map((k) => [shifts[k].d[0] * ratio, shifts[k].d[1] * ratio] as Vec2),
    bw0,
    bh0,
  );
  const box = consistentBox(med, bw0, bh0);
  if (!box) throw new WmError('E_MARK_NOT_FOUND', 'These images share no mark that could be found: no edges are the same in all of them.');

  // The crop in the reference image's pixels, power-of-two sided for the Poisson solve.
  const bx = box.x0 / boxScale;
  const by = box.y0 / boxScale;
  const bw = (box.x1 - box.x0 + 1) / boxScale;
  const bh = (box.y1 - box.y0 + 1) / boxScale;
  const cw = nextPow2(Math.ceil(bw + 2 * MARGIN));
  const ch = nextPow2(Math.ceil(bh + 2 * MARGIN));
  const cx0 = Math.round(bx + bw / 2 - cw / 2);
  const cy0 = Math.round(by + bh / 2 - ch / 2);
  let offsets: Vec2[] = shifts.map((s) => [s.d[0] / scale, s.d[1] / scale]);

  const stackFor = (off: Vec2[], members: readonly number[] = inliers): InstanceStack => {
    // Marks are usually pasted at whole pixels: read those exactly, resample only true fractions.
    const use = members.map((k) => off[k].map((v) => (Math.abs(v - Math.round(v)) < 0.2 ? Math.round(v) : v)) as Vec2);
    return {
      width: cw,
      height: ch,
      count: members.length,
      topology: { kind: 'clamp' },
      row(j, y, out) {
        const k = members[j];
        for (let x = 0; x < cw; x++) sampleRgb(images[k], cx0 + x + use[j][0], cy0 + y + use[j][1], out, x * 3);
      },
    };
  };
  const trimmed = (e: MarkEstimate): { template: MarkTemplate; x0: number; y0: number } | null => {
    const support = new Uint8Array(e.alphaHw.length);
    for (let i = 0; i < support.length; i++) support[i] = e.alphaHw[i] > 0.01 ? 1 : 0;
    const trim = supportBox(support, cw, ch);
    if (!trim || e.opacity <= 0) return null;
    const tw = trim.x1 - trim.x0 + 1;
    const th = trim.y1 - trim.y0 + 1;
    const alphaHw = new Float32Array(tw * th);
    for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) alphaHw[y * tw + x] = e.alphaHw[(y + trim.y0) * cw + x + trim.x0];
    return { template: { width: tw, height: th, alphaHw, colour: e.colour }, x0: trim.x0, y0: trim.y0 };
  };
  /** Where a trimmed estimate sits in image i. */
  const placeIn = (k: { x0: number; y0: number }, i: number): Placement => ({ x: cx0 + k.x0 + offsets[i][0], y: cy0 + k.y0 + offsets[i][1], scale: 1, gain: 1 });
  let estimate = estimateMark(stackFor(offsets), signal, (s) => onProgress?.(0.15 + 0.35 * s));
  // An image placed far from the others by a chance correlation peak pulls its own picture
  // into the median: kept only where the first estimate is present at that place.
  const dropped = farImagesWithoutMark(images, inliers, offsets, trimmed(estimate), cx0, cy0);
  if (dropped.length > 0 && inliers.length - dropped.length >= 2) {
    inliers = inliers.filter((k) => !dropped.includes(k));
    estimate = estimateMark(stackFor(offsets), signal);
  }
  // Sub-pixel shifts on the mark's own edges, then estimate again.
  const points = edgePoints(estimate.alphaHw, cw, ch, cx0, cy0);
  if (points.length >= 30) {
    offsets = offsets.map((o, k) => (k === ref || !inliers.includes(k) ? o : refineShift(images[k], points, o)));
    estimate = estimateMark(stackFor(offsets), signal, (s) => onProgress?.(0.5 + 0.4 * s));
  }
  throwIfAborted(signal);
  const verdict = judgeRepeats(estimate.diagnostics, 0, false, 'batch');
  const refuse = (why: string) => new WmError('E_MARK_NOT_FOUND', `These images share no mark that could be found${why ? `: ${why}` : ''}.`);
  let kept = trimmed(estimate);
  // Each image asked whether the mark learned from the others is present in it: a template learned
  // from an image's own pixels explains them too kindly (four clean photos pass), one from the others does not.
  const presentLeavingOneOut = (): boolean => {
    if (inliers.length < MANY_INSTANCES) return false;
    let present = 0;
    for (const i of inliers) {
      throwIfAborted(signal);
      const others = inliers.filter((k) => k !== i);
      // Where the mark is and its colour are the whole estimate's; α is the others' alone.
      // From three images a support and W of their own hold their pictures (val, seed 13,
      // K = 4: a white text learned black from each three, present in none of the four).
      const t = trimmed(estimateMark({ ...stackFor(offsets, others), support: estimate.supportHw }, signal, undefined, undefined, undefined, estimate.colour));
      if (t && markPresent(images[i], t.template, placeIn(t, i))) present++;
    }
    return present >= Math.max(2, Math.ceil(FLATTEN_SHARE * inliers.length));
  };
  if (!kept) throw refuse(verdict !== 'ok' ? verdict : '');
  // From two images the median is their mean: the estimate holds each picture's strong
  // content at half its contrast, and two unrelated photos can pass every verdict (val,
  // seed 77: 2 of 24 clean pairs and quadruples were accepted as a black "mark" the size
  // of the picture). Parts of the estimate that not both images carry are dropped
  // (batch-parts.ts). Then the mark must flatten in both, or (a strong mark over
  // texture, whose inversion amplifies the texture under it) lose little to the parts
  // test and add gradient energy in neither image. Val, K = 2 (seeds 77 and 13): the
  // marks accepted kept 0.87–1 of their α mass; every estimate that held the pictures
  // (two clean pairs, three marked) kept 0.35–0.49.
  const twoOnly = inliers.length < 3;
  let sharedShare = 1;
  if (twoOnly) {
    const k = kept;
    const parts = dropUnsharedParts(inliers.map((i) => images[i]), k.template, inliers.map((i) => placeIn(k, i)), BODY_SHARE, BODY_REACH);
    if (parts.dropped === parts.parts) throw refuse('no part of it is in both images');
    sharedShare = parts.kept;
  }
  if (verdict !== 'ok' || twoOnly) {
    // With few images the median still holds much of the pictures, so the contrast
    // looks two-sided or not one colour although the mark is there, and the spread of
    // four values says little of what shows through. Those verdicts are overruled when
    // inverting the estimate flattens the mark in nearly every image on its own pixels,
    // or when the mark learned from the others is present in most images (val batches,
    // seed 6, K = 8: a white text over busy JPEG photos, 16.5 → 26.2 dB; 5 of 7 present,
    // 0 of 4 clean noise photos; seed 77, K = 4: a white logo at transmission 0.32,
    // 9.9 → 26.7 dB, flattening in 3 of 4); anything else is refused.
    if (verdict !== 'ok' && !/two-sided contrast|not one colour|nothing shows through/.test(verdict)) throw refuse(verdict);
    const flattens = (k: { template: MarkTemplate; x0: number; y0: number }) =>
      inliers.filter((i) => inversionFlattens(images[i], k.template, placeIn(k, i))).length >=
      Math.max(2, Math.ceil(FLATTEN_SHARE * inliers.length));
    const flat = flattens(kept);
    if (!flat && twoOnly) {
      const addsNowhere = inliers.every((i) => inversionEnergyRatio(images[i], kept!.template, placeIn(kept!, i)) < 1);
      if (sharedShare < TWO_SHARED || !addsNowhere) throw refuse(verdict !== 'ok' ? verdict : 'inverting it does not flatten it in both images');
    } else if (!flat) {
      // A core snapped to one opacity from a wide spread (core.ts, from four images on) may
      // be what fails here, on a faint mark: try once more with the narrow snap.
      const strict = inliers.length >= MANY_INSTANCES ? trimmed(estimateMark(stackFor(offsets), signal, undefined, undefined, MAX_CORE_SIGMA)) : null;
      if (strict && flattens(strict)) kept = strict;
      else if (!presentLeavingOneOut()) throw refuse(verdict);
    }
  }
  const { template, x0: trimX, y0: trimY } = kept!;
  const placements = offsets.map(([dx, dy], k): Placement | null => {
    if (!inliers.includes(k)) {
      // Search near where the others have it, and keep it only if the mark is present there (presence.ts).
      const centre: Vec2 = [
        quantile(inliers.map((j) => offsets[j][0]), 0.5),
        quantile(inliers.map((j) => offsets[j][1]), 0.5),
      ];
      const [ox, oy] = refineShift(images[k], points, centre, OUTLIER_RADIUS);
      const at = { x: cx0 + trimX + Math.round(ox), y: cy0 + trimY + Math.round(oy), scale: 1, gain: 1 };
      return markPresent(images[k], template, at) ? at : null;
    }
    const snap = (v: number) => (Math.abs(v - Math.round(v)) < 0.2 ? Math.round(v) : v);
    // One opacity for every image: a mark exported with one preset has one, and a gain
    // fitted per image on JPEG pixels was measured to hurt (bench batches, K = 8).
    return { x: cx0 + trimX + snap(dx), y: cy0 + trimY + snap(dy), scale: 1, gain: 1 };
  });
  // The estimate's α comes from median gradients on the working crop; pool it again
  // from every image's own pixels against a smooth background (pool.ts).
  const pooled = opts.pool === false ? { template, placements } : poolTemplate(images, template, placements, signal);
  // Faint α joined to the mark by a thread is the pictures' leftovers (val, seed 77, K = 8: a
  // 306×39 text learned as 312×190): whole-image PSNR over the accepted batches at K = 4/8/16
  // 48.29/48.49/52.19 → 48.33/48.67/52.35 dB, fPSNR inside the marks unchanged.
  keepNearBody(pooled.template.alphaHw, neighbours(pooled.template.width, pooled.template.height, { kind: 'clamp' }), BODY_SHARE, BODY_REACH);
  onProgress?.(1);
  return { ...pooled, diagnostics: estimate.diagnostics };
}

/**
 * Inliers that phase correlation placed more than OUTLIER_RADIUS from the median
 * shift and where the first estimate is not present (presence.ts): a chance peak
 * (val, seed 77: two of 8 images placed 100–270 px from the rest, each pulling
 * its picture into the median). A mark that truly moves is present where it was placed.
 */
function farImagesWithoutMark(
  images: readonly RgbaImage[],
  inliers: readonly number[],
  offsets: readonly Vec2[],
  first: { template: MarkTemplate; x0: number; y0: number } | null,
  cx0: number,
  cy0: number,
): number[] {
  if (!first || inliers.length < 3) return [];
  const mid = [0, 1].map((d) => quantile(inliers.map((k) => offsets[k][d]), 0.5));
  return inliers.filter((k) => {
    if (Math.hypot(offsets[k][0] - mid[0], offsets[k][1] - mid[1]) <= OUTLIER_RADIUS) return false;
    const at = { x: cx0 + first.x0 + Math.round(offsets[k][0]), y: cy0 + first.y0 + Math.round(offsets[k][1]), scale: 1, gain: 1 };
    return !markPresent(images[k], first.template, at);
  });
}

/** Template edge points (x, y, weight) in the first image's pixels, for the sub-pixel search. */
function edgePoints(alphaHw: Float32Array, w: number, h: number, x0: number, y0: number): Float32Array {
  const out: number[] = [];
  for (let y = 1; y < h - 1; y++) for (let x = 1; x < w - 1; x++) {
    const i = y * w + x;
    const g = Math.hypot(alphaHw[i + 1] - alphaHw[i - 1], alphaHw[i + w] - alphaHw[i - w]);
    if (g > 0.1) out.push(x0 + x, y0 + y, g);
  }
  // At most ~4000 points: every k-th, evenly.
  const n = out.length / 3;
  const step = Math.max(1, Math.floor(n / 4000));
  const kept: number[] = [];
  for (let k = 0; k < n; k += step) kept.push(out[k * 3], out[k * 3 + 1], out[k * 3 + 2]);
  return Float32Array.from(kept);
}
