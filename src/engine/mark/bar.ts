/**
 * A found bar (band.ts) as a mark removal can invert, and as a detection region.
 * The field has the bar's one opacity over its rows, refined at full resolution,
 * and α = 1 (filled, not inverted) wherever the pixel cannot be the bar over a
 * picture: outside the bar's gamut [α·W, α·W + (1 − α)·255] by more than
 * GAMUT_SLACK in any channel (the ID or site name printed on the bar), grown by a
 * pixel for the letters' anti-aliased edges.
 */
import { createMask, fillRect } from '../mask';
import { dilateMask } from '../mask-morphology';
import type { KnownRegion, Mask, Rect, Region, RgbaImage } from '../types';
import { findBands, intersection, type Band } from './band';
import type { MarkField } from './field';

const GAMUT_SLACK = 10;

export interface Bar {
  band: Band;
  field: MarkField;
  region: KnownRegion;
}

/**
 * Bars that a detector region stands on (at least half of the region's box inside
 * the bar). A bar alone is not enough: a straight horizon over darker ground fits
 * the same blend, so only a bar that carries something the detectors saw (its ID,
 * a site name) counts. Each becomes a region of its own (kind "text", verdict
 * "overlay") and a field for removal to invert.
 */
export function findBars(image: RgbaImage, regions: readonly Region[], signal?: AbortSignal): Bar[] {
  if (regions.length === 0) return [];
  return findBands(image, signal)
    .filter((b) => regions.some((r) => intersection(r.box, b.rect) >= 0.5 * r.box.width * r.box.height))
    .map((band) => {
      const field = barField(image, band);
      const mask = createMask(image.width, image.height);
      fillRect(mask, field.bounds, 255);
      const region: KnownRegion = {
        mask,
        kind: 'text',
        confidence: Math.max(0, Math.min(1, band.correlation)),
        verdict: 'overlay',
        reason: `a bar of one colour at ${Math.round(band.opacity * 100)} % opacity across the image, under detected text: a footer or header mark; removal inverts it`,
      };
      return { band, field, region };
    });
}

/** The bar's α at full resolution: its rows (or columns) trimmed to where the contrast drops, text at 1. */
export function barField(image: RgbaImage, band: Band): MarkField {
  const { width: W, height: H, data } = image;
  const horizontal = band.rect.width === W;
  const rect = trimToEdges(image, band, horizontal);
  const alpha = band.opacity;
  const lo = band.colour.map((c) => alpha * c - GAMUT_SLACK);
  const hi = band.colour.map((c) => alpha * c + (1 - alpha) * 255 + GAMUT_SLACK);
  const text: Mask = { width: rect.width, height: rect.height, data: new Uint8Array(rect.width * rect.height) };
  for (let y = 0; y < rect.height; y++) {
    for (let x = 0; x < rect.width; x++) {
      const i = ((rect.y + y) * W + rect.x + x) * 4;
      for (let c = 0; c < 3; c++) {
        if (data[i + c] < lo[c] || data[i + c] > hi[c]) {
          text.data[y * rect.width + x] = 255;
          break;
        }
      }
    }
  }
  const printed = dilateMask(text, 1).data;
  const inside = (x: number, y: number) => x >= rect.x && y >= rect.y && x < rect.x + rect.width && y < rect.y + rect.height && y < H;
  return {
    colour: band.colour.map((c) => c / 255) as [number, number, number],
    bounds: rect,
    alphaAt: (x, y) => (inside(x, y) ? (printed[(y - rect.y) * rect.width + x - rect.x] ? 1 : alpha) : 0),
  };
}

/**
 * The bar's box comes from a working scale, a working pixel wider each way. Along
 * each edge that is not the border, the lines (rows, or columns for a vertical
 * bar) whose spread against a line two pixels outside has not dropped to halfway
 * between 1 and 1 − α are outside the bar.
 */
function trimToEdges(image: RgbaImage, band: Band, horizontal: boolean): Rect {
  const size = horizontal ? image.height : image.width;
  let start = horizontal ? band.rect.y : band.rect.x;
  let end = start + (horizontal ? band.rect.height : band.rect.width);
  const cut = (1 + (1 - band.opacity)) / 2;
  const ratio = (line: number, ref: number) => Math.sqrt(lineVariance(image, horizontal, line) / Math.max(1e-6, lineVariance(image, horizontal, ref)));
  if (start > 0) {
    const ref = Math.max(0, start - 2);
    while (start < end - 1 && ratio(start, ref) > cut) start++;
  }
  if (end < size) {
    const ref = Math.min(size - 1, end + 1);
    while (end > start + 1 && ratio(end - 1, ref) > cut) end--;
  }
  return horizontal ? { x: 0, y: start, width: image.width, height: end - start } : { x: start, y: 0, width: end - start, height: image.height };
}

/** Variance of one row (or column), pooled over the three channels. */
function lineVariance(image: RgbaImage, horizontal: boolean, line: number): number {
  const n = horizontal ? image.width : image.height;
  let v = 0;
  for (let c = 0; c < 3; c++) {
    let s = 0;
    let ss = 0;
    for (let k = 0; k < n; k++) {
      const p = horizontal ? line * image.width + k : k * image.width + line;
      const x = image.data[p * 4 + c];
      s += x;
      ss += x * x;
    }
    v += ss / n - (s / n) ** 2;
  }
  return v / 3;
}
