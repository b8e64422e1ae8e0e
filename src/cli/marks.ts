/**
 * Where the CLI gets known marks from: repeats inside each image (default), one
 * mark shared by the batch (--shared-mark), or a saved mark (--mark FILE), and
 * `unmark learn`. All estimation is engine/mark; this file reads files and
 * keeps what the --json records say about each mark.
 */
import { readFile, stat } from 'node:fs/promises';
import { WmError } from '../engine/errors';
import type { Limits } from '../engine/limits';
import {
  decodeMarkPng,
  findRepeats,
  isPeriodicPicture,
  learnSharedMark,
  locateMark,
  templateField,
  type KnownMark,
  type MarkTemplate,
  type Placement,
  type SharedMark,
} from '../engine/mark';
import type { KnownRegion } from '../engine/detect';
import { latticeRegion } from '../engine/mark/instances';
import type { RgbaImage } from '../engine/types';
import { checkFileSize } from '../engine/validate';
import { decodeImage } from '../platform/node/codec';

/** What a --json record says about a mark it looked for. */
export interface MarkRecord {
  method: KnownMark['method'];
  found: boolean;
  /** Why it was not used, when found is false. */
  reason?: string;
  opacity?: number;
  colour?: [number, number, number];
  /** repeats: how many whole repeats the estimate used. */
  instances?: number;
  /** repeats: the lattice vectors in pixels. */
  lattice?: { v1: [number, number]; v2: [number, number] };
  placement?: Placement;
}

export interface MarkSource {
  /** True when this source's mark is all there is to remove (no detector). */
  exclusive: boolean;
  forImage(image: RgbaImage, index: number, signal?: AbortSignal): MarksForImage;
}

export interface MarksForImage {
  known: KnownMark[];
  records: MarkRecord[];
  /** Marks that are regions of the detection too (an accepted lattice: every repeat, found by the lattice, not the detector). */
  regions?: KnownRegion[];
  /** The lattice was refused as the picture's own pattern (isPeriodicPicture): triage ignores placement. */
  periodicPicture?: boolean;
}

const r3 = (v: number) => Math.round(v * 1000) / 1000;
const colour3 = (c: readonly number[]) => c.map(r3) as [number, number, number];

export const repeatsSource: MarkSource = {
  exclusive: false,
  forImage(image, _index, signal) {
    const r = findRepeats(image, {}, signal);
    const lattice = r.search.lattice ? { v1: r.search.lattice.v1.map(r3) as [number, number], v2: r.search.lattice.v2.map(r3) as [number, number] } : undefined;
    if (!r.search.lattice) return { known: [], records: [] };
    const periodicPicture = isPeriodicPicture(r);
    const record: MarkRecord = {
      method: 'repeats',
      found: r.accepted,
      ...(r.accepted ? {} : { reason: r.reason }),
      // The colour inverted with (the field's: read again from the instances, engine/mark pool.ts recoloured) where the lattice is accepted.
      ...(r.estimate ? { opacity: r3(r.estimate.opacity), colour: colour3(r.field?.colour ?? r.estimate.colour), instances: r.estimate.diagnostics.instances } : {}),
      lattice,
    };
    const region = latticeRegion(r, image.width, image.height);
    return { known: r.field ? [{ field: r.field, method: 'repeats' }] : [], records: [record], regions: region ? [region] : [], ...(periodicPicture ? { periodicPicture } : {}) };
  },
};

function templateSource(template: MarkTemplate, method: 'shared' | 'saved', known?: (index: number) => Placement | undefined): MarkSource {
  return {
    exclusive: true,
    forImage(image, index, signal) {
      const placement = known?.(index) ?? locateMark(image, template, signal)?.placement;
      if (!placement) return { known: [], records: [{ method, found: false, reason: 'the mark was not found in this image' }] };
      const record: MarkRecord = { method, found: true, placement: { x: r3(placement.x), y: r3(placement.y), scale: r3(placement.scale), gain: r3(placement.gain) } };
      return { known: [{ field: templateField(template, placement, image), method }], records: [record] };
    },
  };
}

export async function savedMarkSource(file: string): Promise<MarkSource> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new WmError('E_BAD_OPTION', `No mark at ${file} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'}).`, { cause: e });
  }
  return templateSource(decodeMarkPng(bytes), 'saved');
}

/** Images used to learn one mark: at most this many, spread evenly over the inputs (memory stays bounded). */
export const LEARN_MAX_IMAGES = 32;

/** Which input indices a shared estimate reads. */
export function learnSample(count: number): number[] {
  if (count <= LEARN_MAX_IMAGES) return Array.from({ length: count }, (_, i) => i);
  return Array.from({ length: LEARN_MAX_IMAGES }, (_, k) => Math.floor((k * count) / LEARN_MAX_IMAGES));
}

export async function learnFromFiles(files: readonly string[], limits: Limits, signal?: AbortSignal): Promise<{ mark: SharedMark; sample: number[] }> {
  if (files.length < 2) throw new WmError('E_MARK_TOO_FEW', `Learning a mark needs at least two images that carry it; ${files.length} given.`);
  const sample = learnSample(files.length);
  const images: RgbaImage[] = [];
  for (const i of sample) {
    checkFileSize((await stat(files[i])).size, limits); // before reading, as for every input
    images.push((await decodeImage(await readFile(files[i]), limits)).image);
  }
  return { mark: learnSharedMark(images, signal), sample };
}

export function sharedMarkSource(learned: { mark: SharedMark; sample: number[] }): MarkSource {
  const at = new Map(learned.sample.map((input, k) => [input, learned.mark.placements[k]]));
  return templateSource(learned.mark.template, 'shared', (index) => at.get(index) ?? undefined);
}
