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
import type { InstanceStack } from './estimate';
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
  // Per pair (p, right(p)) and (p, down(p)), over the instances valid at both ends:
  // a = Σ D(p)², c = Σ D(q)², dot = Σ D(p)·D(q). Instances cut by the border count only where they exist.
  const aR = new Float64Array(n);
  const cR = new Float64Array(n);
  const dotR = new Float64Array(n);
  const aD = new Float64Array(n);
  const cD = new Float64Array(n);
  const dotD = new Float64Array(n);
  let y0 = 0;
  forEachRowPair(stack, (y, cur, next, last) => {
    if (y - y0 >= 32) {
      throwIfAborted(signal);
      y0 = y;
    }
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const r = nb.right[i] - y * w;
      const d = last ? nb.down[i] : nb.down[i] - (y + 1) * w;
      let ar = 0;
      let cr = 0;
      let sr = 0;
      let ad = 0;
      let cd = 0;
      let sd = 0;
      for (let k = 0; k < K; k++) {
        const a = cur[k];
        const b = next[k];
        for (let c = 0; c < 3; c++) {
          const dp = a[x * 3 + c] - colour[c];
          if (dp !== dp) continue; // this instance is outside the image here
          const dr = a[r * 3 + c] - colour[c];
          const dd = b[d * 3 + c] - colour[c];
          if (dr === dr) {
            ar += dp * dp;
            cr += dr * dr;
            sr += dp * dr;
          }
          if (dd === dd) {
            ad += dp * dp;
            cd += dd * dd;
            sd += dp * dd;
          }
        }
      }
      aR[i] = ar;
      cR[i] = cr;
      dotR[i] = sr;
      aD[i] = ad;
      cD[i] = cd;
      dotD[i] = sd;
    }
  });

  const beta = new Float64Array(n).fill(1);
  const prior = new Float64Array(n);
  const inside: number[] = [];
  let meanSelf = 0;
  for (let i = 0; i < n; i++) {
    if (!support[i]) continue;
    inside.push(i);
    beta[i] = prior[i] = 1 / (1 - Math.min(ALPHA_CAP, alphaHw[i]));
    meanSelf += aR[i] + aD[i];
  }
  if (inside.length === 0) return alphaHw;
  const lambda = (0.04 * meanSelf) / inside.length;
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
  const out = new Float32Array(n);
  for (const i of inside) out[i] = 1 - 1 / beta[i];
  return out;
}
