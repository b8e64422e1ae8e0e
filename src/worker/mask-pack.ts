/** How the worker packs masks and their undo steps while a document is not in use: zlib, level 1 (mask-docs.ts). */
import { unzlibSync, zlibSync } from 'fflate';
import { WmError } from '../engine/errors';
import type { PatchCodec } from '../engine/history';

export const pack = (data: Uint8Array) => zlibSync(data, { level: 1 });

/** A packed document's history steps (MaskHistory.compact), as its mask. */
export const historyCodec: PatchCodec = { pack, unpack: (zlib, length) => unpack(zlib, length, 1) };

export function unpack(zlib: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  let data: Uint8Array;
  try {
    data = unzlibSync(zlib, { out });
  } catch (e) {
    throw new WmError('E_MASK_MISMATCH', `The saved mask does not inflate (${e instanceof Error ? e.message : String(e)}).`);
  }
  // fflate returns a shorter view when the data ends early.
  if (data.length !== width * height) throw new WmError('E_MASK_MISMATCH', `The saved mask has ${data.length} bytes for ${width}×${height}.`);
  return out;
}
