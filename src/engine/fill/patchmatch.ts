/**
 * The two steps of one EM iteration of the patch fill, on one pyramid level:
 *  - PatchMatch (Barnes, Shechtman, Finkelstein & Goldman, "PatchMatch: A
 *    Randomized Correspondence Algorithm for Structural Image Editing",
 *    SIGGRAPH 2009): a nearest-neighbour field from every patch that overlaps
 *    the hole to a patch wholly outside it, by propagation and random search;
 *  - voting (Wexler, Shechtman & Irani, "Space-Time Completion of Video",
 *    PAMI 2007, §3.2): each hole pixel becomes the weighted mean of the pixels
 *    the overlapping patches' matches put there.
 * Patch distances are sums of squared RGB differences with an early exit once a
 * candidate is already worse than the best, so most random candidates cost a
 * row or two.
 */
import type { Level } from './level';

export interface NnField {
  /** Patch centres (pixel indices) whose patch overlaps the hole. */
  targets: Int32Array;
  /** Per target: the centre of its best source patch, and that patch's SSD. */
  source: Int32Array;
  dist: Float32Array;
  /** Pixel → its index in `targets`, −1 when the pixel is no target centre. */
  slotHw: Int32Array;
}

/**
 * Targets are the centres inside the level (a whole patch fits) that are not
 * sources, i.e. whose patch touches the hole. A hole pixel near the border is
 * still covered: the centre clamped into the level holds it in its patch.
 */
export function targetField(level: Level, radius: number): NnField {
  const { width: w, height: h, sourceHw } = level;
  const slotHw = new Int32Array(w * h).fill(-1);
  const list: number[] = [];
  for (let y = radius; y < h - radius; y++) {
    for (let x = radius; x < w - radius; x++) {
      const i = y * w + x;
      if (sourceHw[i]) continue;
      slotHw[i] = list.length;
      list.push(i);
    }
  }
  const targets = Int32Array.from(list);
  return { targets, source: new Int32Array(targets.length), dist: new Float32Array(targets.length), slotHw };
}

/**
 * SSD of two patches (centres a, b); stops once it reaches `bound`. With
 * `featHw2` (texture features, two per pixel: Level.featHw2), plus `weight` times
 * the features' SSD, row by row with the same early exit.
 */
export function patchSsd(rgbHw3: Float32Array, width: number, a: number, b: number, radius: number, bound: number, featHw2?: Float32Array, weight = 0): number {
  const span = (2 * radius + 1) * 3;
  const fspan = (2 * radius + 1) * 2;
  const stride = width * 3;
  let pa = (a - radius * width - radius) * 3;
  let pb = (b - radius * width - radius) * 3;
  let qa = (a - radius * width - radius) * 2;
  let qb = (b - radius * width - radius) * 2;
  let s = 0;
  for (let dy = -radius; dy <= radius; dy++) {
    for (let k = 0; k < span; k++) {
      const d = rgbHw3[pa + k] - rgbHw3[pb + k];
      s += d * d;
    }
    if (featHw2) {
      let t = 0;
      for (let k = 0; k < fspan; k++) {
        const d = featHw2[qa + k] - featHw2[qb + k];
        t += d * d;
      }
      s += weight * t;
      qa += width * 2;
      qb += width * 2;
    }
    if (s >= bound) return s;
    pa += stride;
    pb += stride;
  }
  return s;
}

/** The patch distance a level uses: colours, plus texture features where the level has them. */
export function levelDistance(level: Level): (a: number, b: number, radius: number, bound: number) => number {
  const { rgbHw3: rgb, featHw2: feat, width: w } = level;
  return (a, b, radius, bound) => patchSsd(rgb, w, a, b, radius, bound, feat, TEXTURE_WEIGHT);
}

/**
 * Weight of the texture features' SSD against the colours' (texture.ts). Val
 * split, 48 cases a family (seed 1234), opaque fPSNR / texture ratio where Telea
 * blurs: 4 → 25.42 dB / 0.63, 6 → 25.34 / 0.64, 8 → 25.91 / 0.66, 12 → 25.24 / 0.66
 * (no features: 25.43 / 0.58). The fPSNR means move by a few tenths from case to
 * case; the texture gain is steady.
 */
export const TEXTURE_WEIGHT = 8;

export function randomSources(level: Level, field: NnField, random: () => number): void {
  const n = level.sources.length;
  for (let k = 0; k < field.targets.length; k++) field.source[k] = level.sources[Math.floor(random() * n)];
}

export function measure(level: Level, field: NnField, radius: number): void {
  const distance = levelDistance(level);
  for (let k = 0; k < field.targets.length; k++) {
    field.dist[k] = distance(field.targets[k], field.source[k], radius, Infinity);
  }
}

/** `iterations` PatchMatch sweeps, alternating scan order (Barnes §3.2). */
export function patchMatch(level: Level, field: NnField, radius: number, iterations: number, random: () => number): void {
  const { width: w, height: h, sourceHw } = level;
  const distance = levelDistance(level);
  const { targets, source, dist, slotHw } = field;
  const n = targets.length;
  const maxR = Math.max(w, h);
  for (let it = 0; it < iterations; it++) {
    const forward = it % 2 === 0;
    const step = forward ? 1 : -1;
    for (let j = 0; j < n; j++) {
      const k = forward ? j : n - 1 - j;
      const t = targets[k];
      let best = source[k];
      let bestD = dist[k];
      // Propagation: the left/up neighbour's match, shifted by one (right/down when backward).
      const nx = slotHw[t - step];
      if (nx >= 0) {
        const c = source[nx] + step;
        if (c !== best && sourceHw[c]) {
          const d = distance(t, c, radius, bestD);
          if (d < bestD) {
            best = c;
            bestD = d;
          }
        }
      }
      const ny = slotHw[t - step * w];
      if (ny >= 0) {
        const c = source[ny] + step * w;
        if (c !== best && sourceHw[c]) {
          const d = distance(t, c, radius, bestD);
          if (d < bestD) {
            best = c;
            bestD = d;
          }
        }
      }
      // Random search around the best, the window halving each time (Barnes α = ½).
      const bx = best % w;
      const by = (best - bx) / w;
      for (let r = maxR; r >= 1; r >>= 1) {
        let cx = bx + Math.floor((2 * random() - 1) * r);
        let cy = by + Math.floor((2 * random() - 1) * r);
        cx = cx < radius ? radius : cx >= w - radius ? w - radius - 1 : cx;
        cy = cy < radius ? radius : cy >= h - radius ? h - radius - 1 : cy;
        const c = cy * w + cx;
        if (c === best || !sourceHw[c]) continue;
        const d = distance(t, c, radius, bestD);
        if (d < bestD) {
          best = c;
          bestD = d;
        }
      }
      source[k] = best;
      dist[k] = bestD;
    }
  }
}

/**
 * Wexler (PAMI 2007) voting: hole pixel = Σ wᵢ·srcᵢ / Σ wᵢ over the patches that
 * cover it, wᵢ = exp(−dᵢ / 2σ²) (their eq. 4 and §3.2). Wexler take σ² at the
 * 75th percentile of the patch distances; the 25th is sharper (fewer poor
 * matches averaged in) and measured better on the val split: +0.4 dB fPSNR,
 * texture ratio 0.67 → 0.82 (opaque marks and boxes, bench:quality --fill-only). `uniform` gives every patch weight 1, for
 * the first vote after upsampling, before distances mean anything.
 *
 * `sharpHw` (optional): pixels that instead take what the single best patch
 * covering them (least SSD) puts there. Even sharply weighted, the mean of
 * ~49 overlapping patches blurs a large hole (box texture ratio ~0.5 on val);
 * the best patch alone keeps the grain. The driver asks for it on the last
 * vote, deep inside the hole only (see patch-fill.ts).
 */
export function vote(level: Level, field: NnField, radius: number, uniform: boolean, sharpHw?: Uint8Array): void {
  const { width: w, rgbHw3: rgb, holeHw } = level;
  const { targets, source, dist } = field;
  const n = targets.length;
  const area3 = (2 * radius + 1) ** 2 * 3;
  let sigma2 = 1;
  if (!uniform && n > 0) {
    const sorted = Float32Array.from(dist).sort();
    sigma2 = Math.max(1, sorted[Math.floor(0.25 * (n - 1))] / area3);
  }
  const accHw3 = new Float32Array(rgb.length);
  const weightHw = new Float32Array(holeHw.length);
  const feat = level.featHw2;
  const accHw2 = feat ? new Float32Array(feat.length) : null;
  for (let k = 0; k < n; k++) {
    const wk = uniform ? 1 : Math.exp(-dist[k] / area3 / (2 * sigma2)) + 1e-6;
    const t = targets[k];
    const s = source[k];
    for (let dy = -radius; dy <= radius; dy++) {
      for (let dx = -radius; dx <= radius; dx++) {
        const tp = t + dy * w + dx;
        if (!holeHw[tp]) continue;
        const sp = (s + dy * w + dx) * 3;
        accHw3[tp * 3] += wk * rgb[sp];
        accHw3[tp * 3 + 1] += wk * rgb[sp + 1];
        accHw3[tp * 3 + 2] += wk * rgb[sp + 2];
        weightHw[tp] += wk;
        if (feat && accHw2) {
          const sq = (s + dy * w + dx) * 2;
          accHw2[tp * 2] += wk * feat[sq];
          accHw2[tp * 2 + 1] += wk * feat[sq + 1];
        }
      }
    }
  }
  // The features follow the weighted mean even where the colours take the best patch.
  if (feat && accHw2) {
    for (let p = 0; p < holeHw.length; p++) {
      const sw = weightHw[p];
      if (!holeHw[p] || sw <= 0) continue;
      feat[p * 2] = accHw2[p * 2] / sw;
      feat[p * 2 + 1] = accHw2[p * 2 + 1] / sw;
    }
  }
  if (sharpHw) bestPatchVote(level, field, radius, sharpHw, accHw3, weightHw);
  for (let p = 0; p < holeHw.length; p++) {
    const sw = weightHw[p];
    if (!holeHw[p] || sw <= 0) continue;
    rgb[p * 3] = accHw3[p * 3] / sw;
    rgb[p * 3 + 1] = accHw3[p * 3 + 1] / sw;
    rgb[p * 3 + 2] = accHw3[p * 3 + 2] / sw;
  }
}

/** Overwrites the accumulators of the `sharpHw` pixels with the value of the least-SSD patch covering each (weight 1). */
function bestPatchVote(level: Level, field: NnField, radius: number, sharpHw: Uint8Array, accHw3: Float32Array, weightHw: Float32Array): void {
  const { width: w, rgbHw3: rgb } = level;
  const { targets, source, dist } = field;
  const bestHw = new Float32Array(sharpHw.length).fill(Infinity);
  for (let k = 0; k < targets.length; k++) {
    const t = targets[k];
    const s = source[k];
    const d = dist[k];
    for (let dy = -radius; dy <= radius; dy++) {
      for (let dx = -radius; dx <= radius; dx++) {
        const tp = t + dy * w + dx;
        if (!sharpHw[tp] || d >= bestHw[tp]) continue;
        bestHw[tp] = d;
        const sp = (s + dy * w + dx) * 3;
        accHw3[tp * 3] = rgb[sp];
        accHw3[tp * 3 + 1] = rgb[sp + 1];
        accHw3[tp * 3 + 2] = rgb[sp + 2];
        weightHw[tp] = 1;
      }
    }
  }
}

/** The coarse field doubled onto the fine level's targets (Barnes §3.3); unmatched targets get a random source. */
export function upsampleField(coarse: Level, coarseField: NnField, fine: Level, fineField: NnField, random: () => number): void {
  const cw = coarse.width;
  const fw = fine.width;
  const n = fine.sources.length;
  for (let k = 0; k < fineField.targets.length; k++) {
    const t = fineField.targets[k];
    const x = t % fw;
    const y = (t - x) / fw;
    const cx = Math.min(cw - 1, x >> 1);
    const cy = Math.min(coarse.height - 1, y >> 1);
    const slot = coarseField.slotHw[cy * cw + cx];
    let s = -1;
    if (slot >= 0) {
      const cs = coarseField.source[slot];
      const sx = (cs % cw) * 2 + (x & 1);
      const sy = Math.floor(cs / cw) * 2 + (y & 1);
      if (sx < fw && sy < fine.height && fine.sourceHw[sy * fw + sx]) s = sy * fw + sx;
    }
    fineField.source[k] = s >= 0 ? s : fine.sources[Math.floor(random() * n)];
  }
}
