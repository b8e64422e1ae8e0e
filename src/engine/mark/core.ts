/**
 * One opacity for a flat core. Most marks are one opacity times a shape: inside
 * the shape α is a constant, and what an estimate from K noisy instances puts
 * there is that constant plus noise (|Δα| 0.017 at K = 8, JPEG q 77–93), which the
 * inversion amplifies by (W − I)/(1 − α). When the core's values sit in one
 * narrow mode, every value within SNAP_SIGMAS of it is set to the mode; a mark
 * whose opacity varies (a shaded logo) has no such mode and is left alone.
 */
import { medianInPlace } from './sample';

/**
 * A core whose values spread more than this (robust σ) is not flat: no snapping.
 * From four instances on, the estimate's spread is mostly the background's bias
 * under the mark, not a shaded mark: on the val batches (`--marks-split val`, three
 * batches) a limit of 0.06 there gave K = 4/8/16 fPSNR 20.79/25.50/27.96 dB against
 * 19.59/25.02/26.19 at 0.03 (a logo at α 0.66, K = 16: one core at σ 0.039, 24.2 → 28.7 dB).
 * With two or three the median holds so much of the pictures that a snapped opacity
 * is often wrong (K = 2 lost a batch at 0.06), so they keep 0.03.
 */
export const MAX_CORE_SIGMA = 0.03;
export const MAX_CORE_SIGMA_MANY = 0.06;
export const MANY_INSTANCES = 4;
const SNAP_SIGMAS = 2.5;
/** Core = support values above this share of the 98th percentile. */
const CORE_SHARE = 0.7;
const MIN_CORE = 32;

export interface CoreFlattening {
  opacity: number;
  sigma: number;
  snapped: number;
}

/** Snaps α in place (see above); null when the core is too small or not flat. */
export function flattenCore(alphaHw: Float32Array, maxSigma = MAX_CORE_SIGMA): CoreFlattening | null {
  const values: number[] = [];
  for (const a of alphaHw) if (a > 0.02) values.push(a);
  if (values.length < MIN_CORE) return null;
  values.sort((x, y) => x - y);
  const top = values[Math.floor(0.98 * (values.length - 1))];
  const core = Float32Array.from(values.filter((v) => v > CORE_SHARE * top));
  if (core.length < MIN_CORE) return null;
  const mode = medianInPlace(core.slice(), core.length);
  for (let i = 0; i < core.length; i++) core[i] = Math.abs(core[i] - mode);
  const sigma = 1.4826 * medianInPlace(core, core.length);
  if (!(sigma <= maxSigma)) return null;
  let snapped = 0;
  const band = SNAP_SIGMAS * Math.max(sigma, 1e-3);
  for (let i = 0; i < alphaHw.length; i++) {
    if (alphaHw[i] > 0.02 && Math.abs(alphaHw[i] - mode) < band) {
      alphaHw[i] = mode;
      snapped++;
    }
  }
  return { opacity: mode, sigma, snapped };
}
