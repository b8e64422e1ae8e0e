/**
 * Triage of detected regions (../README.md): before a region reaches the mask,
 * decide whether it is a mark or the picture's own content, from evidence that
 * separates them (../../../../shared/notes/mark-estimation.md):
 *   - the one-colour blend fit (mark/single.ts): a semi-transparent blend of one
 *     colour over the picture is almost surely a mark; several colours, or the
 *     picture's own texture, is not a blend at all;
 *   - repetition: a region on an accepted lattice of repeats is a mark;
 *   - the ring around the region: content text sits on its own flat background
 *     (paper, a sign, a plate), while a mark is laid over the photo's texture;
 *   - position: marks sit in corners, header and footer bands, or the centre.
 * "content" regions are kept in the list but switched off, so one click never
 * wipes a document.
 */
import { resizeRgbaArea } from '../tensor';
import type { Mask, Rect, Region, RegionKind, RegionVerdict, RgbaImage } from '../types';
import { fitOneColour, harmonicFill, type BlendVerdict } from '../mark/single';
import { lumaAt } from '../mark/sample';

export type Placement = 'corner' | 'header' | 'footer' | 'centre' | 'interior';

export interface TriageEvidence {
  blend: BlendVerdict;
  /** Opacity of the fitted one-colour blend (0 when it is not a blend). */
  opacity: number;
  /** Share of the region's deviation from its background that one colour explains. */
  explained: number;
  /** Mean luma gradient (0–255 per pixel) in the ring around the region: low = a flat background of its own. */
  ringTexture: number;
  placement: Placement;
  /** The region lies on an accepted lattice of repeats. */
  repeated: boolean;
  /** A text detection the detector is sure of (confidence > CRISP_TEXT): crisp, opaque print. */
  crispText: boolean;
  /** The region's box over the image's area. */
  boxShare: number;
  /** The region's box width over the image's width. */
  widthShare: number;
  /**
   * Luma range, 1st to 99th percentile (0–255), of the region's own pixels in the middle of its box (15 %
   * of each side left out, where the picture around a band creeps in) at full resolution: about 0 where
   * nothing is drawn on it (a border, a blank band), tens where a mark's text or logo is, even a short one.
   */
  inkRange: number;
  /** The whole picture is one periodic pattern (a refused lattice): its placement is no evidence. */
  periodicPicture?: boolean;
}

export interface Triage {
  verdict: RegionVerdict;
  evidence: TriageEvidence;
  /** Why, in words, for the region list and --json. */
  reason: string;
}

/**
 * A text detector is this sure only of crisp, opaque print: on the val split
 * (training/splits/val-photos.txt and the synthetic val set) no marked region
 * scored above it, and such regions were 88 % of the clean photos' flagged area.
 */
export const CRISP_TEXT = 0.95;
/** The largest box (share of the image) a centred line of mark text takes; chosen on the val split. */
export const CENTRE_LINE_SHARE = 0.1;
/**
 * …and the least of the picture's width it spans: a stock mark's line runs across
 * the centre (the CLI fixtures' "PROOF", "STOCK" and "SAMPLE": 0.42–0.50 of the
 * width). On the val split (160 marked cases, 26 text-rich and 40 other clean
 * photos) the centre-line rule fired 28 times, never on a mark: 23 times on short
 * lines of the pictures' own text (licence plates centred in their photos among
 * them), 0.01–0.28 of the width, which this turns off, and on five wider lines of
 * screenshots and photos (0.32–0.67), which it keeps. Text-rich val photos: the
 * area one click takes 0.650 → 0.415 %; no marked family lost IoU.
 */
export const CENTRE_LINE_WIDTH = 0.3;
/**
 * With this many lines of print already judged the picture's own (isPrintLine),
 * every other text region (not on a lattice) is taken for the same text. Chosen
 * on the val split (quality-data val seed 99, 26 text-rich and 40 other clean
 * photos, 80 marked cases): with the shipped detector the area one click takes
 * from text-rich clean photos fell 1.40 → 0.72 %, with no marked case losing
 * IoU; counting every content text region (border specks too) took it to 0.57 %
 * but switched off a centred "PROOF" mark on a plain gradient (cli.test.ts).
 */
export const PAGE_TEXT_LINES = 3;
/**
 * At most this luma range (inkRange) a region holds nothing to remove: one flat colour, a photo's white
 * border or a blank band. Over the val split (160 marked cases, 26 text-rich and 200 other clean photos, at
 * their own size and at a long side of 1024) the regions triage kept at an edge with a range of 0–5 were
 * six, none on a mark: a motorbike photo's white bottom border (6.8 % of it at 1024 px), a blank band under
 * a licence-plate photo, a receipt's empty corner and three regions of marked cases off the mark; the marks'
 * own regions read 9 and up (footer bars with their text: 9, 12, 84).
 */
export const PLAIN_RANGE = 5;
/** Pixels the middle of a region's box needs for inkRange to say anything (a 3×4 speck has one). */
const MIN_MIDDLE = 100;
/** Below this mean ring gradient (0–255 luma per pixel) the background counts as flat: paper, a sign, a sky. */
export const FLAT_RING = 3;
/** The fit runs on the region's crop shrunk to this side at most: it decides a verdict, it does not invert. */
const FIT_SIDE = 128;
const RING = 8;

export function placementOf(box: Rect, width: number, height: number): Placement {
  const cx = (box.x + box.width / 2) / width;
  const cy = (box.y + box.height / 2) / height;
  const nearX = box.x < 0.2 * width || box.x + box.width > 0.8 * width;
  const top = box.y < 0.15 * height;
  const bottom = box.y + box.height > 0.85 * height;
  const smallish = box.width < 0.5 * width;
  if (smallish && nearX && (top || bottom) && (cx < 0.3 || cx > 0.7)) return 'corner';
  if (bottom && cy > 0.8) return 'footer';
  if (top && cy < 0.2) return 'header';
  if (Math.abs(cx - 0.5) < 0.15 && Math.abs(cy - 0.5) < 0.2) return 'centre';
  return 'interior';
}

/**
 * Triage one region: `mask` is the detector's full-resolution mask (the region's
 * pixels are those inside `box`), `repeats` an optional mask of accepted repeats.
 */
export function triageRegion(
  image: RgbaImage,
  mask: Mask,
  box: Rect,
  repeats?: Mask | null,
  detection?: { kind: RegionKind; confidence: number },
  periodicPicture = false,
): Triage {
  const crop = shrinkCrop(image, mask, box);
  const fit = fitOneColour(crop.image, markPixels(crop.image, crop.mask), crop.box);
  const evidence: TriageEvidence = {
    blend: fit.verdict,
    opacity: fit.verdict === 'not-a-blend' ? 0 : fit.opacity,
    explained: fit.explained,
    ringTexture: ringTexture(crop.image, crop.mask, crop.box, crop.scale),
    placement: placementOf(box, image.width, image.height),
    repeated: repeats ? overlapShare(repeats, box) > 0.2 : false,
    crispText: detection ? detection.kind === 'text' && detection.confidence > CRISP_TEXT : false,
    boxShare: (box.width * box.height) / (image.width * image.height),
    widthShare: box.width / image.width,
    inkRange: lumaRange(image, mask, box),
    ...(periodicPicture ? { periodicPicture } : {}),
  };
  return decide(evidence);
}

export function decide(e: TriageEvidence): Triage {
  // Crisp one-colour text across the centre stays the stock mark it is over a fine periodic texture
  // too (a CLI fixture's "STOCK" over a gradient with 4-px stripes, once its lattice was refused).
  const centreLine = e.crispText && e.placement === 'centre';
  if (e.periodicPicture && e.placement !== 'interior' && !centreLine) {
    // A tiled floor or a plaid has a pattern at every corner and along every edge: where a
    // region sits says nothing there (the marks bench's plaid-800: five bands of the plaid
    // at the bottom were "overlays in the corner", 0.63 % of the picture).
    const t = decide({ ...e, placement: 'interior' });
    if (t.verdict !== 'content') return { ...t, evidence: e };
    return { verdict: 'content', evidence: e, reason: `${t.reason} (the picture is one periodic pattern: its ${e.placement} is no evidence)` };
  }
  const markPlace = e.placement !== 'interior';
  const edge = e.placement === 'corner' || e.placement === 'footer' || e.placement === 'header';
  const flat = e.ringTexture < FLAT_RING;
  if (e.repeated) return { verdict: e.blend === 'opaque' ? 'opaque-mark' : 'overlay', evidence: e, reason: 'repeats on a lattice' };
  // Nothing drawn on it: a fill would only invent picture where a border or a blank band is.
  if (e.inkRange <= PLAIN_RANGE) return { verdict: 'content', evidence: e, reason: 'one flat colour with nothing drawn on it (a border, a blank band): nothing to remove' };
  if (e.crispText) {
    // Crisp print is content, except the two shapes stock marks take: an opaque
    // one-colour stamp over the picture at an edge, and a one-colour overlay line
    // across the centre ("© SAMPLE STOCK"), not a region that covers a tenth of the
    // picture (on the val split those were objects read as text), nor a short line in
    // the middle (a licence plate, a badge).
    if (e.blend === 'opaque' && edge && !flat) return { verdict: 'opaque-mark', evidence: e, reason: `crisp opaque text over the picture in the ${e.placement}` };
    if (e.blend === 'overlay' && e.placement === 'centre' && e.boxShare <= CENTRE_LINE_SHARE && e.widthShare >= CENTRE_LINE_WIDTH) return { verdict: 'overlay', evidence: e, reason: 'crisp one-colour overlay across the centre of the picture' };
    return { verdict: 'content', evidence: e, reason: 'crisp text the detector is sure of: print, not a see-through mark' };
  }
  if (e.blend === 'not-a-blend') return { verdict: 'content', evidence: e, reason: 'not one colour blended over the picture' };
  if (e.blend === 'overlay') {
    // On a flat background a grey print and a see-through mark look the same: position decides.
    if (!flat || markPlace) return { verdict: 'overlay', evidence: e, reason: flat ? `one-colour overlay in the ${e.placement}` : 'one-colour overlay over the picture' };
    return { verdict: 'content', evidence: e, reason: 'one colour on a flat background of its own, away from where marks go' };
  }
  // Opaque and one colour: a stamp at an edge of the picture, or print on its own background.
  // Not in the centre, where a photo keeps its subject: an opaque shape there is the subject's own
  // print (a plate, a decal, a label). On the val split (160 marked cases, 66 clean photos) the
  // centre's verdicts held 14 px of marks and 7549 px of content; a stock mark across the centre
  // is see-through, which the overlay rules keep.
  if (edge) return { verdict: 'opaque-mark', evidence: e, reason: `opaque, one colour, ${flat ? 'in' : 'over the picture in'} the ${e.placement}` };
  if (flat) return { verdict: 'content', evidence: e, reason: 'opaque print on a flat background of its own' };
  if (e.placement === 'centre') return { verdict: 'content', evidence: e, reason: 'opaque, in the centre where the subject is: its own print, not a see-through mark' };
  return { verdict: 'content', evidence: e, reason: 'opaque, inside the picture, away from where marks go' };
}

/** The region's crop with a ring around it, shrunk so its long side is at most FIT_SIDE. */
function shrinkCrop(image: RgbaImage, mask: Mask, box: Rect): { image: RgbaImage; mask: Mask; box: Rect; scale: number } {
  const side = Math.max(box.width, box.height) + 2 * RING;
  const scale = Math.min(1, FIT_SIDE / side);
  const pad = Math.ceil(RING / scale);
  const x0 = Math.max(0, box.x - pad);
  const y0 = Math.max(0, box.y - pad);
  const x1 = Math.min(image.width, box.x + box.width + pad);
  const y1 = Math.min(image.height, box.y + box.height + pad);
  const cw = x1 - x0;
  const ch = y1 - y0;
  const full: RgbaImage = { width: cw, height: ch, data: new Uint8ClampedArray(cw * ch * 4) };
  const fullMask = new Uint8Array(cw * ch);
  for (let y = 0; y < ch; y++) {
    full.data.set(image.data.subarray(((y0 + y) * image.width + x0) * 4, ((y0 + y) * image.width + x1) * 4), y * cw * 4);
    for (let x = 0; x < cw; x++) {
      const X = x0 + x;
      const Y = y0 + y;
      const inBox = X >= box.x && Y >= box.y && X < box.x + box.width && Y < box.y + box.height;
      fullMask[y * cw + x] = inBox && mask.data[Y * image.width + X] > 0 ? 255 : 0;
    }
  }
  const sw = Math.max(1, Math.round(cw * scale));
  const sh = Math.max(1, Math.round(ch * scale));
  const small = scale < 1 ? resizeRgbaArea(full, sw, sh) : full;
  const smallMask: Mask = { width: sw, height: sh, data: new Uint8Array(sw * sh) };
  for (let y = 0; y < sh; y++) for (let x = 0; x < sw; x++) {
    const fx = Math.min(cw - 1, Math.floor((x + 0.5) / scale));
    const fy = Math.min(ch - 1, Math.floor((y + 0.5) / scale));
    smallMask.data[y * sw + x] = fullMask[fy * cw + fx];
  }
  const b: Rect = {
    x: Math.floor((box.x - x0) * scale),
    y: Math.floor((box.y - y0) * scale),
    width: Math.max(1, Math.ceil(box.width * scale)),
    height: Math.max(1, Math.ceil(box.height * scale)),
  };
  return { image: small, mask: smallMask, box: b, scale };
}

/** inkRange: the 1st to 99th percentile luma range of the mask's pixels in the middle of the box, from a 256-bin histogram. */
function lumaRange(image: RgbaImage, mask: Mask, box: Rect): number {
  const hist = new Uint32Array(256);
  let n = 0;
  const mx = Math.max(1, Math.round(0.15 * box.width));
  const my = Math.max(1, Math.round(0.15 * box.height));
  for (let y = box.y + my; y < box.y + box.height - my; y++) {
    for (let x = box.x + mx; x < box.x + box.width - mx; x++) {
      if (!mask.data[y * image.width + x]) continue;
      hist[Math.round(lumaAt(image, x, y))]++;
      n++;
    }
  }
  // Too small to have a middle (a speck of a few pixels inside a glyph reads flat): no evidence either way.
  if (n < MIN_MIDDLE) return 255;
  const at = (q: number) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) if ((seen += hist[v]) > q * (n - 1)) return v;
    return 255;
  };
  return at(0.99) - at(0.01);
}

/** Mean luma gradient in the ring around the box (outside it), per full-resolution pixel. */
function ringTexture(image: RgbaImage, mask: Mask, box: Rect, scale: number): number {
  const { width: w, height: h, data } = image;
  const luma = (x: number, y: number) => {
    const o = (y * w + x) * 4;
    return 0.299 * data[o] + 0.587 * data[o + 1] + 0.114 * data[o + 2];
  };
  let sum = 0;
  let n = 0;
  for (let y = 0; y < h - 1; y++) {
    for (let x = 0; x < w - 1; x++) {
      const inBox = x >= box.x - 1 && y >= box.y - 1 && x <= box.x + box.width && y <= box.y + box.height;
      if (inBox || mask.data[y * w + x] > 0) continue;
      sum += Math.abs(luma(x + 1, y) - luma(x, y)) + Math.abs(luma(x, y + 1) - luma(x, y));
      n++;
    }
  }
  // A shrunk crop's steps span 1/scale pixels: per pixel, the gradient is that much smaller.
  return n > 0 ? (sum / n / 2) * scale : 0;
}

function overlapShare(m: Mask, box: Rect): number {
  let hit = 0;
  for (let y = box.y; y < box.y + box.height; y++) for (let x = box.x; x < box.x + box.width; x++) if (m.data[y * m.width + x]) hit++;
  return hit / Math.max(1, box.width * box.height);
}

/**
 * Triage every region of a detection in place: each gets a verdict and a reason,
 * and "content" regions are switched off (enabled = false). `mask` is the
 * detection's mask with every region on.
 */
export function triageRegions(image: RgbaImage, regions: Region[], mask: Mask, repeats?: Mask | null, periodicPicture = false): void {
  const judged: { region: Region; triage: Triage }[] = [];
  for (const r of regions) {
    if (r.box.width < 2 || r.box.height < 2) continue;
    const t = triageRegion(image, mask, r.box, repeats, r, periodicPicture);
    r.verdict = t.verdict;
    r.reason = t.reason;
    r.enabled = t.verdict !== 'content';
    judged.push({ region: r, triage: t });
  }
  // A page of the picture's own text (a document, a poster, a menu): its other
  // text lines are that text too, however mark-like one of them looks alone.
  const lines = judged.filter((j) => isPrintLine(j.region, j.triage)).length;
  if (lines < PAGE_TEXT_LINES) return;
  for (const { region: r, triage: t } of judged) {
    if (r.kind !== 'text' || t.verdict === 'content' || t.evidence.repeated) continue;
    r.verdict = 'content';
    r.reason = `one of ${lines + 1} or more text lines in the picture: its own text`;
    r.enabled = false;
  }
}

/**
 * A line of the picture's own print: a text region judged content because it is
 * crisp print or sits on a flat background of its own, big enough to be a line
 * (specks at the border and texture read as text do not make a page).
 */
function isPrintLine(r: Region, t: Triage): boolean {
  const e = t.evidence;
  const line = Math.min(r.box.width, r.box.height) >= 6 && Math.max(r.box.width, r.box.height) >= 16;
  return r.kind === 'text' && t.verdict === 'content' && line && (e.crispText || e.ringTexture < FLAT_RING);
}

/**
 * The pixels of a detector's blob that stand out from the background filled in
 * from around it (one pixel grown): a detector marks a box around a mark, and a
 * blend is fitted to the mark's own pixels, with the rest of the box as its
 * background.
 */
function markPixels(image: RgbaImage, blob: Mask): Mask {
  const { width: w, height: h } = image;
  const n = w * h;
  const J = new Float32Array(n * 3);
  const hole = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) J[i * 3 + c] = image.data[i * 4 + c] / 255;
    hole[i] = blob.data[i] > 0 ? 1 : 0;
  }
  const B = harmonicFill(J, hole, w, h);
  const dev = new Float32Array(n);
  const inside: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!hole[i]) continue;
    dev[i] = Math.hypot(J[i * 3] - B[i * 3], J[i * 3 + 1] - B[i * 3 + 1], J[i * 3 + 2] - B[i * 3 + 2]);
    inside.push(dev[i]);
  }
  inside.sort((a, b) => a - b);
  const tau = Math.max(0.05, inside[Math.floor(inside.length * 0.5)] ?? 0);
  const out: Mask = { width: w, height: h, data: new Uint8Array(n) };
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const i = y * w + x;
    if (!hole[i] || dev[i] <= tau) continue;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const xx = x + dx;
      const yy = y + dy;
      if (xx >= 0 && yy >= 0 && xx < w && yy < h && hole[yy * w + xx]) out.data[yy * w + xx] = 255;
    }
  }
  return out;
}
