/**
 * Texture features for the patch distance (Newson, Almansa, Fradet, Gousseau &
 * Pérez, "Video Inpainting of Complex Scenes", SIAM J. Imaging Sciences 2014,
 * §4.2): per pixel, the mean absolute horizontal and vertical luminance
 * gradient over a small window. Computed once on the finest level's known
 * pixels and averaged down the pyramid with the colours, they tell a coarse
 * level which smooth-looking patches were fine-grained texture, so a textured
 * surround is not filled from a flat patch of the same mean colour (or the
 * reverse). In the hole they start at 0 and are voted with the colours.
 */

/** Half-size of the averaging window (5×5). */
const HALF = 2;

export function textureFeatures(rgbHw3: Float32Array, holeHw: Uint8Array, width: number, height: number): Float32Array {
  const n = width * height;
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = 0.299 * rgbHw3[i * 3] + 0.587 * rgbHw3[i * 3 + 1] + 0.114 * rgbHw3[i * 3 + 2];
  // Forward differences between two known pixels; valid marks where one was taken.
  const gx = new Float32Array(n);
  const gy = new Float32Array(n);
  const vx = new Uint8Array(n);
  const vy = new Uint8Array(n);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      if (holeHw[i]) continue;
      if (c + 1 < width && !holeHw[i + 1]) {
        gx[i] = Math.abs(y[i + 1] - y[i]);
        vx[i] = 1;
      }
      if (r + 1 < height && !holeHw[i + width]) {
        gy[i] = Math.abs(y[i + width] - y[i]);
        vy[i] = 1;
      }
    }
  }
  const out = new Float32Array(n * 2);
  boxMean(gx, vx, width, height, out, 0, holeHw);
  boxMean(gy, vy, width, height, out, 1, holeHw);
  return out;
}

/** Mean of `v` over the valid pixels of each (2·HALF+1)² window, written to out[i·2 + channel] for known pixels. */
function boxMean(v: Float32Array, valid: Uint8Array, width: number, height: number, out: Float32Array, channel: number, holeHw: Uint8Array): void {
  const n = width * height;
  const rowSum = new Float32Array(n);
  const rowCount = new Float32Array(n);
  for (let r = 0; r < height; r++) {
    const o = r * width;
    for (let c = 0; c < width; c++) {
      let s = 0;
      let k = 0;
      for (let d = Math.max(0, c - HALF); d <= Math.min(width - 1, c + HALF); d++) {
        if (!valid[o + d]) continue;
        s += v[o + d];
        k++;
      }
      rowSum[o + c] = s;
      rowCount[o + c] = k;
    }
  }
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      if (holeHw[i]) continue;
      let s = 0;
      let k = 0;
      for (let d = Math.max(0, r - HALF); d <= Math.min(height - 1, r + HALF); d++) {
        s += rowSum[d * width + c];
        k += rowCount[d * width + c];
      }
      out[i * 2 + channel] = k > 0 ? s / k : 0;
    }
  }
}
