/** How much the pictures under a mark's repeats differ, and how much of that shows through it: the verdict's diversity and transmission. */
import { quantile } from './sample';

/**
 * Green's spread across the instances at every 4th pixel of every 4th row (`at`, cell index):
 * the median (`value`), the upper quartile (`upper`) and the 90th percentile (`high`; with fewer
 * than 10 instances there, where it would be the largest one, the upper quartile) of the
 * deviations from the instances' median (`stackMedian`).
 */
export interface InstanceSpread {
  value: number[];
  upper: number[];
  high: number[];
  at: number[];
}

/**
 * MarkDiagnostics' diversity and transmission from the instances' spread. Each is read from the
 * median deviation, again from the upper quartile and from the 90th percentile, and the largest
 * counts: where most repeats
 * lie on a flat ground (a product on white, a sky), the median deviation is 0 inside and outside
 * the mark and both would read 0 though a quarter of the repeats show the pictures through it. On
 * the val split's 12 MP cases one black logo over a clip-art on white was refused as "identical
 * underneath" (diversity 4.0 by the median; accepted, 10.5 → 50.6 dB fPSNR). On 88 val tiled
 * cases three more are accepted (74 → 77; integer lattices 36.58 → 37.38, resized 32.21 → 32.57 dB
 * mean fPSNR), the val pattern cases 5 → 6 (the right lattice); no clean val photo (80) and no
 * periodic picture of the bench is. A tiled mark over a plaid (lattice.test.ts) now comes out.
 *
 * Then again at the 90th percentile: over a document or a screenshot (white paper, a few lines of
 * print) fewer than a quarter of the repeats have ink under most places of the cell, and both
 * readings above are 0. The 7 val documents enlarged to 12 MP under a tiled logo: black accepted
 * 3 → 6 of 7 (mean fPSNR 24.97 → 39.28 dB), grey 2 → 5 (18.83 → 26.40); the 88 val tiled cases 71 →
 * 72 accepted (a black text mark, 9.86 → 30.53 dB), no other verdict changed; the 40 val pattern
 * cases and 80 clean val photos kept every verdict once the reading needs 10 instances (with 6, a
 * small pattern case's wrong lattice was accepted: 21.1 → 17.0 dB).
 *
 * `firmTransmission` is the transmission of the reading whose pictures differ most outside the
 * mark: the largest transmission divides by a near-zero spread where they barely differ (val
 * tiled-19: 17.6 at the upper quartile, 0.88 at the 90th percentile), so the verdict's upper
 * bound (repeats.ts, maxFirmTransmission) reads this one.
 */
export function spreadDiagnostics(spread: InstanceSpread, support: Uint8Array, alpha: Float32Array, opacity: number): { diversity: number; transmission: number; firmTransmission: number } {
  // Which samples lie outside the mark, and which in its body (with 1 − α there), read once for the three quantiles.
  const outside: number[] = [];
  const through: number[] = [];
  const through1a: number[] = [];
  spread.at.forEach((i, j) => {
    if (!support[i]) outside.push(j);
    else if (alpha[i] > 0.5 * opacity) {
      through.push(j);
      through1a.push(Math.max(0.05, 1 - alpha[i]));
    }
  });
  const read = (values: number[]) => {
    const outsideSpread = outside.length > 0 ? quantile(outside.map((j) => values[j]), 0.5) : 0;
    const diversity = outsideSpread * 255;
    return { diversity, transmission: through.length > 0 && outsideSpread > 0 ? quantile(through.map((j, k) => values[j] / through1a[k]), 0.5) / outsideSpread : 0 };
  };
  const m = read(spread.value);
  const u = read(spread.upper);
  const hi = read(spread.high);
  // The reading whose pictures differ most outside the mark divides by the firmest spread.
  const firm = [m, u, hi].reduce((a, b) => (b.diversity >= a.diversity ? b : a));
  return { diversity: Math.max(m.diversity, u.diversity, hi.diversity), transmission: Math.max(m.transmission, u.transmission, hi.transmission), firmTransmission: firm.transmission };
}
