/**
 * Texture features for the patch distance (Newson, Almansa, Fradet, Gousseau &
 * Pérez, "Video Inpainting of Complex Scenes", SIAM J. Imaging Sciences 2014,
 * §4.2): per pixel, the absolute horizontal and vertical colour differences
 * averaged over a small window. Inside the hole they are not computed from the
 * current (blurry) estimate but carried along with the colours: onion-peeled at
 * the coarsest level, then voted from the matched sources. Without them a
 * smooth source patch is the closer match to a blurry estimate, and the fill
 * settles on smooth patches in textured ground.
 */

/** Half-size of the averaging window (5×5). */
const FEATURE_WINDOW = 2;

/**
 * (H, W, 2) features of the known pixels: mean |ΔI| to the right and below
 * (mean over R, G, B; only pairs of known pixels), box-averaged over the known
 * pixels of a (2·FEATURE_WINDOW + 1)² window. Hole pixels get 0 (the caller
 * fills them).
 */
export function textureFeatures(rgbHw3: Float32Array, holeHw: Uint8Array, width: number, height: number): Float32Array {
  const n = width * height;
  // Per axis: the step to the next pixel and whether both ends are known.
  const stepX = new Float32Array(n);
  const stepY = new Float32Array(n);
  const knownX = new Float32Array(n);
  const knownY = new Float32Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (holeHw[i]) continue;
      if (x + 1 < width && !holeHw[i + 1]) {
        stepX[i] = absDiff(rgbHw3, i, i + 1);
        knownX[i] = 1;
      }
      if (y + 1 < height && !holeHw[i + width]) {
        stepY[i] = absDiff(rgbHw3, i, i + width);
        knownY[i] = 1;
      }
    }
  }
  const sumX = boxSum(stepX, width, height);
  const sumY = boxSum(stepY, width, height);
  const countX = boxSum(knownX, width, height);
  const countY = boxSum(knownY, width, height);
  const featHw2 = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    if (holeHw[i]) continue;
    if (countX[i] > 0) featHw2[i * 2] = sumX[i] / countX[i];
    if (countY[i] > 0) featHw2[i * 2 + 1] = sumY[i] / countY[i];
  }
  return featHw2;
}

function absDiff(rgbHw3: Float32Array, a: number, b: number): number {
  return (Math.abs(rgbHw3[a * 3] - rgbHw3[b * 3]) + Math.abs(rgbHw3[a * 3 + 1] - rgbHw3[b * 3 + 1]) + Math.abs(rgbHw3[a * 3 + 2] - rgbHw3[b * 3 + 2])) / 3;
}

/** Separable box sum over a (2·FEATURE_WINDOW + 1)² window, clipped at the borders. */
function boxSum(valuesHw: Float32Array, width: number, height: number): Float32Array {
  const r = FEATURE_WINDOW;
  const rows = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let s = 0;
    for (let x = 0; x < Math.min(width, r); x++) s += valuesHw[row + x];
    for (let x = 0; x < width; x++) {
      if (x + r < width) s += valuesHw[row + x + r];
      if (x - r - 1 >= 0) s -= valuesHw[row + x - r - 1];
      rows[row + x] = s;
    }
  }
  const out = new Float32Array(width * height);
  for (let x = 0; x < width; x++) {
    let s = 0;
    for (let y = 0; y < Math.min(height, r); y++) s += rows[y * width + x];
    for (let y = 0; y < height; y++) {
      if (y + r < height) s += rows[(y + r) * width + x];
      if (y - r - 1 >= 0) s -= rows[(y - r - 1) * width + x];
      out[y * width + x] = s;
    }
  }
  return out;
}
