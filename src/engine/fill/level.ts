/**
 * One pyramid level of the patch fill: an RGB float image, its hole, and the
 * pixels where a source patch may sit. Layouts: `rgbHw3` is interleaved (H, W, 3)
 * float 0..255, `holeHw` and `sourceHw` are (H, W) 0/1.
 */

export interface Level {
  width: number;
  height: number;
  rgbHw3: Float32Array;
  holeHw: Uint8Array;
  /** 1 where a whole patch centred here lies in the crop and touches no hole pixel. */
  sourceHw: Uint8Array;
  /** Indices of the source centres, for uniform random picks. */
  sources: Int32Array;
  /**
   * Texture features (H, W, 2), texture.ts: the finest level's mean absolute
   * luminance gradients, averaged down with the colours and voted into the hole
   * with them. Absent: colours alone.
   */
  featHw2?: Float32Array;
}

export function makeLevel(width: number, height: number, rgbHw3: Float32Array, holeHw: Uint8Array, radius: number, featHw2?: Float32Array): Level {
  const sourceHw = new Uint8Array(width * height);
  // A centre is a source when no hole pixel lies within `radius` per axis: a
  // separable box dilation of the hole (rows, then columns) by running counts.
  const rowHit = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let count = 0;
    for (let x = 0; x < Math.min(width, radius); x++) count += holeHw[row + x];
    for (let x = 0; x < width; x++) {
      if (x + radius < width) count += holeHw[row + x + radius];
      if (x - radius - 1 >= 0) count -= holeHw[row + x - radius - 1];
      rowHit[row + x] = count > 0 ? 1 : 0;
    }
  }
  let n = 0;
  for (let x = radius; x < width - radius; x++) {
    let count = 0;
    for (let y = 0; y < Math.min(height, radius); y++) count += rowHit[y * width + x];
    for (let y = 0; y < height; y++) {
      if (y + radius < height) count += rowHit[(y + radius) * width + x];
      if (y - radius - 1 >= 0) count -= rowHit[(y - radius - 1) * width + x];
      if (count === 0 && y >= radius && y < height - radius) {
        sourceHw[y * width + x] = 1;
        n++;
      }
    }
  }
  const sources = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < width * height; i++) if (sourceHw[i]) sources[k++] = i;
  return { width, height, rgbHw3, holeHw, sourceHw, sources, featHw2 };
}

/**
 * Half-size level: each coarse pixel averages its known fine pixels and is a
 * hole when any of them is (so no coarse value ever mixes in the mark).
 */
export function downsample(fine: Level, radius: number): Level {
  const w = Math.ceil(fine.width / 2);
  const h = Math.ceil(fine.height / 2);
  const rgb = new Float32Array(w * h * 3);
  const hole = new Uint8Array(w * h);
  const fineFeat = fine.featHw2;
  const feat = fineFeat ? new Float32Array(w * h * 2) : undefined;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let fx0 = 0;
      let fy0 = 0;
      let known = 0;
      let holes = 0;
      for (let dy = 0; dy < 2; dy++) {
        const fy = 2 * y + dy;
        if (fy >= fine.height) continue;
        for (let dx = 0; dx < 2; dx++) {
          const fx = 2 * x + dx;
          if (fx >= fine.width) continue;
          const f = fy * fine.width + fx;
          if (fine.holeHw[f]) {
            holes++;
            continue;
          }
          r += fine.rgbHw3[f * 3];
          g += fine.rgbHw3[f * 3 + 1];
          b += fine.rgbHw3[f * 3 + 2];
          if (fineFeat) {
            fx0 += fineFeat[f * 2];
            fy0 += fineFeat[f * 2 + 1];
          }
          known++;
        }
      }
      const c = y * w + x;
      if (holes > 0 || known === 0) {
        hole[c] = 1;
        continue;
      }
      rgb[c * 3] = r / known;
      rgb[c * 3 + 1] = g / known;
      rgb[c * 3 + 2] = b / known;
      if (feat) {
        feat[c * 2] = fx0 / known;
        feat[c * 2 + 1] = fy0 / known;
      }
    }
  }
  return makeLevel(w, h, rgb, hole, radius, feat);
}

/**
 * A first guess for the coarsest hole: onion peeling, each ring the mean of its
 * already-known 8-neighbours. PatchMatch only needs a start that is roughly the
 * right colour; the EM iterations replace it.
 */
export function onionFill(level: Level): void {
  const { width: w, height: h, rgbHw3: rgb, featHw2: feat } = level;
  const done = new Uint8Array(level.holeHw.length);
  for (let i = 0; i < done.length; i++) done[i] = level.holeHw[i] ? 0 : 1;
  let front: number[] = [];
  for (let i = 0; i < w * h; i++) if (!done[i] && hasDoneNeighbour(i)) front.push(i);
  while (front.length > 0) {
    const values = new Float32Array(front.length * 3);
    const fvalues = feat ? new Float32Array(front.length * 2) : null;
    front.forEach((i, k) => {
      const x = i % w;
      const y = (i - x) / w;
      let n = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h || !done[ny * w + nx]) continue;
          const j = (ny * w + nx) * 3;
          values[k * 3] += rgb[j];
          values[k * 3 + 1] += rgb[j + 1];
          values[k * 3 + 2] += rgb[j + 2];
          if (feat && fvalues) {
            fvalues[k * 2] += feat[(ny * w + nx) * 2];
            fvalues[k * 2 + 1] += feat[(ny * w + nx) * 2 + 1];
          }
          n++;
        }
      }
      for (let c = 0; c < 3; c++) values[k * 3 + c] /= Math.max(1, n);
      if (fvalues) for (let c = 0; c < 2; c++) fvalues[k * 2 + c] /= Math.max(1, n);
    });
    front.forEach((i, k) => {
      for (let c = 0; c < 3; c++) rgb[i * 3 + c] = values[k * 3 + c];
      if (feat && fvalues) for (let c = 0; c < 2; c++) feat[i * 2 + c] = fvalues[k * 2 + c];
      done[i] = 1;
    });
    const next = new Set<number>();
    for (const i of front) {
      neighbours8(i, (j) => {
        if (!done[j]) next.add(j);
        return false;
      });
    }
    front = [...next];
  }

  function hasDoneNeighbour(i: number): boolean {
    return neighbours8(i, (j) => done[j] === 1);
  }

  /** Calls `visit` on the 8-neighbours of i (and i itself) inside the grid; true as soon as a visit returns true. */
  function neighbours8(i: number, visit: (j: number) => boolean): boolean {
    const x = i % w;
    const y = (i - x) / w;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx >= 0 && ny >= 0 && nx < w && ny < h && visit(ny * w + nx)) return true;
      }
    }
    return false;
  }
}

/** Per hole pixel, its chessboard distance to the nearest known pixel (1 next to one); 0 outside the hole. Two-pass transform. */
export function depthMap(holeHw: Uint8Array, width: number, height: number): Int32Array {
  const d = new Int32Array(width * height);
  const far = width + height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!holeHw[i]) continue;
      let v = far;
      if (x > 0) v = Math.min(v, d[i - 1] + 1);
      if (y > 0) {
        v = Math.min(v, d[i - width] + 1);
        if (x > 0) v = Math.min(v, d[i - width - 1] + 1);
        if (x + 1 < width) v = Math.min(v, d[i - width + 1] + 1);
      }
      d[i] = v;
    }
  }
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const i = y * width + x;
      if (!holeHw[i]) continue;
      let v = d[i];
      if (x + 1 < width) v = Math.min(v, d[i + 1] + 1);
      if (y + 1 < height) {
        v = Math.min(v, d[i + width] + 1);
        if (x + 1 < width) v = Math.min(v, d[i + width + 1] + 1);
        if (x > 0) v = Math.min(v, d[i + width - 1] + 1);
      }
      d[i] = v;
    }
  }
  return d;
}
