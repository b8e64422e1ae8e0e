/**
 * The mark's edges in an instance stack: consistent edges (Dekel et al. (4)),
 * signed or two-sided, and a support drawn from two-sided edges alone.
 */
import { quantile, quantileInPlace, type InstanceStack } from './sample';
import { forEachRowPair, growMask, labelComponents, poissonSupport, type Neighbours } from './support';

/** What the edge tests read of an instance stack. */
type EdgeStack = Pick<InstanceStack, 'width' | 'height' | 'count' | 'row'>;

/**
 * Consistent edges (Dekel (4), made robust for few instances): the luma gradient of
 * each instance projected on the direction of medJ's gradient, and its lower
 * quartile over instances. A mark's edge is there in (nearly) every instance; an
 * edge the median kept from the pictures is not. Returns 1 where the quartile
 * passes max(3/255, twice the median gradient of medJ).
 *
 * `twoSided`: a mark whose colour lies among the pictures' (mid grey) is darker than
 * light ground and lighter than dark ground, so its edge flips sign between
 * instances and medJ may show none. Then each pixel's direction is the principal
 * axis of the instances' gradients (their structure tensor) and the quartile is of
 * the projections' magnitudes: the edge must be there, either way round.
 */
export function consistentEdges(
  stack: EdgeStack,
  medJ: Float32Array,
  nb: Neighbours,
  twoSided = false,
): Uint8Array {
  const { width: w, height: h, count: K } = stack;
  const n = w * h;
  const luma = (src: Float32Array, i: number) => 0.299 * src[i * 3] + 0.587 * src[i * 3 + 1] + 0.114 * src[i * 3 + 2];
  const medL = new Float32Array(n);
  for (let i = 0; i < n; i++) medL[i] = 0.299 * medJ[i] + 0.587 * medJ[n + i] + 0.114 * medJ[2 * n + i];
  const gx = new Float32Array(n);
  const gy = new Float32Array(n);
  const mag = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    gx[i] = medL[nb.right[i]] - medL[i];
    gy[i] = medL[nb.down[i]] - medL[i];
    mag[i] = Math.hypot(gx[i], gy[i]);
  }
  const tau = Math.max(3 / 255, 2 * quantile(mag, 0.5));
  const out = new Uint8Array(n);
  const proj = new Float32Array(K);
  const gxs = new Float32Array(K);
  const gys = new Float32Array(K);
  forEachRowPair(stack, (y, cur, next, last) => {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!twoSided && mag[i] <= tau) continue;
      const r = nb.right[i] - y * w;
      const d = last ? nb.down[i] : nb.down[i] - (y + 1) * w;
      let valid = 0;
      if (!twoSided) {
        // Signed: the projection on medJ's direction, read straight from the pixels (the hot path at 12 MP).
        const ux = gx[i] / mag[i];
        const uy = gy[i] / mag[i];
        for (let k = 0; k < K; k++) {
          const here = luma(cur[k], x);
          const p = (luma(cur[k], r) - here) * ux + (luma(next[k], d) - here) * uy;
          if (p === p) proj[valid++] = p; // NaN: this instance is outside the image here
        }
      } else {
        let sxx = 0;
        let sxy = 0;
        let syy = 0;
        for (let k = 0; k < K; k++) {
          const here = luma(cur[k], x);
          const a = luma(cur[k], r) - here;
          const b = luma(next[k], d) - here;
          if (a !== a || b !== b) continue;
          gxs[valid] = a;
          gys[valid++] = b;
          sxx += a * a;
          sxy += a * b;
          syy += b * b;
        }
        const th = 0.5 * Math.atan2(2 * sxy, sxx - syy);
        const ux = Math.cos(th);
        const uy = Math.sin(th);
        for (let k = 0; k < valid; k++) proj[k] = Math.abs(gxs[k] * ux + gys[k] * uy);
      }
      if (valid >= 2 && quantileInPlace(proj, valid, 0.25) > tau) out[i] = 1;
    }
  });
  return out;
}

/**
 * A support from two-sided edges alone (their medJ gradients say nothing to integrate
 * for a mark of the pictures' own tone): the edges grown by a pixel, and every region
 * they enclose, i.e. every part of the rest but its largest (the ground around the
 * marks), grown by one more pixel.
 */
export function edgeSupport(keep: Uint8Array, nb: Neighbours, reach = 1): Uint8Array {
  const n = keep.length;
  const edges = growMask(keep, nb, reach);
  const { label, sizes } = labelComponents(n, nb, (i) => !edges[i]);
  // The largest part (the first on a tie); none when the edges cover everything, which all stays then.
  let ground = -2;
  for (let id = 0; id < sizes.length; id++) if (ground < 0 || sizes[id] > sizes[ground]) ground = id;
  const filled = new Uint8Array(n);
  for (let i = 0; i < n; i++) filled[i] = label[i] === ground ? 0 : 1;
  return growMask(filled, nb, reach);
}

/**
 * A resampled stack's support from two-sided consistent edges: the edges and what they
 * enclose (edgeSupport), joined by the Poisson support of medJ's gradients at them
 * (support.ts), which catches a part whose edges are one-sided. Not where the two together
 * cover more than `maxShare` of the cell: a mark of the pictures' own tone leaves medJ
 * nothing of its own to integrate, and a picture's edge the median kept, crossing the
 * mark's edges, spreads the integration over the whole cell. On a val 12 MP grey logo
 * (seed 31, large-1: α 0.28 over a car photo) the edges held 11 % of the cell and the
 * Poisson support 93 %, and the two-sided estimate was refused as filling the cell.
 */
export function twoSidedStackSupport(
  stack: EdgeStack & Pick<InstanceStack, 'topology'>,
  medJ: Float32Array,
  nb: Neighbours,
  reach: number,
  maxShare: number,
): Uint8Array {
  const keep = consistentEdges(stack, medJ, nb, true);
  const edges = edgeSupport(keep, nb, reach);
  const poisson = poissonSupport(medJ, stack.width, stack.height, stack.topology.kind === 'torus', keep);
  let inside = 0;
  const union = edges.map((v, i) => {
    const u = v | poisson[i];
    inside += u;
    return u;
  });
  return inside > maxShare * union.length ? edges : union;
}
