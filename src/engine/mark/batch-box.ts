/**
 * The shared mark's box in a batch (batch.ts): the heaviest cluster of consistent
 * edges on the aligned signed gradients, and the box of an estimate's support.
 */
import type { Gradients } from './align';
import { quantile, quantileInPlace, type Vec2 } from './sample';

/**
 * Below this many images, a gradient is consistent only as far as all of them agree
 * (`agreed`); from it on, their median. The median of four is the mean of the middle
 * two, so the pictures' texture that two share survives it and joins into one
 * cluster as large as the picture. Val batches (`--marks-split val`, 6 batches of 16,
 * seeds 77 and 13; mean fPSNR inside the mark, refused batches at the input's):
 * K = 4 23.33 / 18.90 → 25.73 / 20.73 dB (accepted 3 / 1 → 5 / 2), K = 2 14.07 /
 * 16.70 → 19.72 / 16.70; at K = 8 all agreeing lost (28.54 / 29.86 → 27.65 / 28.56).
 */
const AGREE_BELOW = 5;

/** The smallest of n values in magnitude when they all have one sign, else 0. */
function agreed(v: Float32Array, n: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, v[i]);
    hi = Math.max(hi, v[i]);
  }
  return lo > 0 ? lo : hi < 0 ? hi : 0;
}

/**
 * Dekel et al.'s consistent gradients (eq. 4): per pixel of a w×h map, the magnitude
 * of the images' aligned signed gradients' consensus (each image's map read at the
 * pixel plus its shift): their median, or below AGREE_BELOW images the gradient all
 * of them agree on. A picture's texture has no consistent sign across images, a
 * white or black mark's edges have.
 */
export function consistentGradients(grads: readonly Gradients[], shifts: readonly Vec2[], w: number, h: number): Float32Array {
  const n = grads.length;
  const out = new Float32Array(w * h);
  const vx = new Float32Array(n);
  const vy = new Float32Array(n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < n; k++) {
        const sx = Math.round(x + shifts[k][0]);
        const sy = Math.round(y + shifts[k][1]);
        const inside = sx >= 0 && sy >= 0 && sx < w && sy < h;
        vx[k] = inside ? grads[k].gx[sy * w + sx] : 0;
        vy[k] = inside ? grads[k].gy[sy * w + sx] : 0;
      }
      out[y * w + x] = n < AGREE_BELOW ? Math.hypot(agreed(vx, n), agreed(vy, n)) : Math.hypot(quantileInPlace(vx, n, 0.5), quantileInPlace(vy, n, 0.5));
    }
  }
  return out;
}

const REACH = 6;
/**
 * A consistent edge is at least this share of the strongest (99.9th percentile)
 * above the median: on the bench's K = 8 batches 0.15 left the box around the
 * whole picture and 0.25 fits the mark; the larger shares are tried while the
 * heaviest cluster's strong edges fill less than MIN_DENSITY of its box
 * (scattered texture: 0.02–0.04 on the faint α 0.2 batch; the marks: 0.25–0.53).
 */
const EDGE_SHARES = [0.25, 0.35, 0.5, 0.7];
const MIN_DENSITY = 0.1;
/** Bounding box of the strongest cluster of consistent edges, in working pixels, or null. */
export function consistentBox(med: Float32Array, w: number, h: number): { x0: number; y0: number; x1: number; y1: number } | null {
  // A faint mark over busy pictures leaves texture above the first floor that
  // joins into one cluster as big as the picture: raise the floor until the
  // heaviest cluster is mark-sized (measured: the bench's α 0.2 batch).
  let densest: (Box & { density: number }) | null = null;
  for (const share of EDGE_SHARES) {
    const box = clusterBox(med, w, h, share);
    if (!box) break;
    if (box.density >= MIN_DENSITY) return box;
    if (!densest || box.density > densest.density) densest = box;
  }
  return densest;
}

type Box = { x0: number; y0: number; x1: number; y1: number };

function clusterBox(med: Float32Array, w: number, h: number, edgeShare: number): (Box & { density: number }) | null {
  const base = quantile(med, 0.5);
  const mad = quantile(
    Array.from(med, (v) => Math.abs(v - base)),
    0.5,
  );
  // Above the noise of a median (6 MAD) and at least a share of the mark's own
  // strongest edges: scattered texture that survives the median stays below that.
  const top = quantile(med, 0.999);
  const tau = base + Math.max(6 * mad, 4, edgeShare * (top - base));
  const strong: number[] = [];
  for (let i = 0; i < w * h; i++) if (med[i] > tau) strong.push(i);
  if (strong.length < 4) return null;
  // Cluster by REACH-px proximity: grow each strong point, label components, keep the heaviest.
  const label = new Int32Array(w * h).fill(-1);
  const near = new Uint8Array(w * h);
  for (const i of strong) {
    const x = i % w;
    const y = (i - x) / w;
    for (let dy = -REACH; dy <= REACH; dy++) for (let dx = -REACH; dx <= REACH; dx++) {
      const xx = x + dx;
      const yy = y + dy;
      if (xx >= 0 && yy >= 0 && xx < w && yy < h) near[yy * w + xx] = 1;
    }
  }
  let best = { weight: 0, count: 0, x0: 0, y0: 0, x1: 0, y1: 0 };
  let next = 0;
  for (const seed of strong) {
    if (label[seed] >= 0) continue;
    const id = next++;
    const queue = [seed];
    label[seed] = id;
    const c = { weight: 0, count: 0, x0: w, y0: h, x1: 0, y1: 0 };
    while (queue.length) {
      const i = queue.pop() as number;
      const x = i % w;
      const y = (i - x) / w;
      if (med[i] > tau) {
        c.weight += med[i] - base;
        c.count++;
        c.x0 = Math.min(c.x0, x);
        c.y0 = Math.min(c.y0, y);
        c.x1 = Math.max(c.x1, x);
        c.y1 = Math.max(c.y1, y);
      }
      for (const j of [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1]) {
        if (j >= 0 && near[j] && label[j] < 0) {
          label[j] = id;
          queue.push(j);
        }
      }
    }
    if (c.weight > best.weight) best = c;
  }
  const density = best.count / ((best.x1 - best.x0 + 1) * (best.y1 - best.y0 + 1));
  return best.weight > 0 ? { x0: best.x0 - 2, y0: best.y0 - 2, x1: best.x1 + 2, y1: best.y1 + 2, density } : null;
}

export function supportBox(support: Uint8Array, w: number, h: number): { x0: number; y0: number; x1: number; y1: number } | null {
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    if (!support[y * w + x]) continue;
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return x1 < 0 ? null : { x0, y0, x1, y1 };
}
