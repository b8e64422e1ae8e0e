/**
 * After the patch fill: bring the filled region's low frequencies to its
 * boundary (Pérez, Gangnet & Blake, "Poisson Image Editing", SIGGRAPH 2003,
 * seamless cloning). Inside the hole the patches keep their own gradients;
 * across the hole's edge the step from a hole pixel i to a known neighbour j
 * should be the step its patch had in the source (src(j) − src(i), src = the
 * patch matched to the target centred at i). Where the known pixel differs from
 * that prediction (j − (i + src(j) − src(i))), the difference is spread over the
 * hole as a harmonic correction, so a patch copied from a differently lit or
 * coloured spot meets its surroundings instead of leaving a step and an offset,
 * while an exact copy (a periodic texture) is left as it is.
 *
 * Two limits, both measured on the val split (bench:quality --fill-only):
 *  - differences up to NOISE_LEVELS are left alone (soft threshold): the pixels
 *    next to a mark carry its JPEG ringing and chroma bleed; correcting those
 *    pulled the mark's colour back into fills that were right;
 *  - regions thinner than 2·MIN_DEPTH px get no correction: in a 2–4 px stroke
 *    every pixel is next to that contaminated edge (without this limit, thin
 *    strokes lost a further 0.2 dB on val).
 */
import { connectedComponents } from '../mask-components';
import { depthMap } from './level';
import type { NnField } from './patchmatch';

/** Differences (levels, per channel) up to this are taken for noise: soft threshold. */
export const NOISE_LEVELS = 8;
/** A region is corrected when its inscribed chessboard radius reaches this (thickness ≥ 6 px). */
export const MIN_DEPTH = 3;
/** Margin (px) of the working box around the holes: the boundary ring and fromCoarse's two-pixel spread. */
const MARGIN = 4;

/**
 * Adds the harmonic boundary correction to the hole pixels of `rgbHw3` (H, W, 3
 * float) in place; nothing outside `holeHw` changes. `depthHw` is depthMap's;
 * `field` the finest level's nearest-neighbour field (a hole pixel that is no
 * target centre predicts its neighbour from itself alone).
 */
export function matchBoundary(rgbHw3: Float32Array, holeHw: Uint8Array, depthHw: Int32Array, width: number, height: number, field: NnField): void {
  // Work on the holes' bounding box plus a margin that holds the boundary and its spread (fromCoarse).
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!holeHw[y * width + x]) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  if (x1 < 0) return;
  x0 = Math.max(0, x0 - MARGIN);
  y0 = Math.max(0, y0 - MARGIN);
  const w = Math.min(width, x1 + MARGIN + 1) - x0;
  const h = Math.min(height, y1 + MARGIN + 1) - y0;
  const n = w * h;
  const at = (p: number) => (y0 + Math.floor(p / w)) * width + x0 + (p % w);
  const localHole = new Uint8Array(n);
  for (let p = 0; p < n; p++) localHole[p] = holeHw[at(p)];
  const { labels, components } = connectedComponents({ width: w, height: h, data: localHole });
  // Labels run 1..components.length.
  const deep = new Int32Array(components.length + 1);
  for (let p = 0; p < n; p++) if (localHole[p] && depthHw[at(p)] > deep[labels[p]]) deep[labels[p]] = depthHw[at(p)];
  const hole = new Uint8Array(n);
  for (let p = 0; p < n; p++) if (localHole[p] && deep[labels[p]] >= MIN_DEPTH) hole[p] = 1;
  // Boundary values: at each known pixel 4-next to the corrected hole, its difference from what those hole neighbours predict.
  const jump = new Float32Array(n * 3);
  const sum = new Float32Array(3);
  let k = 0;
  let any = false;
  /** Adds what the hole pixel at j − d (a step d from it to the known pixel j, full-crop indices) predicts at j. */
  const predict = (j: number, d: number) => {
    const i = j - d;
    const slot = field.slotHw[i];
    const s = slot >= 0 ? field.source[slot] : -1;
    for (let c = 0; c < 3; c++) sum[c] += rgbHw3[i * 3 + c] + (s >= 0 ? rgbHw3[(s + d) * 3 + c] - rgbHw3[s * 3 + c] : 0);
    k++;
  };
  for (let p = 0; p < n; p++) {
    if (localHole[p]) continue;
    const x = p % w;
    const j = at(p);
    sum.fill(0);
    k = 0;
    if (x > 0 && hole[p - 1]) predict(j, 1);
    if (x < w - 1 && hole[p + 1]) predict(j, -1);
    if (p >= w && hole[p - w]) predict(j, width);
    if (p + w < n && hole[p + w]) predict(j, -width);
    if (k === 0) continue;
    for (let c = 0; c < 3; c++) {
      const d = rgbHw3[j * 3 + c] - sum[c] / k;
      const v = Math.sign(d) * Math.max(0, Math.abs(d) - NOISE_LEVELS);
      jump[p * 3 + c] = v;
      if (v !== 0) any = true;
    }
  }
  if (!any) return;
  const correction = membrane(jump, hole, w, h);
  for (let p = 0; p < n; p++) {
    if (!hole[p]) continue;
    const i = at(p);
    for (let c = 0; c < 3; c++) rgbHw3[i * 3 + c] += correction[p * 3 + c];
  }
}

/** Holes up to this many pixels are solved directly; larger ones start from the solution at half resolution. */
const DIRECT_MAX = 2048;
const MAX_SWEEPS = 300;
/** Levels: the correction is rounded with the fill, so a hundredth is plenty. */
const TOLERANCE = 0.01;
const OMEGA = 1.85;
/** Pixels this close to the edge (chessboard) are relaxed at full resolution after a coarse start. */
const BAND = 4;

/**
 * The harmonic (membrane) interpolation over `hole` of the values `vals` (H, W,
 * 3) holds at the hole's known 4-neighbours: SOR, started from the solution at
 * half resolution when the hole is large (a 162² box: 0.5 s from zero, ~40 ms
 * coarse to fine). Known pixels are returned as given.
 */
export function membrane(vals: Float32Array, hole: Uint8Array, w: number, h: number): Float32Array {
  const out = vals.slice();
  let count = 0;
  for (let i = 0; i < w * h; i++) if (hole[i]) count++;
  const coarse = count > DIRECT_MAX && w >= 8 && h >= 8;
  // From a coarse start only the band next to the edge, where the boundary values vary pixel to pixel, is relaxed.
  const depth = coarse ? depthMap(hole, w, h) : null;
  const holes: number[] = [];
  for (let i = 0; i < w * h; i++) if (hole[i] && (!depth || depth[i] <= BAND)) holes.push(i);
  if (coarse) fromCoarse(vals, hole, w, h, out);
  else for (const i of holes) out.fill(0, i * 3, i * 3 + 3);
  const nb = new Int32Array(holes.length * 4);
  holes.forEach((i, k) => {
    const x = i % w;
    nb[k * 4] = x > 0 ? i - 1 : -1;
    nb[k * 4 + 1] = x < w - 1 ? i + 1 : -1;
    nb[k * 4 + 2] = i >= w ? i - w : -1;
    nb[k * 4 + 3] = i + w < w * h ? i + w : -1;
  });
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let change = 0;
    for (let k = 0; k < holes.length; k++) {
      const i = holes[k];
      let r = 0;
      let g = 0;
      let b = 0;
      let m = 0;
      for (let q = k * 4; q < k * 4 + 4; q++) {
        const j = nb[q];
        if (j < 0) continue;
        r += out[j * 3];
        g += out[j * 3 + 1];
        b += out[j * 3 + 2];
        m++;
      }
      const dr = OMEGA * (r / m - out[i * 3]);
      const dg = OMEGA * (g / m - out[i * 3 + 1]);
      const db = OMEGA * (b / m - out[i * 3 + 2]);
      out[i * 3] += dr;
      out[i * 3 + 1] += dg;
      out[i * 3 + 2] += db;
      change = Math.max(change, Math.abs(dr), Math.abs(dg), Math.abs(db));
    }
    if (change < TOLERANCE) break;
  }
  return out;
}

/**
 * Half resolution: a 2×2 block is a hole when any of its pixels is; a known
 * block takes the mean of its pixels that carry a value. Values are first
 * spread two pixels outwards from the hole's edge, so every known block next to
 * a hole block has some. The coarse solution, upsampled (bilinear), starts the fine
 * hole.
 */
function fromCoarse(vals: Float32Array, hole: Uint8Array, w: number, h: number, out: Float32Array): void {
  const n = w * h;
  const has = new Uint8Array(n);
  const v = vals.slice();
  for (let i = 0; i < n; i++) {
    if (hole[i]) continue;
    const x = i % w;
    if ((x > 0 && hole[i - 1]) || (x < w - 1 && hole[i + 1]) || (i >= w && hole[i - w]) || (i + w < n && hole[i + w])) has[i] = 1;
  }
  const acc = new Float32Array(3);
  let m = 0;
  const take = (j: number) => {
    if (!has[j]) return;
    for (let c = 0; c < 3; c++) acc[c] += v[j * 3 + c];
    m++;
  };
  for (let ring = 0; ring < 2; ring++) {
    const add: number[] = [];
    for (let i = 0; i < n; i++) {
      if (hole[i] || has[i]) continue;
      const x = i % w;
      acc.fill(0);
      m = 0;
      if (x > 0) take(i - 1);
      if (x < w - 1) take(i + 1);
      if (i >= w) take(i - w);
      if (i + w < n) take(i + w);
      if (m === 0) continue;
      for (let c = 0; c < 3; c++) v[i * 3 + c] = acc[c] / m;
      add.push(i);
    }
    for (const i of add) has[i] = 1;
  }
  const cw = Math.ceil(w / 2);
  const ch = Math.ceil(h / 2);
  const cVals = new Float32Array(cw * ch * 3);
  const cHole = new Uint8Array(cw * ch);
  for (let cy = 0; cy < ch; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      const ci = cy * cw + cx;
      let cnt = 0;
      for (let y = 2 * cy; y < Math.min(h, 2 * cy + 2); y++) {
        for (let x = 2 * cx; x < Math.min(w, 2 * cx + 2); x++) {
          const i = y * w + x;
          if (hole[i]) cHole[ci] = 1;
          if (!has[i]) continue;
          for (let c = 0; c < 3; c++) cVals[ci * 3 + c] += v[i * 3 + c];
          cnt++;
        }
      }
      if (cnt > 0) for (let c = 0; c < 3; c++) cVals[ci * 3 + c] /= cnt;
    }
  }
  const coarse = membrane(cVals, cHole, cw, ch);
  // Bilinear: fine pixel x sits at coarse x/2 − 1/4.
  for (let i = 0; i < n; i++) {
    if (!hole[i]) continue;
    const x = i % w;
    const fx = Math.min(cw - 1, Math.max(0, x / 2 - 0.25));
    const fy = Math.min(ch - 1, Math.max(0, (i - x) / w / 2 - 0.25));
    const x0 = Math.floor(fx);
    const y0 = Math.floor(fy);
    const x1 = Math.min(cw - 1, x0 + 1);
    const y1 = Math.min(ch - 1, y0 + 1);
    const ax = fx - x0;
    const ay = fy - y0;
    const a = (y0 * cw + x0) * 3;
    const bb = (y0 * cw + x1) * 3;
    const cc = (y1 * cw + x0) * 3;
    const d = (y1 * cw + x1) * 3;
    for (let c = 0; c < 3; c++) {
      out[i * 3 + c] = (1 - ay) * ((1 - ax) * coarse[a + c] + ax * coarse[bb + c]) + ay * ((1 - ax) * coarse[cc + c] + ax * coarse[d + c]);
    }
  }
}
