/**
 * The worker's answers to detect and remove, built from the engine's outputs.
 * Pure (no DOM, no comlink), so protocol.test.ts can build them from a real
 * engine run and check every field the app reads is there.
 */
import type { Detection } from '../engine/detect';
import { filledRegions } from '../engine/fill/route';
import type { MarkRemoveOutput } from '../engine/mark/remove';
import type { RemoveOutput } from '../engine/remove';
import type { RegionMethodRecord } from './mark-protocol';
import type { Backend, DetectResult, RemovalMethod, RemoveResult } from './protocol';

export function toDetectResult(detectionId: string, det: Pick<Detection, 'regions' | 'backend'>, ms: number): DetectResult {
  return { detectionId, regions: det.regions, ms, backend: (det.backend === 'webgpu' ? 'webgpu' : 'wasm') as Backend };
}

/** How each region was made: mark-aware removal says so itself; a routed fill ('auto') from its per-pixel record. */
export function regionRecords(
  out: RemoveOutput | MarkRemoveOutput,
  method: RemovalMethod,
  width: number,
  height: number,
): RegionMethodRecord[] | undefined {
  if ('regions' in out) return out.regions.map(({ box, pixels, method: how }) => ({ box, pixels, method: how }));
  return method === 'auto' ? filledRegions(out.filledBy, width, height) : undefined;
}

export interface RemoveAnswer {
  resultId: string;
  bitmap: ImageBitmap;
  out: Pick<RemoveOutput | MarkRemoveOutput, 'tiles' | 'backend'>;
  method: RemovalMethod;
  regions: RegionMethodRecord[] | undefined;
  ms: number;
  marksUsed: boolean;
  maskVersion: number;
}

export function toRemoveResult(a: RemoveAnswer): RemoveResult {
  const { out } = a;
  return {
    resultId: a.resultId,
    bitmap: a.bitmap,
    tiles: typeof out.tiles === 'number' ? out.tiles : out.tiles.length,
    ms: a.ms,
    backend: out.backend === 'webgpu' ? 'webgpu' : out.backend === 'cpu' ? 'cpu' : 'wasm',
    method: a.method,
    ...(a.regions ? { regions: a.regions } : {}),
    marksUsed: a.marksUsed,
    maskVersion: a.maskVersion,
  };
}
