/**
 * The worker's mark calls: estimate a mark (repeats, a selection, a batch, a
 * saved file), remember it per document so that removal inverts it, and hand
 * back masks, previews and the saved-mark files. Thin over engine/mark; the
 * engine's loops are synchronous, so a cancel that does not land between them
 * is finished by the client restarting the worker.
 */
import { transfer } from 'comlink';
import { WmError } from '../engine/errors';
import { connectedComponents, fillRect } from '../engine/mask';
import { findRepeats, isPeriodicPicture, type RepeatsResult } from '../engine/mark/repeats';
import { learnSharedMark } from '../engine/mark/batch';
import { templateField, type MarkField } from '../engine/mark/field';
import { alphaPreviewRgba, fieldInstance, fieldMask, findAllLike, latticeReach, latticeRegion, unionMask } from '../engine/mark/instances';
import type { KnownRegion } from '../engine/detect';
import { locateMark } from '../engine/mark/locate';
import type { KnownMark } from '../engine/mark/remove';
import { decodeMarkPng, encodeMarkPng, markSidecar, type MarkSidecar, type MarkTemplate } from '../engine/mark/template';
import type { Mask, Rect, RgbaImage } from '../engine/types';
import { rgbaToBitmap } from '../platform/browser/codec';
import type { MaskDocs } from './mask-docs';
import type { ExportedMark, MarkFound, MarkProgress, MarkSource, MarkSummary, RepeatsFound, SharedFound } from './mark-protocol';

export interface MarkDeps {
  /** The document's pixels, decoded again if the worker's cache let them go (doc-cache.ts). */
  image(docId: string): Promise<RgbaImage>;
  job<T>(jobId: number | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T>;
  newId(prefix: string): string;
  /** The documents' masks: a job reads a copy when it starts and proposes its result when it ends. */
  masks: MaskDocs;
}

/** A document's mask as a job read it: its id, a copy, and the version it had. */
interface Base {
  maskId: string;
  mask: Mask;
  version: number;
}

interface MarkRecord {
  template: MarkTemplate;
  opacity: number;
  source: MarkSource;
  instances: number;
}

/** A mark placed on one document. `field` is null for a selection's template: removal then fits each region itself. */
interface DocMark {
  markId: string;
  method: KnownMark['method'] | null;
  field: MarkField | null;
}

const marks = new Map<string, MarkRecord>();
const docMarks = new Map<string, DocMark[]>();
const repeatsCache = new Map<string, RepeatsResult>();

/** The marks removal should invert for a document, and whether the mark-aware removal applies at all. */
export function marksFor(docId: string): { aware: boolean; known: KnownMark[] } {
  const list = docMarks.get(docId) ?? [];
  const known: KnownMark[] = [];
  for (const m of list) if (m.field && m.method) known.push({ field: m.field, method: m.method });
  return { aware: list.length > 0, known };
}

export function releaseMarks(docId: string): void {
  docMarks.delete(docId);
  repeatsCache.delete(docId);
}

/** One mark per source per document: a new lattice replaces the old one, a saved mark the same saved mark. */
function placeMark(docId: string, mark: DocMark): void {
  const list = (docMarks.get(docId) ?? []).filter((m) => m.markId !== mark.markId && !(m.method === 'repeats' && mark.method === 'repeats'));
  docMarks.set(docId, [...list, mark]);
}

function summary(markId: string, r: MarkRecord): MarkSummary {
  return {
    markId,
    source: r.source,
    opacity: r.opacity,
    colour: r.template.colour,
    width: r.template.width,
    height: r.template.height,
    instances: r.instances,
  };
}

/** The mask with the mark's support added, proposed to the document (accepted by the app if the mask did not change meanwhile). */
function propose(masks: MaskDocs, base: Base, add: Mask) {
  const { mask, added } = unionMask(base.mask, add);
  return masks.propose(base.maskId, mask, base.version, added);
}

function found(masks: MaskDocs, markId: string, record: MarkRecord, base: Base, add: Mask, mode: MarkFound['mode']): MarkFound {
  const proposal = propose(masks, base, add);
  return { mark: summary(markId, record), proposal, added: proposal.added, mode };
}

const baseOf = (masks: MaskDocs, maskId: string): Base => ({ maskId, ...masks.snapshot(maskId) });

function getMark(markId: string): MarkRecord {
  const r = marks.get(markId);
  if (!r) throw new WmError('E_MARK_INVALID', 'That mark is no longer loaded in the engine; learn or import it again.');
  return r;
}

function repeatsOf(docId: string, image: RgbaImage, signal: AbortSignal, onProgress?: (p: MarkProgress) => void): RepeatsResult {
  let r = repeatsCache.get(docId);
  if (!r) {
    r = findRepeats(image, {}, signal, (share) => void onProgress?.({ share }));
    repeatsCache.set(docId, r);
  }
  return r;
}

/** Registers an accepted lattice as a mark of the document; returns its id and record. */
function latticeMark(deps: Pick<MarkDeps, 'newId'>, docId: string, image: RgbaImage, r: RepeatsResult): { markId: string; record: MarkRecord; field: MarkField } {
  const field = r.field;
  const lattice = r.search.lattice;
  if (!field || !r.estimate || !lattice) throw new WmError('E_MARK_NOT_FOUND', `No tiled mark: ${r.reason}.`);
  const cellArea = Math.abs(lattice.v1[0] * lattice.v2[1] - lattice.v1[1] * lattice.v2[0]);
  const existing = (docMarks.get(docId) ?? []).find((m) => m.method === 'repeats');
  if (existing?.field === field) return { markId: existing.markId, record: getMark(existing.markId), field };
  // A window of twice the cell's box around the centre holds a whole instance (latticeReach).
  const one = fieldInstance(field, image.width, image.height, cellArea, latticeReach(lattice.v1, lattice.v2));
  const e = r.estimate;
  const template: MarkTemplate = one?.template ?? { width: e.width, height: e.height, alphaHw: e.alphaHw, colour: field.colour };
  const record: MarkRecord = { template, opacity: e.opacity, source: 'repeats', instances: Math.round((image.width * image.height) / Math.max(1, cellArea)) };
  const markId = deps.newId('mark');
  marks.set(markId, record);
  placeMark(docId, { markId, method: 'repeats', field });
  return { markId, record, field };
}

/**
 * Detect's tiled-mark step: the document's lattice (cached), and when it is
 * accepted, its region for the detection and its mark registered for removal.
 */
export function tiledMarkFor(deps: Pick<MarkDeps, 'newId'>, docId: string, image: RgbaImage, signal: AbortSignal): { region: KnownRegion; mark: MarkSummary } | null {
  const r = repeatsOf(docId, image, signal);
  const region = latticeRegion(r, image.width, image.height);
  if (!region) return null;
  const { markId, record } = latticeMark(deps, docId, image, r);
  return { region, mark: summary(markId, record) };
}

/** True when the document's lattice was refused as the picture's own pattern (engine/mark isPeriodicPicture): triage ignores placement. */
export function periodicPictureFor(docId: string, image: RgbaImage, signal: AbortSignal): boolean {
  return isPeriodicPicture(repeatsOf(docId, image, signal));
}

/** The marks a detection found (footer bars, engine/mark/bar.ts): they replace the previous detection's. */
export function placeDetectedMarks(deps: Pick<MarkDeps, 'newId'>, docId: string, found: readonly KnownMark[]): void {
  const kept = (docMarks.get(docId) ?? []).filter((m) => m.method !== 'one-colour');
  const added = found.map((m): DocMark => ({ markId: deps.newId('mark'), method: m.method, field: m.field }));
  if (kept.length + added.length > 0) docMarks.set(docId, [...kept, ...added]);
  else docMarks.delete(docId);
}

/** The user's selection: the box if one was drawn, else the largest piece of the mask. */
function selectionOf(base: Mask, box: Rect | null): { mask: Mask; box: Rect } | null {
  if (box) {
    const mask: Mask = { width: base.width, height: base.height, data: new Uint8Array(base.data.length) };
    const clipped = fillRect(mask, box, 255);
    return clipped ? { mask, box: clipped } : null;
  }
  const { labels, components } = connectedComponents(base);
  const top = components.sort((a, b) => b.area - a.area)[0];
  if (!top) return null;
  const mask: Mask = { width: base.width, height: base.height, data: new Uint8Array(labels.length) };
  for (let p = 0; p < labels.length; p++) if (labels[p] === top.id) mask.data[p] = 255;
  return { mask, box: top.box };
}

const touches = (field: MarkField, box: Rect): boolean => {
  for (let y = box.y; y < box.y + box.height; y += 2) for (let x = box.x; x < box.x + box.width; x += 2) if (field.alphaAt(x, y) >= 0.05) return true;
  return false;
};

export function createMarkApi(deps: MarkDeps) {
  return {
    /** Tiled marks inside one image. A refused lattice is an answer (with its reason), not an error. */
    async findRepeats(jobId: number, docId: string, maskId: string, onProgress?: (p: MarkProgress) => void): Promise<RepeatsFound> {
      return deps.job(jobId, async (signal) => {
        const base = baseOf(deps.masks, maskId);
        const image = await deps.image(docId);
        const r = repeatsOf(docId, image, signal, onProgress);
        if (!r.accepted) return { accepted: false, reason: r.reason, found: null };
        const { markId, record, field } = latticeMark(deps, docId, image, r);
        return { accepted: true, reason: r.reason, found: found(deps.masks, markId, record, base, fieldMask(field, image.width, image.height), 'lattice') };
      });
    },

    /**
     * Every instance like the selection: all repeats of an accepted lattice that
     * reaches into the selection; otherwise the selection's one-colour fit as a
     * template, found again and again (engine/mark/instances.ts).
     */
    async findAllLike(jobId: number, docId: string, maskId: string, box: Rect | null, onProgress?: (p: MarkProgress) => void): Promise<MarkFound> {
      return deps.job(jobId, async (signal) => {
        const base = baseOf(deps.masks, maskId);
        const image = await deps.image(docId);
        const sel = selectionOf(base.mask, box);
        const r = repeatsOf(docId, image, signal, (p) => onProgress?.({ share: 0.7 * p.share }));
        if (r.accepted && r.field && (!sel || touches(r.field, sel.box))) {
          const { markId, record, field } = latticeMark(deps, docId, image, r);
          return found(deps.masks, markId, record, base, fieldMask(field, image.width, image.height), 'lattice');
        }
        if (!sel) throw new WmError('E_MARK_NOT_FOUND', `No tiled mark (${r.reason}). Draw a box around one mark, then press "Find all like this".`);
        const like = findAllLike(image, sel.mask, sel.box, {}, signal);
        onProgress?.({ share: 1 });
        const record: MarkRecord = { template: like.template, opacity: like.opacity, source: 'selection', instances: like.placements.length };
        const markId = deps.newId('mark');
        marks.set(markId, record);
        placeMark(docId, { markId, method: null, field: null });
        return found(deps.masks, markId, record, base, like.mask, 'matches');
      });
    },

    /** One mark from K ≥ 2 same-size documents (`maskIds`: their masks, in order); each document gets its placement and a proposal. */
    async learnSharedMark(jobId: number, docIds: string[], maskIds: string[], onProgress?: (p: MarkProgress) => void): Promise<SharedFound> {
      return deps.job(jobId, async (signal) => {
        const bases = maskIds.map((id) => baseOf(deps.masks, id));
        const images = await Promise.all(docIds.map((id) => deps.image(id)));
        const shared = learnSharedMark(images, signal, (share) => void onProgress?.({ share }));
        const sidecar = markSidecar(shared.template);
        const record: MarkRecord = { template: shared.template, opacity: sidecar.opacity, source: 'shared', instances: images.length };
        const markId = deps.newId('mark');
        marks.set(markId, record);
        const docs = docIds.map((docId, k) => {
          const at = shared.placements[k];
          // Not found in this image: its mask stays as it was.
          if (!at) return { docId: maskIds[k], proposal: null, added: 0 };
          const field = templateField(shared.template, at, images[k]);
          placeMark(docId, { markId, method: 'shared', field });
          const proposal = propose(deps.masks, bases[k], fieldMask(field, images[k].width, images[k].height));
          return { docId: maskIds[k], proposal, added: proposal.added };
        });
        return { mark: summary(markId, record), docs };
      });
    },

    /** Reads a saved mark PNG (RGB = W, A = α); the sidecar, when given, only names where it came from. */
    async importMark(png: Uint8Array, sidecar?: Pick<MarkSidecar, 'opacity'>): Promise<MarkSummary> {
      return deps.job(undefined, async () => {
        const template = decodeMarkPng(png);
        const opacity = sidecar?.opacity ?? markSidecar(template).opacity;
        const record: MarkRecord = { template, opacity, source: 'saved', instances: 1 };
        const markId = deps.newId('mark');
        marks.set(markId, record);
        return summary(markId, record);
      });
    },

    /** Finds a loaded mark in a document by matching (scale ±20 %) and adds its support to the mask. */
    async locateSavedMark(jobId: number, docId: string, maskId: string, markId: string): Promise<MarkFound> {
      return deps.job(jobId, async (signal) => {
        const base = baseOf(deps.masks, maskId);
        const image = await deps.image(docId);
        const record = getMark(markId);
        const at = locateMark(image, record.template, signal);
        if (!at) throw new WmError('E_MARK_NOT_FOUND', 'The saved mark was not found in this image.');
        const field = templateField(record.template, at.placement, image);
        placeMark(docId, { markId, method: 'saved', field });
        return found(deps.masks, markId, record, base, fieldMask(field, image.width, image.height), 'saved');
      });
    },

    async exportMark(markId: string): Promise<ExportedMark> {
      return deps.job(undefined, async () => {
        const r = getMark(markId);
        // A copy whose buffer is exactly the file, so it can be transferred.
        const png = encodeMarkPng(r.template).slice();
        const source: MarkSidecar['source'] =
          r.source === 'saved' ? undefined : { method: r.source === 'selection' ? 'fit' : r.source, images: r.source === 'shared' ? r.instances : 1 };
        const sidecar = { ...markSidecar(r.template, source), opacity: Math.round(r.opacity * 1e4) / 1e4 };
        return transfer({ png, sidecar }, [png.buffer]);
      });
    },

    /** α as a grey bitmap (largest α white), for the mark panel. */
    async markPreview(markId: string): Promise<ImageBitmap> {
      return deps.job(undefined, async () => {
        const bitmap = await rgbaToBitmap(alphaPreviewRgba(getMark(markId).template));
        return transfer(bitmap, [bitmap]);
      });
    },

    /** Removal goes back to the plain fill for this document. */
    forgetMarks(docId: string): void {
      docMarks.delete(docId);
    },
  };
}
