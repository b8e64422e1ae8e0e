/**
 * The worker's documents and results, with at most `keepDecoded` of each held
 * as full-resolution RGBA (issue 10, item 3). A document always keeps its file
 * as opened (a Blob: the browser may keep it on disk) and is decoded again, by
 * the same path, when it is used after being let go. A result let go is kept
 * as a patch on its document (the pixels it changed, `result-patch.ts`) and
 * rebuilt exactly from the document when it is needed as pixels; where most of
 * the image changed it is kept as its PNG and decoded back exactly (fast-png).
 */
import type { Limits } from '../engine/limits';
import type { ImageFormat, RgbaImage } from '../engine/types';
import { WmError } from '../engine/errors';
import { decodeFile, encodeRgba } from '../platform/browser/codec';
import { decodePngRgba } from '../platform/browser/png';
import { DocCache } from './doc-cache';
import { applyPatch, makePatch, patchBytes, type ResultPatch } from './result-patch';
import { requireDoc } from './documents';

/** Decoded documents (and, apart, results) kept at once; the app may change it (`?keepDecoded=`). */
export const DEFAULT_KEEP_DECODED = 3;

interface Doc {
  file: Blob;
  limits: Limits;
  format: ImageFormat;
}

interface Result {
  docId: string;
  /** What the result changed on its document, made just after the result; null when most of the image changed, undefined until made. */
  patch: ResultPatch | null | undefined;
  /** Made when the RGBA is let go and there is no patch; the download's PNG bytes. */
  png: Promise<Blob> | null;
}

const docs = new Map<string, Doc>();
const results = new Map<string, Result>();

const images = new DocCache<RgbaImage>({
  capacity: DEFAULT_KEEP_DECODED,
  load: async (docId) => {
    const doc = requireDoc(docs, docId);
    const { image, bitmap } = await decodeFile(doc.file, doc.limits);
    bitmap.close();
    return image;
  },
});

function pngOf(resultId: string): Promise<Blob> {
  const r = results.get(resultId);
  if (!r) return Promise.reject(new WmError('E_PROCESSING', 'That image is no longer held by the engine; run it again.'));
  if (!r.png) return Promise.reject(new WmError('E_PROCESSING', 'That result is still held as pixels.'));
  return r.png;
}

const resultImages = new DocCache<RgbaImage>({
  capacity: DEFAULT_KEEP_DECODED,
  load: async (resultId) => {
    const r = results.get(resultId);
    const patch = r?.patch;
    if (r && patch) return images.use(r.docId, (original) => applyPatch(original, patch));
    return decodePngRgba(new Uint8Array(await (await pngOf(resultId)).arrayBuffer()));
  },
  onEvict: (resultId, image) => {
    const r = results.get(resultId);
    if (r && !r.patch && !r.png) {
      r.png = encodeRgba(image, 'png');
      r.png.catch(() => undefined);
    }
  },
});

export function setKeepDecoded(n: number): void {
  images.setCapacity(n);
  resultImages.setCapacity(n);
}

export function addDoc(docId: string, doc: Doc, image: RgbaImage): void {
  docs.set(docId, doc);
  images.set(docId, image);
}

export function holdsDoc(docId: string): boolean {
  return docs.has(docId);
}

/** Runs `work` on the document's pixels (decoded again if they were let go); E_DOC_MISSING for an unknown id. */
export function withImage<R>(docId: string, work: (image: RgbaImage) => R | Promise<R>): Promise<R> {
  requireDoc(docs, docId);
  return images.use(docId, work);
}

/** One result per document: a new one replaces the previous. `original`: the document's pixels it was made from. */
export function addResult(resultId: string, docId: string, image: RgbaImage, original: RgbaImage): void {
  for (const [id, r] of results) if (r.docId === docId) dropResult(id);
  const result: Result = { docId, patch: undefined, png: null };
  results.set(resultId, result);
  resultImages.set(resultId, image);
  // The patch (a scan of every pixel and two deflates, about 0.15 s at 12 MP) is made once the
  // removal has answered, so the result shows that much sooner. A result let go before then
  // keeps its PNG instead (onEvict), as one where most of the image changed does.
  setTimeout(() => {
    if (results.get(resultId) === result && result.patch === undefined && !result.png) result.patch = makePatch(original, image);
  }, 0);
}

export function withResult<R>(resultId: string, work: (image: RgbaImage) => R | Promise<R>): Promise<R> {
  if (!results.has(resultId)) return Promise.reject(new WmError('E_PROCESSING', 'That image is no longer held by the engine; run it again.'));
  return resultImages.use(resultId, work);
}

/** The result's PNG: the stored bytes when it was let go, else encoded now. */
export async function resultPng(resultId: string): Promise<Blob> {
  const r = results.get(resultId);
  if (r?.png) return r.png;
  return withResult(resultId, (image) => encodeRgba(image, 'png'));
}

function dropResult(resultId: string): void {
  results.delete(resultId);
  resultImages.delete(resultId);
}

export function releaseDoc(docId: string): void {
  docs.delete(docId);
  images.delete(docId);
  for (const [id, r] of results) if (r.docId === docId) dropResult(id);
}

export function heldStats(): { docs: number; decoded: number; results: number; decodedResults: number; patchBytes: number } {
  let bytes = 0;
  for (const r of results.values()) if (r.patch) bytes += patchBytes(r.patch);
  return { docs: docs.size, decoded: images.size, results: results.size, decodedResults: resultImages.size, patchBytes: bytes };
}
