/**
 * Which fill each masked region gets. Two measurements per region (connected
 * component of the mask): its thickness (twice the largest distance from a
 * masked pixel to the nearest unmasked one) and the texture around it (mean
 * squared gradient of the background rings, beyond any halo: halo.ts). The
 * thresholds come from the held-out benchmark (`npm run bench:quality --
 * --fill-only --fill-split val`, table in docs/quality.md).
 */
import { connectedComponents } from '../mask-components';
import { cropRect } from '../tensor';
import type { Mask, Rect, RgbaImage } from '../types';
import { meanEnergy, ringEnergy, REF_FROM, RINGS } from './halo';
import { holeThickness } from './patch-fill';

export type FillMethod = 'telea' | 'patch' | 'model';

export interface RegionFeatures {
  /** Twice the largest chessboard distance from a masked pixel to the background, px. */
  thickness: number;
  /** Mean squared RGB gradient (levels², summed over channels) of the background rings around the region. */
  texture: number;
}

export interface RoutedRegion extends RegionFeatures {
  id: number;
  box: Rect;
  method: FillMethod;
}

/**
 * Chosen on the val split (docs/quality.md, "Routing"): pooled fPSNR per bucket of
 * thickness × background texture. The first rule sent strokes 5–8 px thick over
 * busy ground to Telea (+1.2 dB over 19 regions, 12 cases a family); on the test
 * split that bucket reversed. With the patch fill's boundary correction and edge
 * bleach (blend.ts, halo.ts), val at 48 cases a family has the patch fill ahead in
 * every bucket up to 16 px thick, that one by 1.1 dB over 108 regions. Over 17 px
 * (mostly box requests) Telea's pooled fPSNR is 0.02–0.9 dB higher but it blurs
 * (box texture ratio 0.2 against the patch fill's 0.6), and keeping texture is what
 * issue 13 asks for, so those stay with the patch fill too. The learned remover
 * lost every bucket. `busyTexture` is the bench's bucket edge.
 */
export const ROUTING = {
  /** Background at least this busy (levels², RGB sum): a bucket edge of the routing table. */
  busyTexture: 250,
} as const;

/** Every region to the patch fill (see ROUTING); the features stay measured for the table and the next rule. */
export function chooseFill(_f: RegionFeatures): FillMethod {
  return 'patch';
}

/** Margin around a region's box for its feature crop: every background ring fits. */
const CROP_MARGIN = RINGS;

/** Measures and routes every connected region of `mask`; `labels` are connectedComponents' (8-connected). */
export function routeRegions(image: RgbaImage, mask: Mask, choose: (f: RegionFeatures) => FillMethod = chooseFill): { labels: Int32Array; regions: RoutedRegion[] } {
  const { labels, components } = connectedComponents(mask);
  const regions = components.map((comp): RoutedRegion => {
    const f = regionFeatures(image, mask, labels, comp.id, comp.box);
    return { id: comp.id, box: comp.box, ...f, method: choose(f) };
  });
  return { labels, regions };
}

export function regionFeatures(image: RgbaImage, mask: Mask, labels: Int32Array, id: number, box: Rect): RegionFeatures {
  const x0 = Math.max(0, box.x - CROP_MARGIN);
  const y0 = Math.max(0, box.y - CROP_MARGIN);
  const rect = { x: x0, y: y0, width: Math.min(image.width, box.x + box.width + CROP_MARGIN) - x0, height: Math.min(image.height, box.y + box.height + CROP_MARGIN) - y0 };
  const crop = cropRect(image, rect);
  const n = rect.width * rect.height;
  const fill = new Uint8Array(n);
  const own = new Uint8Array(n);
  let seed = -1;
  for (let y = 0; y < rect.height; y++) {
    for (let x = 0; x < rect.width; x++) {
      const g = (y + rect.y) * image.width + x + rect.x;
      fill[y * rect.width + x] = mask.data[g] > 0 ? 1 : 0;
      if (labels[g] === id) {
        own[y * rect.width + x] = 1;
        if (seed < 0) seed = y * rect.width + x;
      }
    }
  }
  const rings = ringEnergy(crop.data, rect.width, rect.height, fill);
  const localId = seed >= 0 ? rings.labels[seed] : 0;
  const texture = meanEnergy(rings, localId, REF_FROM, RINGS - 1);
  return { thickness: holeThickness(own, rect.width, rect.height), texture: Number.isNaN(texture) ? 0 : texture };
}

/** The filled regions of a removal (RemoveOutput.filledBy: 1 model, 2 Telea, 3 patch) with each one's majority method, for records and the app. */
export function filledRegions(filledBy: Uint8Array, width: number, height: number): { box: Rect; pixels: number; method: 'model' | 'inpaint' | 'patch' }[] {
  const names = [null, 'model', 'inpaint', 'patch'] as const;
  const { labels, components } = connectedComponents({ width, height, data: filledBy });
  return components.map((comp) => {
    const counts = [0, 0, 0, 0];
    for (let y = comp.box.y; y < comp.box.y + comp.box.height; y++) {
      for (let x = comp.box.x; x < comp.box.x + comp.box.width; x++) if (labels[y * width + x] === comp.id) counts[filledBy[y * width + x]]++;
    }
    const top = counts.indexOf(Math.max(...counts.slice(1)), 1);
    return { box: comp.box, pixels: comp.area, method: names[top] ?? 'inpaint' };
  });
}
