/**
 * The triage part of `npm run bench:quality -- --triage-only [--photos 40] [--n 10]`
 * (issue: detection you can trust). Runs the detector as the app does, once as
 * it was (every region on) and once with triage (probably-content regions off),
 * and reports:
 *   - on clean held-out photos, split into text-rich ones (synthetic documents and
 *     screenshots, licence plates) and the rest: the share of the image the mask
 *     covers, i.e. the content pixels one click would change;
 *   - on the synthetic marked set (training/data.py --make-benchmark): IoU, F1
 *     and recall per family, to show what triage costs in missed marks;
 *   - detect time and triage time, in Node.
 */
import sharp from 'sharp';
import { addKnownRegions, detect, detectionToMask, triageDetection, type Detection } from '../engine/detect';
import { findRepeats, isPeriodicPicture } from '../engine/mark';
import { latticeRegion } from '../engine/mark/instances';
import { countMasked } from '../engine/mask';
import { maskForSize } from '../engine/mask-scale';
import { maskF1, maskIoU } from '../engine/metrics';
import type { ModelRunner } from '../engine/runner';
import type { Mask, RgbaImage } from '../engine/types';
import { fmt, table } from './common';
import { heldOutPhotos, loadPhoto } from './mark-cases';
import { listCases, readCase } from './quality-data';

export interface TriageBenchOptions {
  detectors: ModelRunner[];
  threshold: number;
  photos: number;
  /** Folder of synthetic marked cases (quality-data.ts), or null to skip them. */
  casesDir: string | null;
  /** Which held-out photos: test (reported) or val (for choosing models and thresholds). */
  split?: 'test' | 'val';
  /** Look for a tiled mark's lattice, as Detect does (default true). */
  repeats?: boolean;
  /**
   * Resize every photo and case (lanczos3; the truth nearest-neighbour) so its long side is this
   * many pixels first: the held-out photos are mostly under 700 px, and a detector's maxSide only
   * matters on pictures larger than it, as users' are.
   */
  longSide?: number;
  log: (s: string) => void;
}

const TEXT_RICH = /^(synthetic-docs|openimages-lp)__/;
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** `image` with its long side at `longSide` (unchanged without one). */
async function atLongSide(image: RgbaImage, longSide?: number): Promise<RgbaImage> {
  if (!longSide || Math.max(image.width, image.height) === longSide) return image;
  const s = longSide / Math.max(image.width, image.height);
  const width = Math.round(image.width * s);
  const height = Math.round(image.height * s);
  const raw = { width: image.width, height: image.height, channels: 4 as const };
  const data = await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), { raw }).resize(width, height, { kernel: 'lanczos3', fit: 'fill' }).raw().toBuffer();
  return { width, height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength) };
}

/**
 * One detector run; the raw mask, then the one-click mask as the app makes it:
 * the same regions triaged, plus the tiled mark's region when the lattice
 * search accepts one (each step timed on its own).
 */
async function both(
  image: RgbaImage,
  o: TriageBenchOptions,
): Promise<{ raw: Mask; triaged: Mask; det: Detection; lattice: boolean; periodic: boolean; detectMs: number; triageMs: number; repeatsMs: number }> {
  let t = performance.now();
  const plain = await detect(image, o.detectors, { threshold: o.threshold, triage: false });
  const detectMs = performance.now() - t;
  const raw = detectionToMask(plain, { threshold: o.threshold, dilatePx: 0 });
  const det: Detection = { ...plain, regions: plain.regions.map((r) => ({ ...r })) };
  t = performance.now();
  const rep = o.repeats === false ? null : findRepeats(image);
  const tiled = rep ? latticeRegion(rep, image.width, image.height) : null;
  const repeatsMs = performance.now() - t;
  const known = tiled ? [tiled] : [];
  t = performance.now();
  const periodic = rep ? isPeriodicPicture(rep) : false;
  triageDetection(image, det, o.threshold, known, periodic);
  addKnownRegions(det, known);
  const triageMs = performance.now() - t;
  return { raw, triaged: detectionToMask(det, { threshold: o.threshold, dilatePx: 0 }), det, lattice: Boolean(tiled), periodic, detectMs, triageMs, repeatsMs };
}

export async function runTriageBench(o: TriageBenchOptions): Promise<{ md: string; json: unknown }> {
  const names = heldOutPhotos(o.split ?? 'test');
  const rich = names.filter((n) => TEXT_RICH.test(n));
  const rest = names.filter((n) => !TEXT_RICH.test(n));
  const picks = Array.from({ length: Math.min(o.photos, rest.length) }, (_, i) => rest[Math.floor((i * rest.length) / Math.min(o.photos, rest.length))]);
  const groups: [string, string[]][] = [
    ['text-rich clean photos', rich],
    ['other clean photos', picks],
  ];
  const cleanRows: string[][] = [];
  const verdicts: Record<string, number> = {};
  const ms = { detect: [] as number[], triage: [] as number[], repeats: [] as number[] };
  const lattices: Record<string, number> = {};
  const periodic: Record<string, number> = {};
  const json: Record<string, unknown> = {};
  for (const [label, list] of groups) {
    const raw: number[] = [];
    const tri: number[] = [];
    for (const name of list) {
      const img = await atLongSide(await loadPhoto(name), o.longSide);
      const r = await both(img, o);
      const n = img.width * img.height;
      raw.push(countMasked(r.raw) / n);
      tri.push(countMasked(r.triaged) / n);
      ms.detect.push(r.detectMs);
      ms.triage.push(r.triageMs);
      ms.repeats.push(r.repeatsMs);
      if (r.lattice) lattices[label] = (lattices[label] ?? 0) + 1;
      if (r.periodic) periodic[label] = (periodic[label] ?? 0) + 1;
      for (const reg of r.det.regions) verdicts[reg.verdict ?? 'none'] = (verdicts[reg.verdict ?? 'none'] ?? 0) + 1;
    }
    o.log(`triage: ${label}: ${list.length} photos`);
    cleanRows.push([label, String(list.length), `${fmt(mean(raw) * 100, 3)} %`, `${fmt(mean(tri) * 100, 3)} %`, `${fmt(Math.max(0, ...raw) * 100, 2)} %`, `${fmt(Math.max(0, ...tri) * 100, 2)} %`]);
    json[label] = { n: list.length, photos: list, raw, triaged: tri };
  }

  const famRows: string[][] = [];
  if (o.casesDir) {
    const byFamily = new Map<string, { iouR: number[]; iouT: number[]; f1R: number[]; f1T: number[]; recR: number[]; recT: number[] }>();
    for (const id of listCases(o.casesDir)) {
      const read = await readCase(o.casesDir, id);
      const watermarked = await atLongSide(read.watermarked, o.longSide);
      const c = { ...read, watermarked, truth: maskForSize(read.truth, watermarked.width, watermarked.height) };
      const truthArea = countMasked(c.truth);
      if (truthArea === 0) continue;
      const r = await both(c.watermarked, o);
      if (r.lattice) lattices[c.family] = (lattices[c.family] ?? 0) + 1;
      if (r.periodic) periodic[c.family] = (periodic[c.family] ?? 0) + 1;
      const f = byFamily.get(c.family) ?? { iouR: [], iouT: [], f1R: [], f1T: [], recR: [], recT: [] };
      const recall = (m: Mask) => {
        let hit = 0;
        for (let i = 0; i < m.data.length; i++) if (m.data[i] && c.truth.data[i]) hit++;
        return hit / truthArea;
      };
      f.iouR.push(maskIoU(r.raw, c.truth));
      f.iouT.push(maskIoU(r.triaged, c.truth));
      f.f1R.push(maskF1(r.raw, c.truth));
      f.f1T.push(maskF1(r.triaged, c.truth));
      f.recR.push(recall(r.raw));
      f.recT.push(recall(r.triaged));
      byFamily.set(c.family, f);
    }
    for (const [fam, f] of [...byFamily.entries()].sort()) {
      famRows.push([fam, String(f.iouR.length), fmt(mean(f.iouR), 3), fmt(mean(f.iouT), 3), fmt(mean(f.f1R), 3), fmt(mean(f.f1T), 3), fmt(mean(f.recR), 3), fmt(mean(f.recT), 3)]);
    }
    json.families = Object.fromEntries(byFamily);
  }
  const md = [
    `### Triage of detected regions (threshold ${o.threshold})`,
    '',
    'Clean held-out photos: the share of the image the one-click mask covers, which is what removal would change (every pixel of it is the picture\'s own). "before" = every detected region on; "triage" = the default now: probably-content regions off, and every repeat of a tiled mark added when the lattice search accepts one. Text-rich = the held-out synthetic documents and screenshots and licence-plate photos.',
    '',
    table(['clean set', 'n', 'mean before', 'mean triage', 'worst before', 'worst triage'], cleanRows),
    '',
    `Verdicts on those photos' regions: ${Object.entries(verdicts).map(([k, v]) => `${k} ${v}`).join(', ')}. Per photo in Node (WASM): detect ${fmt(mean(ms.detect), 0)} ms, lattice search ${fmt(mean(ms.repeats), 0)} ms, then triage ${fmt(mean(ms.triage), 0)} ms. Lattices accepted: ${Object.entries(lattices).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}; refused as the picture's own pattern (triage then ignores placement): ${Object.entries(periodic).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}.`,
    ...(famRows.length
      ? ['', 'Marked synthetic cases (same data as the Quality table): what triage costs in marks.', '', table(['family', 'n', 'IoU before', 'IoU triage', 'F1 before', 'F1 triage', 'recall before', 'recall triage'], famRows)]
      : []),
  ].join('\n');
  return { md, json };
}
