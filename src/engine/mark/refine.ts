/**
 * Multi-instance matting, the last step of Dekel et al. 2017 in a form that is
 * linear: with W fixed and β = 1/(1 − α), every inverted instance is
 * Î_k − W = β·(J_k − W), so asking all K inverted instances to be smooth
 * (min Σ_k Σ_{p~q} |β_p·D_k(p) − β_q·D_k(q)|², D_k = J_k − W) is a sparse
 * quadratic problem in β alone. Outside the support β = 1 (no mark); a weak pull
 * towards the first estimate keeps β defined where J ≈ W in every instance.
 * Gauss–Seidel with over-relaxation; the dot products are gathered in one pass.
 */
import { throwIfAborted } from '../errors';
import type { InstanceStack } from './sample';
import { forEachRowPair, type Neighbours } from './support';

const ALPHA_CAP = 0.98;

export function refineAlpha(
  stack: InstanceStack,
  nb: Neighbours,
  support: Uint8Array,
  alphaHw: Float32Array,
  colour: readonly number[],
  signal?: AbortSignal,
): Float32Array {
  const { width: w, height: h, count: K } = stack;
  const n = w * h;
  const beta = new Float64Array(n).fill(1);
  const prior = new Float64Array(n);
  const inside: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!support[i]) continue;
    inside.push(i);
    beta[i] = prior[i] = 1 / (1 - Math.min(ALPHA_CAP, alphaHw[i]));
  }
  if (inside.length === 0) return alphaHw;
  // Iteratively reweighted least squares: round 0 is the plain quadratic problem;
  // each later round weighs every instance's pair by 1/|its gradient after
  // inversion|, so the sum approaches Dekel's L1 (sparse-gradient) prior and a
  // picture's own strong edges stop pulling α.
  // Only pairs that touch the support are read by the solver: (p, right(p)) and
  // (p, down(p)) where p or its neighbour is inside. A mark covers a few percent
  // of its cell, so this skips most of the K-instance work.
  const need = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (support[i] || support[nb.right[i]] || support[nb.down[i]]) need[i] = 1;
  for (let round = 0; round < IRLS_ROUNDS; round++) {
    const sums = gather(stack, nb, colour, round === 0 ? null : beta, need, signal);
    let meanSelf = 0;
    for (const i of inside) meanSelf += sums.aR[i] + sums.aD[i];
    const lambda = (0.04 * meanSelf) / inside.length;
    solve(sums, nb, inside, beta, prior, lambda, signal);
  }
  const out = new Float32Array(n);
  for (const i of inside) out[i] = 1 - 1 / beta[i];
  return out;
}

/** IRLS rounds (1 = the plain quadratic problem). */
const IRLS_ROUNDS = 3;
/** Gradients below this (0–1, RGB norm) count as this: JPEG noise is not an edge. */
const IRLS_EPS = 0.02;

interface PairSums {
  aR: Float64Array;
  cR: Float64Array;
  dotR: Float64Array;
  aD: Float64Array;
  cD: Float64Array;
  dotD: Float64Array;
}

/**
 * Per pair (p, right(p)) and (p, down(p)) where `need[p]`, over the instances valid at both ends:
 * a = Σ w·D(p)², c = Σ w·D(q)², dot = Σ w·D(p)·D(q), D = J − W; w = 1 without
 * `beta`, else 1/max(ε, |β_p·D(p) − β_q·D(q)|) per instance. Instances cut by the
 * border count only where they exist.
 */
function gather(stack: InstanceStack, nb: Neighbours, colour: readonly number[], beta: Float64Array | null, need: Uint8Array, signal?: AbortSignal): PairSums {
  const { width: w, height: h, count: K } = stack;
  const n = w * h;
  const s: PairSums = { aR: new Float64Array(n), cR: new Float64Array(n), dotR: new Float64Array(n), aD: new Float64Array(n), cD: new Float64Array(n), dotD: new Float64Array(n) };
  let y0 = 0;
  // Rows with no pixel to gather are not read at all (a mark covers a band of its cell).
  const rows = new Uint8Array(h);
  for (let i = 0; i < n; i++) if (need[i]) rows[(i / w) | 0] = 1;
  forEachRowPair(stack, (y, cur, next, last) => {
    if (y - y0 >= 32) {
      throwIfAborted(signal);
      y0 = y;
    }
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!need[i]) continue;
      const r = nb.right[i] - y * w;
      const d = last ? nb.down[i] : nb.down[i] - (y + 1) * w;
      const bp = beta ? beta[i] : 1;
      const br = beta ? beta[nb.right[i]] : 1;
      const bd = beta ? beta[nb.down[i]] : 1;
      let ar = 0;
      let cr = 0;
      let sr = 0;
      let ad = 0;
      let cd = 0;
      let sd = 0;
      for (let k = 0; k < K; k++) {
        const a = cur[k];
        const b = next[k];
        let kar = 0;
        let kcr = 0;
        let ksr = 0;
        let kad = 0;
        let kcd = 0;
        let ksd = 0;
        for (let c = 0; c < 3; c++) {
          const dp = a[x * 3 + c] - colour[c];
          if (dp !== dp) continue; // this instance is outside the image here
          const dr = a[r * 3 + c] - colour[c];
          const dd = b[d * 3 + c] - colour[c];
          if (dr === dr) {
            kar += dp * dp;
            kcr += dr * dr;
            ksr += dp * dr;
          }
          if (dd === dd) {
            kad += dp * dp;
            kcd += dd * dd;
            ksd += dp * dd;
          }
        }
        // |β_p·D(p) − β_q·D(q)|² = β_p²·a − 2β_pβ_q·dot + β_q²·c, per instance.
        const wr = beta ? 1 / Math.max(IRLS_EPS, Math.sqrt(Math.max(0, bp * bp * kar - 2 * bp * br * ksr + br * br * kcr))) : 1;
        const wd = beta ? 1 / Math.max(IRLS_EPS, Math.sqrt(Math.max(0, bp * bp * kad - 2 * bp * bd * ksd + bd * bd * kcd))) : 1;
        ar += wr * kar;
        cr += wr * kcr;
        sr += wr * ksr;
        ad += wd * kad;
        cd += wd * kcd;
        sd += wd * ksd;
      }
      s.aR[i] = ar;
      s.cR[i] = cr;
      s.dotR[i] = sr;
      s.aD[i] = ad;
      s.cD[i] = cd;
      s.dotD[i] = sd;
    }
  }, rows);
  return s;
}

/** Gauss–Seidel with over-relaxation on β (warm start: `beta` in place), a pull of weight λ towards `prior`. */
function solve(s: PairSums, nb: Neighbours, inside: readonly number[], beta: Float64Array, prior: Float64Array, lambda: number, signal?: AbortSignal): void {
  const { aR, cR, dotR, aD, cD, dotD } = s;
  for (let it = 0; it < 200; it++) {
    if ((it & 15) === 0) throwIfAborted(signal);
    let change = 0;
    for (const i of inside) {
      const l = nb.left[i];
      const u = nb.up[i];
      const num = beta[nb.right[i]] * dotR[i] + beta[nb.down[i]] * dotD[i] + beta[l] * dotR[l] + beta[u] * dotD[u] + lambda * prior[i];
      const den = aR[i] + aD[i] + cR[l] + cD[u] + lambda;
      const target = Math.min(1 / (1 - ALPHA_CAP), Math.max(1, num / den));
      const delta = 1.6 * (target - beta[i]);
      beta[i] = Math.min(1 / (1 - ALPHA_CAP), Math.max(1, beta[i] + delta));
      change = Math.max(change, Math.abs(delta));
    }
    if (change < 1e-5) break;
  }
}
