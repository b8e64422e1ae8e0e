/**
 * Parts of a batch estimate that the images do not share. With few images the
 * median is close to their mean, so a picture's own strong content (a sign's
 * letters, a dark branch) enters the estimate at 1/K of its contrast next to the
 * mark. The mark is in every image; that content is in one. Each part of the
 * estimate (a connected piece of its body, e.g. one letter) is fitted on its own
 * in every image (presence.ts `partPresence`), and a part that too few images
 * carry is zeroed.
 */
import { connectedComponents } from '../mask-components';
import type { RgbaImage } from '../types';
import type { Placement } from './field';
import { partPresence } from './presence';
import { bodyLevel, keepNearBody, neighbours } from './support';
import type { MarkTemplate } from './template';

/**
 * An image carries a part where the part's fitted gain lies in this range. Another
 * image's content fits near 0 there; in its own image it fits near K (the estimate
 * holds it at 1/K of its contrast). A val pair (seed 77, a white text over a licence
 * plate and over flowers): the text's letters fitted 0.89–1.28 in both images, the
 * plate's letters 1.3–2.7 in their own image and mostly below 0.6 in the other.
 */
const PART_GAIN: readonly [number, number] = [0.6, 1.6];

export interface PartsResult {
  parts: number;
  dropped: number;
  /** Share of the template's α mass left. */
  kept: number;
}

/**
 * Zeroes, in place, the parts of `t` (pieces of α ≥ bodyShare × its 98th percentile,
 * 8-connected) that fewer than max(2, ⌈n/2⌉) of the n placed images carry, then the
 * faint α more than `reach` px from what is left (support.ts keepNearBody).
 */
export function dropUnsharedParts(images: readonly RgbaImage[], t: MarkTemplate, places: readonly Placement[], bodyShare: number, reach: number): PartsResult {
  const a = t.alphaHw;
  const level = bodyLevel(a, bodyShare);
  if (level === null || places.length < 2) return { parts: 0, dropped: 0, kept: 1 };
  const body = Uint8Array.from(a, (v) => (v >= level ? 1 : 0));
  const { labels, components } = connectedComponents({ width: t.width, height: t.height, data: body });
  const count = components.length === 0 ? 0 : Math.max(...components.map((c) => c.id));
  const carried = new Int32Array(count + 1);
  images.forEach((img, k) => {
    const fits = partPresence(img, t, places[k], labels, count);
    for (let p = 1; p <= count; p++) if (fits[p].gain >= PART_GAIN[0] && fits[p].gain <= PART_GAIN[1]) carried[p]++;
  });
  const need = Math.max(2, Math.ceil(places.length / 2));
  const drop = new Uint8Array(count + 1);
  let dropped = 0;
  for (const c of components) {
    if (carried[c.id] < need) {
      drop[c.id] = 1;
      dropped++;
    }
  }
  if (dropped === 0) return { parts: components.length, dropped, kept: 1 };
  const before = mass(a);
  for (let i = 0; i < a.length; i++) if (drop[labels[i]]) a[i] = 0;
  keepNearBody(a, neighbours(t.width, t.height, { kind: 'clamp' }), bodyShare, reach);
  return { parts: components.length, dropped, kept: before > 0 ? mass(a) / before : 0 };
}

function mass(a: Float32Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s;
}
