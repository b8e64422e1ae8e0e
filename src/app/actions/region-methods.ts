/** Words for how the regions of a result were made (engine/mark/remove.ts RemovalMethod). */
import type { RegionMethodRecord } from '../../worker/mark-protocol';
import type { RemovalMethod } from '../../worker/protocol';
import { t, type PlainKey } from '../i18n';

export const METHOD_WORDS: Record<RegionMethodRecord['method'], PlainKey> = {
  repeats: 'method.repeats',
  shared: 'method.shared',
  saved: 'method.saved',
  'one-colour': 'method.oneColour',
  model: 'method.model',
  inpaint: 'method.inpaint',
  patch: 'method.patch',
};

/** The fill chosen in the Method menu, in words. */
export const METHOD_NAMES: Record<RemovalMethod, PlainKey> = {
  auto: 'method.nameAuto',
  model: 'method.nameModel',
  patch: 'method.namePatch',
  telea: 'method.nameTelea',
};

/** Regions per method, most first: "12 inverted (tiled mark), 1 filled (Telea)". */
export function methodCounts(regions: readonly RegionMethodRecord[]): { method: RegionMethodRecord['method']; count: number; pixels: number }[] {
  const by = new Map<RegionMethodRecord['method'], { count: number; pixels: number }>();
  for (const r of regions) {
    const e = by.get(r.method) ?? { count: 0, pixels: 0 };
    e.count++;
    e.pixels += r.pixels;
    by.set(r.method, e);
  }
  return [...by.entries()].map(([method, e]) => ({ method, ...e })).sort((a, b) => b.pixels - a.pixels);
}

export function methodSummary(regions: readonly RegionMethodRecord[]): string {
  const parts = methodCounts(regions).map((m) => `${m.count} ${t(METHOD_WORDS[m.method])}`);
  return parts.length ? parts.join(', ') : t('method.nothing');
}
