/** A smooth background under a hole, from the pixels around it (pool.ts, presence.ts). */

/**
 * The hole under a mark in a w × h crop: 1 where α > 0.01 within `grow` pixels
 * (a box), so its anti-aliased rim is inside. `alphaAt` is read at crop
 * coordinates, also outside the crop (0 where there is no mark).
 */
export function markHole(w: number, h: number, grow: number, alphaAt: (x: number, y: number) => number): Uint8Array {
  const hole = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      search: for (let dy = -grow; dy <= grow; dy++) {
        for (let dx = -grow; dx <= grow; dx++) {
          if (alphaAt(x + dx, y + dy) > 0.01) {
            hole[y * w + x] = 1;
            break search;
          }
        }
      }
    }
  }
  return hole;
}

/**
 * Push-pull fill (Gortler et al. 1996): masked 2× averages up a pyramid until
 * every point has data, then each level's holes take the bilinear value of the
 * level above. O(pixels); a smooth surface close to the harmonic fill for thin holes.
 * J holds `channels` interleaved values a pixel (RGB by default).
 */
export function pushPull(J: Float32Array, hole: Uint8Array, w: number, h: number, channels = 3): Float32Array {
  const out = J.slice();
  let any = false;
  for (let i = 0; i < w * h; i++) if (hole[i]) { any = true; break; }
  if (!any) return out;
  const wt = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) wt[i] = hole[i] ? 0 : 1;
  const filled = fillLevel(J, wt, w, h, channels);
  for (let i = 0; i < w * h; i++) {
    if (!hole[i]) continue;
    for (let c = 0; c < channels; c++) out[i * channels + c] = filled[i * channels + c];
  }
  return out;
}

/** Values (`nc` interleaved channels; premultiplied by nothing: v is the value where wt > 0) filled where wt = 0, recursively. */
function fillLevel(v: Float32Array, wt: Float32Array, w: number, h: number, nc: number): Float32Array {
  let empty = false;
  for (let i = 0; i < w * h; i++) if (wt[i] === 0) { empty = true; break; }
  if (!empty || (w === 1 && h === 1)) return v;
  const cw = Math.ceil(w / 2);
  const ch = Math.ceil(h / 2);
  const cv = new Float32Array(cw * ch * nc);
  const cwt = new Float32Array(cw * ch);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const q = wt[i];
      if (q === 0) continue;
      const ci = (y >> 1) * cw + (x >> 1);
      cwt[ci] += q;
      for (let c = 0; c < nc; c++) cv[ci * nc + c] += q * v[i * nc + c];
    }
  }
  for (let ci = 0; ci < cw * ch; ci++) {
    const q = cwt[ci];
    if (q > 0) {
      for (let c = 0; c < nc; c++) cv[ci * nc + c] /= q;
      cwt[ci] = Math.min(1, q);
    }
  }
  const coarse = fillLevel(cv, cwt, cw, ch, nc);
  const out = v.slice();
  // Pixel centre (x + 0.5) / 2 − 0.5 in coarse coordinates: the columns' taps, once per level.
  const X0 = new Int32Array(w);
  const X1 = new Int32Array(w);
  const FX = new Float64Array(w);
  for (let x = 0; x < w; x++) {
    const cx = Math.min(cw - 1, Math.max(0, (x + 0.5) / 2 - 0.5));
    X0[x] = Math.floor(cx);
    X1[x] = Math.min(cw - 1, X0[x] + 1);
    FX[x] = cx - X0[x];
  }
  for (let y = 0; y < h; y++) {
    const cy = Math.min(ch - 1, Math.max(0, (y + 0.5) / 2 - 0.5));
    const y0 = Math.floor(cy);
    const y1 = Math.min(ch - 1, y0 + 1);
    const fy = cy - y0;
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (wt[i] > 0) continue;
      const x0 = X0[x];
      const x1 = X1[x];
      const fx = FX[x];
      for (let c = 0; c < nc; c++) {
        const a = (1 - fx) * coarse[(y0 * cw + x0) * nc + c] + fx * coarse[(y0 * cw + x1) * nc + c];
        const b = (1 - fx) * coarse[(y1 * cw + x0) * nc + c] + fx * coarse[(y1 * cw + x1) * nc + c];
        out[i * nc + c] = (1 - fy) * a + fy * b;
      }
    }
  }
  return out;
}
