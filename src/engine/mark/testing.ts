/** Synthetic photos and marks for the mark solvers' tests and benchmarks: seeded, analytic, no files. */
import { seededRandom } from '../random';
import type { RgbaImage } from '../types';
import type { Vec2 } from './sample';

/** A seeded PRNG (mulberry32), the engine's own. */
export const rng = seededRandom;

/** A photo-like, non-periodic RGB image: value noise over four octaves, with colour. */
export function noisePhoto(width: number, height: number, seed = 1): RgbaImage {
  const rand = rng(seed);
  const data = new Uint8ClampedArray(width * height * 4);
  const octaves = [64, 24, 9, 3].map((cell) => {
    const gw = Math.ceil(width / cell) + 2;
    const gh = Math.ceil(height / cell) + 2;
    return { cell, gw, grid: Float32Array.from({ length: gw * gh * 3 }, () => rand()) };
  });
  const weights = [0.55, 0.25, 0.13, 0.07];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let v = 0;
        octaves.forEach((o, k) => {
          const fx = x / o.cell;
          const fy = y / o.cell;
          const x0 = Math.floor(fx);
          const y0 = Math.floor(fy);
          const ax = fx - x0;
          const ay = fy - y0;
          const g = (gx: number, gy: number) => o.grid[(gy * o.gw + gx) * 3 + c];
          v += weights[k] * ((1 - ay) * ((1 - ax) * g(x0, y0) + ax * g(x0 + 1, y0)) + ay * ((1 - ax) * g(x0, y0 + 1) + ax * g(x0 + 1, y0 + 1)));
        });
        data[(y * width + x) * 4 + c] = 20 + 215 * v;
      }
      data[(y * width + x) * 4 + 3] = 255;
    }
  }
  return { width, height, data };
}

/**
 * A "dead leaves" picture: overlapping opaque discs of random colour, radii from a
 * power law (many small, few large). Hard edges at every scale give it a photo's
 * falling spectrum, which plain value noise lacks: the lattice search's hard case.
 */
export function deadLeaves(width: number, height: number, seed = 1, discs = 3000): RgbaImage {
  const rand = rng(seed);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let k = 0; k < discs; k++) {
    const r = 4 / Math.sqrt(0.003 + rand() * 0.997) ** 1.2;
    const cx = rand() * width;
    const cy = rand() * height;
    const colour = [rand(), rand(), rand()].map((v) => 20 + 215 * v);
    for (let y = Math.max(0, Math.floor(cy - r)); y < Math.min(height, Math.ceil(cy + r)); y++) {
      for (let x = Math.max(0, Math.floor(cx - r)); x < Math.min(width, Math.ceil(cx + r)); x++) {
        if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) continue;
        for (let c = 0; c < 3; c++) data[(y * width + x) * 4 + c] = colour[c];
        data[(y * width + x) * 4 + 3] = 255;
      }
    }
  }
  return { width, height, data };
}

/** An analytic mark shape in [0, 1] on a (w, h) box: a ring, a bar and a dot, like a logo with text. */
/**
 * A page of print: white paper (with a little grain) and lines of dark "words", 7 px high, 16–34 px
 * apart (paragraphs, headings: no one line period), about a tenth of the page inked; `print: false`
 * leaves the paper blank. Most of a repeat's cell has no ink under most repeats, as on a document
 * or a screenshot.
 */
export function paper(width: number, height: number, seed = 1, print = true): RgbaImage {
  const rand = rng(seed);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([248 + Math.floor(rand() * 4), 246 + Math.floor(rand() * 4), 240 + Math.floor(rand() * 4), 255], i * 4);
  if (!print) return { width, height, data };
  for (let top = 12; top + 7 < height; top += 16 + Math.floor(rand() * 19)) {
    // Lines end at random, some are short, and words are 8–48 px with 6 px gaps.
    const end = width * (rand() < 0.25 ? 0.2 + 0.4 * rand() : 0.8 + 0.15 * rand());
    for (let x = 16 + Math.floor(rand() * 8); x < end; ) {
      const len = 8 + Math.floor(rand() * 40);
      const ink = 25 + Math.floor(rand() * 40);
      // Letters 3–5 px wide with 1 px between them, each missing a random row or two.
      for (let k = x; k < Math.min(x + len, end); ) {
        const lw = 3 + Math.floor(rand() * 3);
        const skip = Math.floor(rand() * 9);
        for (let y = top; y < top + 7; y++) if (y - top !== skip && y - top !== skip - 3) for (let j = k; j < Math.min(k + lw, end); j++) data.set([ink, ink, ink + 8], (y * width + j) * 4);
        k += lw + 1;
      }
      x += len + 6;
    }
  }
  return { width, height, data };
}

export function logoShape(w: number, h: number): (x: number, y: number) => number {
  const cx = w * 0.3;
  const cy = h * 0.5;
  const r = Math.min(w, h) * 0.3;
  return (x, y) => {
    if (x < 0 || y < 0 || x >= w || y >= h) return 0;
    const d = Math.hypot(x - cx, y - cy);
    const ring = Math.abs(d - r) < r * 0.22;
    const bar = x > w * 0.62 && x < w * 0.92 && Math.abs(y - h * 0.35) < h * 0.09;
    const dot = Math.hypot(x - w * 0.77, y - h * 0.7) < h * 0.12;
    return ring || bar || dot ? 1 : 0;
  };
}

/** Coverage of a binary shape over the pixel centred at (x, y), by 4×4 supersampling (anti-aliasing). */
export function coverage(shape: (x: number, y: number) => number, x: number, y: number): number {
  let s = 0;
  for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) s += shape(x - 0.375 + i * 0.25, y - 0.375 + j * 0.25);
  return s / 16;
}

export interface Blended {
  image: RgbaImage;
  /** The true α per pixel. */
  alpha: Float32Array;
}

/** Composites α(x, y)·W over `photo`: J = (1 − α)·I + α·W, rounded to 8 bits. */
export function composite(photo: RgbaImage, alphaAt: (x: number, y: number) => number, colour: [number, number, number]): Blended {
  const { width, height } = photo;
  const data = new Uint8ClampedArray(photo.data);
  const alpha = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const a = alphaAt(x, y);
      if (a <= 0) continue;
      alpha[y * width + x] = a;
      const o = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) data[o + c] = (1 - a) * photo.data[o + c] + a * colour[c] * 255;
    }
  }
  return { image: { width, height, data }, alpha };
}

/** α of a shape tiled on the lattice origin + i·v1 + j·v2 (the shape's box top-left at each point). */
export function tiledAlpha(shape: (x: number, y: number) => number, v1: Vec2, v2: Vec2, opacity: number, origin: Vec2 = [0, 0]): (x: number, y: number) => number {
  const det = v1[0] * v2[1] - v1[1] * v2[0];
  return (x, y) => {
    const rx = x - origin[0];
    const ry = y - origin[1];
    const s = (v2[1] * rx - v2[0] * ry) / det;
    const t = (-v1[1] * rx + v1[0] * ry) / det;
    let a = 0;
    // The shape may reach into the neighbouring cells' boxes: check the four nearest lattice points.
    for (const di of [0, -1]) {
      for (const dj of [0, -1]) {
        const i = Math.floor(s) + di;
        const j = Math.floor(t) + dj;
        const px = origin[0] + i * v1[0] + j * v2[0];
        const py = origin[1] + i * v1[1] + j * v2[1];
        a = Math.max(a, coverage(shape, x - px, y - py));
      }
    }
    return a * opacity;
  };
}

/**
 * Periodic pictures that are content, not marks: 'tiles' (random-shade tiles with
 * dark grout), 'weave' (a two-sided coloured weave), 'stripes' (a shirt-like plaid).
 * Lighting varies slowly, as in a photo.
 */
export function periodicTexture(kind: 'tiles' | 'weave' | 'plaid', width: number, height: number, seed = 3): RgbaImage {
  const rand = rng(seed);
  const data = new Uint8ClampedArray(width * height * 4);
  const shades = Float32Array.from({ length: 4096 }, () => 0.75 + 0.25 * rand());
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const light = 0.85 + 0.15 * Math.sin(x / 190 + y / 260);
      let rgb: [number, number, number];
      if (kind === 'tiles') {
        const tx = Math.floor(x / 48);
        const ty = Math.floor(y / 48);
        const grout = x % 48 < 4 || y % 48 < 4;
        const s = shades[(ty * 64 + tx) % 4096];
        rgb = grout ? [70, 66, 60] : [200 * s, 190 * s, 170 * s];
      } else if (kind === 'weave') {
        const u = Math.sin((2 * Math.PI * x) / 14) * Math.sin((2 * Math.PI * y) / 14);
        rgb = [120 + 70 * u, 90 - 40 * u, 60 + 50 * Math.cos((2 * Math.PI * y) / 28)];
      } else {
        const a = (x % 60) < 12 ? 1 : 0;
        const b = (y % 60) < 12 ? 1 : 0;
        const thin = (x % 60) === 30 || (y % 60) === 30 ? 1 : 0;
        rgb = [150 + 60 * a - 40 * b, 40 + 30 * thin + 20 * a, 50 + 80 * b];
      }
      const o = (y * width + x) * 4;
      data[o] = rgb[0] * light;
      data[o + 1] = rgb[1] * light;
      data[o + 2] = rgb[2] * light;
      data[o + 3] = 255;
    }
  }
  return { width, height, data };
}
