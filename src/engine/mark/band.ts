/**
 * Bars: a footer or header of one colour laid across the picture at one
 * opacity, J = (1 − α)·I + α·W, usually with an ID or a site name on it (issue 9,
 * "find what is missed"). The picture goes on under the bar with its contrast
 * scaled by 1 − α, so across the bar's edge one row predicts the next: inner =
 * s·outer + α·W per channel, one slope s = 1 − α for all three channels, W inside
 * 0–255. Where the picture crosses the edge unchanged in shape but in a third of
 * its contrast or less, all along the edge, a bar is the physical explanation; a
 * picture's own edge (a horizon, a table top) changes along its length, and
 * shading does not cut contrast by three within three rows.
 *
 * On an area-averaged copy (long side ≤ WORK_SIDE) rows e − 2 and e + 1 are
 * compared for every e, so JPEG ringing and an edge that falls inside a working
 * pixel do not matter. An edge counts when the whole width fits one blend (slope,
 * correlation, spread, W in range) and at least AGREE_SHARE (70 %) of its informative
 * 24-px segments give the same slope and colour, with informative segments
 * making up at least half of the width. A bar runs from its edge to the border
 * (at most MAX_BORDER_BAND of the image) or to an opposite edge of the same
 * blend, and is at least 4 % of the image thick. Columns are searched the same
 * way, on the transposed picture.
 *
 * Chosen on the val split (bench-out/quality-data-val-s99-n20 and 80 val
 * photos): see barRegions for what the detector adds, and docs/quality.md.
 */
import { throwIfAborted } from '../errors';
import { resizeRgbaArea } from '../tensor';
import type { Rect, RgbaImage } from '../types';

export interface Band {
  /** In image pixels. */
  rect: Rect;
  /** The bar's opacity α = 1 − s. */
  opacity: number;
  /** W, 0–255. */
  colour: [number, number, number];
  /** Pooled correlation of the rows across the edge (0–1). */
  correlation: number;
}

const WORK_SIDE = 1024;
/** Mean per-channel variance of the outer row below which a range says nothing (flat sky). */
const MIN_VARIANCE = 64;
/** Correlation of the rows across the edge. */
const MIN_CORRELATION = 0.6;
/** The picture's own correlation between rows three apart, below which an edge cannot be read. */
const MIN_NATURAL = 0.5;
/** The inner row's spread over the outer's: a bar of α ≥ 0.4 scales it by ≤ 0.6. */
const MAX_SPREAD_RATIO = 0.6;
const MIN_SLOPE = 0.03;
/** A bar that reaches the border without an opposite edge is at most this share of the image. */
const MAX_BORDER_BAND = 0.3;
/** Segments of an edge checked on their own, working pixels; at least MIN_SEGMENTS say something, AGREE_SHARE of them agree. */
const SEGMENT = 24;
const MIN_SEGMENTS = 3;
const AGREE_SHARE = 0.7;
const INFORMATIVE_SHARE = 0.5;
/** A bar's thickness: at least this share of the image's side, and MIN_THICK working pixels. */
const MIN_THICK_SHARE = 0.04;
const MIN_THICK = 8;
/** The grey-level screen before the colour fit: looser than MIN_CORRELATION, MAX_SPREAD_RATIO and MIN_VARIANCE. */
const SCREEN_CORRELATION = 0.4;
const SCREEN_SPREAD = 0.8;
const SCREEN_VARIANCE = 16;
/** Lines fitting a blend beyond which a picture's rows (or columns) are taken to repeat a structure. */
const MAX_EDGE_LINES = 2;

interface Edge {
  /** Working row where the bar starts (below) or the first row past its end (above). */
  row: number;
  below: boolean;
  x0: number;
  x1: number;
  slope: number;
  colour: [number, number, number];
  correlation: number;
  score: number;
}

export function findBands(image: RgbaImage, signal?: AbortSignal): Band[] {
  const scale = Math.min(1, WORK_SIDE / Math.max(image.width, image.height));
  const w = Math.max(1, Math.floor(image.width * scale));
  const h = Math.max(1, Math.floor(image.height * scale));
  if (w < 4 * SEGMENT || h < 32) return [];
  const rgb = workingRgb(image, w, h);
  const out: Band[] = [];
  for (const horizontal of [true, false]) {
    throwIfAborted(signal);
    // Vertical bars: the same search on the transposed picture.
    const [tw, th, px] = horizontal ? [w, h, rgb] : [h, w, transpose(rgb, w, h)];
    for (const b of bandsAlongRows(px, tw, th)) {
      const r = horizontal ? b.rect : { x: b.rect.y, y: b.rect.x, width: b.rect.height, height: b.rect.width };
      out.push({ ...b, rect: toImage(r, scale, image.width, image.height) });
    }
  }
  return out;
}

/** Bars along the rows of a working picture, in its pixels. */
function bandsAlongRows(px: Float32Array, w: number, h: number): Band[] {
  const edges: Edge[] = [];
  const S = new Float64Array((w + 1) * 15);
  const grey = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) grey[i] = (px[i * 3] + px[i * 3 + 1] + px[i * 3 + 2]) / 3;
  for (let e = 2; e <= h - 2; e++) {
    // Rows e − 2 (a) and e + 1 (b) straddle an edge between rows e − 1 and e. Most rows
    // are no bar's edge: a loose screen on their grey levels first (SCREEN_*).
    if (!mayBeEdge(grey, w, e - 2, e + 1)) continue;
    const ra = (e - 2) * w * 3;
    const rb = (e + 1) * w * 3;
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        const a = px[ra + x * 3 + c];
        const b = px[rb + x * 3 + c];
        const o = (x + 1) * 15 + c * 5;
        const p = x * 15 + c * 5;
        S[o] = S[p] + a;
        S[o + 1] = S[p + 1] + b;
        S[o + 2] = S[p + 2] + a * a;
        S[o + 3] = S[p + 3] + b * b;
        S[o + 4] = S[p + 4] + a * b;
      }
    }
    for (const below of [true, false]) {
      // Rows three apart decorrelate even without a bar: the slope across the edge is read
      // against the picture's own correlation at that distance, on the outer side.
      const [o1, o2] = below ? [e - 5, e - 2] : [e + 1, e + 4];
      if (o1 < 0 || o2 >= h) continue;
      const natural = rowCorrelation(px, w, o1, o2);
      if (!(natural >= MIN_NATURAL)) continue;
      const edge = fitEdge(S, 0, w, below, natural);
      if (edge) edges.push({ ...edge, row: e, below });
    }
  }
  // A bar has two edges at most; more lines that fit a blend are the picture's own repeated
  // straight edges (grout, a weave's threads, blinds): no bar along these lines.
  let lines = 0;
  for (let i = 0; i < edges.length; i++) if (i === 0 || edges[i].row - edges[i - 1].row > 2) lines++;
  if (lines > MAX_EDGE_LINES) return [];
  // Each edge closed by the nearest opposite edge of the same bar, or by the border.
  const bands: (Band & { score: number; edge: Edge })[] = [];
  for (const e of edges.filter((x) => x.below)) {
    const end = edges.find((o) => !o.below && o.row > e.row + 2 && same(o, e));
    const y1 = end ? end.row : h;
    if (!end && h - e.row > MAX_BORDER_BAND * h) continue;
    bands.push({ rect: { x: e.x0, y: e.row, width: e.x1 - e.x0, height: y1 - e.row }, opacity: 1 - e.slope, colour: e.colour, correlation: e.correlation, score: e.score, edge: e });
  }
  for (const e of edges.filter((x) => !x.below)) {
    if (bands.some((b) => b.rect.y + b.rect.height === e.row)) continue;
    if (e.row > MAX_BORDER_BAND * h) continue;
    bands.push({ rect: { x: e.x0, y: 0, width: e.x1 - e.x0, height: e.row }, opacity: 1 - e.slope, colour: e.colour, correlation: e.correlation, score: e.score, edge: e });
  }
  const thick = Math.max(MIN_THICK, MIN_THICK_SHARE * h);
  for (let i = bands.length - 1; i >= 0; i--) if (bands[i].rect.height < thick) bands.splice(i, 1);
  // Overlapping finds of one bar (an edge seen on neighbouring rows): the best-scoring one.
  bands.sort((a, b) => b.score - a.score);
  const kept: typeof bands = [];
  for (const b of bands) if (!kept.some((k) => overlapShare(k.rect, b.rect) > 0.3)) kept.push(b);
  return kept.map(({ score: _, edge, ...b }) => ({ ...b, ...deepBlend(px, w, h, edge, b.rect.height, b) }));
}

/**
 * The edge's rows checked against lines 3–6 px further in (and as far out):
 * right at a strong edge JPEG ringing carries the outer picture a few pixels
 * into a solid bar and makes it look see-through (a footer at α 0.99 read as
 * 0.71 from the edge's rows, on a test case). Where the deeper lines' median
 * spread ratio is under half of 1 − α, the bar is that much more opaque: α and
 * W are read from those lines instead. Print on the bar only adds spread, so it
 * never triggers this.
 */
function deepBlend(px: Float32Array, w: number, h: number, e: Edge, thickness: number, fallback: Pick<Band, 'opacity' | 'colour'>): Pick<Band, 'opacity' | 'colour'> {
  const ratios: number[] = [];
  const mIn = [0, 0, 0];
  const mOut = [0, 0, 0];
  for (let d = 3; d <= Math.min(6, thickness - 2); d++) {
    const inner = e.below ? e.row + d : e.row - 1 - d;
    const outer = e.below ? e.row - 1 - d : e.row + d;
    if (inner < 0 || outer < 0 || inner >= h || outer >= h) break;
    const a = lineStats(px, w, inner);
    const b = lineStats(px, w, outer);
    if (!(b.variance > 0)) continue;
    ratios.push(Math.sqrt(a.variance / b.variance));
    for (let c = 0; c < 3; c++) {
      mIn[c] += a.mean[c];
      mOut[c] += b.mean[c];
    }
  }
  if (ratios.length < 2) return fallback;
  const s = [...ratios].sort((x, y) => x - y)[ratios.length >> 1];
  if (s >= 0.5 * (1 - fallback.opacity)) return fallback;
  const n = ratios.length;
  const colour = mIn.map((m, c) => Math.min(255, Math.max(0, (m / n - (s * mOut[c]) / n) / (1 - s)))) as [number, number, number];
  return { opacity: 1 - s, colour };
}

/** Mean per channel and variance pooled over the channels of one working row. */
function lineStats(px: Float32Array, w: number, row: number): { mean: number[]; variance: number } {
  const mean = [0, 0, 0];
  let variance = 0;
  for (let c = 0; c < 3; c++) {
    let sum = 0;
    let sq = 0;
    for (let x = 0; x < w; x++) {
      const v = px[(row * w + x) * 3 + c];
      sum += v;
      sq += v * v;
    }
    mean[c] = sum / w;
    variance += sq / w - mean[c] * mean[c];
  }
  return { mean, variance: variance / 3 };
}

const same = (a: Edge, b: Edge) => Math.abs(a.slope - b.slope) < 0.12 && a.colour.every((c, i) => Math.abs(c - b.colour[i]) < 24);

/** The blend across one edge over columns x0 … x1 − 1, or null where the rows do not fit one. */
function fitEdge(S: Float64Array, x0: number, x1: number, below: boolean, natural: number): Omit<Edge, 'row' | 'below'> | null {
  const n = x1 - x0;
  let sOO = 0;
  let sII = 0;
  let sOI = 0;
  const mO = [0, 0, 0];
  const mI = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    const q = (k: number) => S[x1 * 15 + c * 5 + k] - S[x0 * 15 + c * 5 + k];
    // Outer row a, inner b for a bar below the edge; the other way round above it.
    const [so, si, soo, sii] = below ? [q(0), q(1), q(2), q(3)] : [q(1), q(0), q(3), q(2)];
    mO[c] = so / n;
    mI[c] = si / n;
    sOO += soo - (so * so) / n;
    sII += sii - (si * si) / n;
    sOI += q(4) - (so * si) / n;
  }
  if (sOO / (3 * n) < MIN_VARIANCE) return null;
  const correlation = sOI / Math.sqrt(sOO * sII + 1e-9);
  const raw = sOI / sOO;
  // The regression slope is 1 − α times the rows' own correlation, read against the picture's.
  const slope = Math.min(1, raw / natural);
  if (!(correlation >= MIN_CORRELATION) || slope < MIN_SLOPE || Math.sqrt(sII / sOO) > MAX_SPREAD_RATIO) return null;
  const alpha = 1 - slope;
  const colour = mI.map((m, c) => (m - slope * mO[c]) / alpha) as [number, number, number];
  if (colour.some((v) => v < -12 || v > 267)) return null;
  // The same blend all along the edge: a picture's own edge changes along its length.
  let informative = 0;
  let agree = 0;
  for (let a = x0; a + SEGMENT <= x1; a += SEGMENT) {
    const seg = segmentFit(S, a, a + SEGMENT, below);
    if (!seg) continue;
    informative++;
    if (Math.abs(seg.slope - raw) <= 0.15 && seg.means.every((m, c) => Math.abs((m[1] - slope * m[0]) / alpha - colour[c]) <= 32)) agree++;
  }
  const segments = Math.floor(n / SEGMENT);
  if (informative < Math.max(MIN_SEGMENTS, INFORMATIVE_SHARE * segments) || agree < AGREE_SHARE * informative) return null;
  // Reported: 1 − α as the ratio of the spreads (the picture's spread is the same three rows on):
  // on the five val bars α came within 0.04 of the truth (median 0.007), against 0.01–0.055 low
  // from the slope. W from the means.
  const spread = Math.sqrt(sII / sOO);
  const w = mI.map((m, c) => Math.min(255, Math.max(0, (m - spread * mO[c]) / (1 - spread)))) as [number, number, number];
  return { x0, x1, slope: spread, colour: w, correlation, score: correlation * Math.sqrt(n) };
}

/**
 * Whether rows a and b could straddle a bar's edge either way: their grey levels
 * correlate a little and one row's spread is well under the other's. Looser than
 * every check of fitEdge (the val bars' figures are the same with and without it).
 */
function mayBeEdge(grey: Float32Array, w: number, ra: number, rb: number): boolean {
  const { va, vb, cov } = pairSums(grey, w, 1, ra, rb, 0);
  if (!(cov >= SCREEN_CORRELATION * Math.sqrt(va * vb))) return false;
  const lo = Math.min(va, vb);
  const hi = Math.max(va, vb);
  return hi / w >= SCREEN_VARIANCE && lo <= SCREEN_SPREAD * SCREEN_SPREAD * hi;
}

/** Pooled correlation of two working rows over the whole width. */
function rowCorrelation(px: Float32Array, w: number, ra: number, rb: number): number {
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let c = 0; c < 3; c++) {
    const q = pairSums(px, w, 3, ra, rb, c);
    cov += q.cov;
    va += q.va;
    vb += q.vb;
  }
  return cov / Math.sqrt(va * vb + 1e-9);
}

/** Centred sums (times w) of rows ra and rb, channel c of an interleaved map: their variances and covariance. */
function pairSums(px: Float32Array, w: number, channels: number, ra: number, rb: number, c: number): { va: number; vb: number; cov: number } {
  let sa = 0;
  let sb = 0;
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  for (let x = 0, i = ra * w * channels + c, j = rb * w * channels + c; x < w; x++, i += channels, j += channels) {
    const a = px[i];
    const b = px[j];
    sa += a;
    sb += b;
    saa += a * a;
    sbb += b * b;
    sab += a * b;
  }
  return { va: saa - (sa * sa) / w, vb: sbb - (sb * sb) / w, cov: sab - (sa * sb) / w };
}

/** Slope and means (outer, inner per channel) of one segment, or null where it is flat. */
function segmentFit(S: Float64Array, x0: number, x1: number, below: boolean): { slope: number; means: [number, number][] } | null {
  const n = x1 - x0;
  let sOO = 0;
  let sOI = 0;
  const means: [number, number][] = [];
  for (let c = 0; c < 3; c++) {
    const q = (k: number) => S[x1 * 15 + c * 5 + k] - S[x0 * 15 + c * 5 + k];
    const [so, si, soo] = below ? [q(0), q(1), q(2)] : [q(1), q(0), q(3)];
    sOO += soo - (so * so) / n;
    sOI += q(4) - (so * si) / n;
    means.push([so / n, si / n]);
  }
  if (sOO / (3 * n) < MIN_VARIANCE) return null;
  return { slope: sOI / sOO, means };
}

/** The picture at the working size (the engine's area resize), as float RGB. */
function workingRgb(image: RgbaImage, w: number, h: number): Float32Array {
  const { data } = resizeRgbaArea(image, w, h);
  const rgb = new Float32Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    rgb[i * 3] = data[i * 4];
    rgb[i * 3 + 1] = data[i * 4 + 1];
    rgb[i * 3 + 2] = data[i * 4 + 2];
  }
  return rgb;
}

function transpose(px: Float32Array, w: number, h: number): Float32Array {
  const t = new Float32Array(px.length);
  for (let x = 0; x < w; x++) {
    for (let y = 0, o = x * h * 3; y < h; y++, o += 3) {
      const i = (y * w + x) * 3;
      t[o] = px[i];
      t[o + 1] = px[i + 1];
      t[o + 2] = px[i + 2];
    }
  }
  return t;
}

/** A working-scale rect in image pixels, one working pixel wider each way (the edge may fall inside it), clamped. */
function toImage(r: Rect, scale: number, width: number, height: number): Rect {
  const x0 = Math.max(0, Math.floor((r.x - (r.x > 0 ? 1 : 0)) / scale));
  const y0 = Math.max(0, Math.floor((r.y - (r.y > 0 ? 1 : 0)) / scale));
  const x1 = Math.min(width, Math.ceil((r.x + r.width + 1) / scale));
  const y1 = Math.min(height, Math.ceil((r.y + r.height + 1) / scale));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

const overlapShare = (a: Rect, b: Rect) => intersection(a, b) / Math.min(a.width * a.height, b.width * b.height);

export function intersection(a: Rect, b: Rect): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  return ix * iy;
}
